using LicenceTrust.Samples;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Licences;
using LicenceTrust.QrImages;
using LicenceTrust.Testing;
using Microsoft.Playwright;
using SkiaSharp;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The Chongqing node serving the staff page, federated with a Sichuan node (both in-process on real
/// HTTP, each its own SQLite), a staff account created with the CLI, and Playwright driving Debian's
/// headless Chromium (<see cref="HeadlessChromium"/>; never a downloaded browser).
/// </summary>
public sealed class StaffPageFixture : IAsyncLifetime
{
    public const string StaffUser = "wang.wu";
    public const string StaffPassword = "counter-staff-2026";

    public NodeFixture Chongqing { get; private set; } = null!;

    public NodeFixture Sichuan { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public string Folder { get; } = Directory.CreateTempSubdirectory("lt-ui-").FullName;

    /// <summary>Where the tests save screenshots of the main states (referenced by docs/ui.md).</summary>
    public static string Screenshots => Path.Combine(RepositoryPaths.Root, "artifacts", "ui");

    /// <summary>Sichuan licences: one in force, one revoked.</summary>
    public string ValidSichuan { get; private set; } = string.Empty;

    public string RevokedSichuan { get; private set; } = string.Empty;

    /// <summary>
    /// A genuinely signed Sichuan credential whose holder name and legal representative carry a
    /// right-to-left override (signed elsewhere, or before the text policy): it points at the valid
    /// licence's status slot, so it verifies VALID and only the warning tells staff to look at the paper.
    /// </summary>
    public string SpoofedSichuan { get; private set; } = string.Empty;

    /// <summary>
    /// The valid licence's slot under two other genuinely signed credentials, both VALID: an LT1 one (QR version
    /// 19-20, what LT1 needed) and an LT2 one whose holder name is padded, with characters no dictionary string
    /// matches, until it needs version 16, the most issue 18 allows.
    /// </summary>
    public string SichuanLt1 { get; private set; } = string.Empty;

    public string LongSichuanLt2 { get; private set; } = string.Empty;

    /// <summary>Content-Security-Policy violations the browser reported, per page.</summary>
    public static List<string> Violations(IPage page) => PageViolations.GetOrCreateValue(page);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> PageViolations = new();

    public async Task InitializeAsync()
    {
        (Chongqing, Sichuan) = await NodeFixture.FederatedAsync();

        var valid = await Sichuan.IssueAsync(Sichuan.RegulatorKey, SampleLicenceTypes.BusinessLicence, 801);
        ValidSichuan = valid.GetProperty("qrText").GetString()!;
        var slot = new LicenceTrust.Core.Codec.StatusReference(valid.GetProperty("statusList").GetProperty("index").GetInt32(), valid.GetProperty("statusList").GetProperty("uri").GetString()!);
        var spoof = ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Sichuan).Numbered(803)
            .HeldBy("重庆\u202E司公限有技科\u202C示例").WithAttribute("legalRep", "赵\u202E六").Build();
        SpoofedSichuan = Credentials.Sign(spoof, slot, DateTimeOffset.UtcNow.AddMinutes(-5)).QrText;
        var uri = slot.Uri!;
        var listed = slot with { List = int.Parse(uri[(uri.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture) };
        var plain = ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Sichuan).Numbered(804);
        SichuanLt1 = Credentials.Sign(plain.Build(), listed, DateTimeOffset.UtcNow.AddMinutes(-5), CredentialEncoding.Lt1).QrText;
        for (var extra = 1; LongSichuanLt2.Length == 0 || QrCodeImages.Version(LongSichuanLt2) < 16; extra++)
        {
            var name = "成都" + new string([.. Enumerable.Range(0, extra).Select(i => (char)(0x4E00 + (i * 397 % 20000)))]) + "有限公司";
            LongSichuanLt2 = Credentials.Sign(ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Sichuan).Numbered(805).HeldBy(name).Build(),
                listed, DateTimeOffset.UtcNow.AddMinutes(-5), CredentialEncoding.Lt2).QrText;
        }

        var revoked = await Sichuan.IssueAsync(Sichuan.RegulatorKey, SampleLicenceTypes.BusinessLicence, 802);
        RevokedSichuan = revoked.GetProperty("qrText").GetString()!;
        using (await Sichuan.Client(Sichuan.RegulatorKey).PostAsJsonAsync($"/api/v1/licences/{revoked.GetProperty("identifier").GetString()}/revoke", new { reason = "吊销：测试" }))
        {
        }

        // The staff account is created the way an operator does it: with the CLI, password on standard input.
        var created = await Programs.RunAsync(Programs.Cli, $"staff create --username {StaffUser} --name 王五 --sqlite {Chongqing.DatabasePath}", StaffPassword);
        Assert.Equal(0, created.Code);

        // Chongqing must hold Sichuan's trust list and a status list that already shows the revocation.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await SeesRevocationAsync())
        {
            Assert.True(DateTime.UtcNow < deadline, "Chongqing never synced Sichuan");
            await Task.Delay(100);
        }

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Directory.CreateDirectory(Screenshots);
    }

    public async Task DisposeAsync()
    {
        Playwright.Dispose();
        await Chongqing.DisposeAsync();
        await Sichuan.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>Headless Chromium; with <paramref name="camera"/> a fake camera showing that Y4M file, allowed without a prompt.</summary>
    public async Task<(IBrowser Browser, IPage Page)> OpenAsync(string? camera = null, bool denyCamera = false)
    {
        var args = new List<string>();
        if (camera is not null)
        {
            args.AddRange(["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", $"--use-file-for-fake-video-capture={camera}"]);
        }

        if (denyCamera)
        {
            args.AddRange(["--use-fake-device-for-media-stream", "--deny-permission-prompts"]);
        }

        var browser = await HeadlessChromium.LaunchAsync(Playwright, args);
        var context = await browser.NewContextAsync(new() { BaseURL = Chongqing.BaseAddress.ToString(), Locale = "zh-CN", ViewportSize = new() { Width = 1280, Height = 900 } });
        if (camera is not null)
        {
            await context.GrantPermissionsAsync(["camera"]);
        }

        var page = await context.NewPageAsync();
        var violations = Violations(page);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(message.Text);
            }
        };
        await page.GotoAsync("/");
        return (browser, page);
    }

    /// <summary>
    /// A Y4M video (what Chromium's fake camera plays) of a QR code on white, 1280×720 (an HD webcam); with
    /// <paramref name="side"/> the code, quiet zone included, is that many pixels wide whatever its version,
    /// as a code printed at a fixed size on a licence is.
    /// </summary>
    /// <param name="blur">A Gaussian blur of this sigma in pixels, as an out-of-focus phone camera gives.</param>
    public string CameraFile(string name, string qrText, int? side = null, float blur = 0)
    {
        const int width = 1280, height = 720;
        using var qr = SKBitmap.Decode(QrCodeImages.Png(qrText, 6));
        using var frame = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(frame))
        {
            canvas.Clear(SKColors.White);
            using var image = SKImage.FromBitmap(qr);
            var drawn = side ?? Math.Min(height - 20, qr.Width);
            using var paint = new SKPaint { ImageFilter = blur > 0 ? SKImageFilter.CreateBlur(blur, blur) : null };
            canvas.DrawImage(image, new SKRect((width - drawn) / 2f, (height - drawn) / 2f, (width + drawn) / 2f, (height + drawn) / 2f), new SKSamplingOptions(SKFilterMode.Nearest), paint);
        }

        var path = Path.Combine(Folder, name + ".y4m");
        using var file = File.Create(path);
        file.Write(Encoding.ASCII.GetBytes($"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n"));
        var luma = frame.GetPixelSpan().ToArray();
        var chroma = Enumerable.Repeat((byte)128, width * height / 4).ToArray();
        for (var i = 0; i < 10; i++)
        {
            file.Write("FRAME\n"u8);
            for (var y = 0; y < height; y++)
            {
                file.Write(luma, y * frame.RowBytes, width);
            }

            file.Write(chroma);
            file.Write(chroma);
        }

        return path;
    }

    private async Task<bool> SeesRevocationAsync()
    {
        using var response = await Chongqing.Client().PostAsJsonAsync("/api/v1/verify", new { qrText = RevokedSichuan });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("result").GetProperty("reasons").EnumerateArray().Any(r => r.GetProperty("code").GetString() == "REVOKED");
    }

}
