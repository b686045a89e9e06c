using LicenceTrust.Samples;
using System.Text.Json;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;
using LicenceTrust.QrImages;
using LicenceTrust.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace LicenceTrust.Server.Tests;

/// <summary>What counter staff do on the page, end to end in a real browser.</summary>
public class StaffPageTests(StaffPageFixture ui, ITestOutputHelper output) : IClassFixture<StaffPageFixture>
{
    // Generous: the camera decode runs in the browser, and CI runs other test classes on the same 2 cores.
    private static readonly LocatorAssertionsToHaveTextOptions Wait = new() { Timeout = 45_000 };

    /// <summary>
    /// Issue 18: at the same printed size (300 px, quiet zone included, in a 1280×720 frame, slightly out of
    /// focus: a blur of sigma 1 px) the camera reads a version-16 LT2 code and a version 19-20 LT1 code, both
    /// VALID. Time from starting the camera to the verdict is written out, not asserted (a timed test on a
    /// shared 2-core box would only be noise); rounds alternate the two codes. LICENCETRUST_CAMERA_ROUNDS,
    /// _SIDE and _BLUR change the run; with them a code not read in 20 s is reported, not failed
    /// (docs/performance-history.md, "Camera: QR version 16 against 20").
    /// </summary>
    [Fact]
    public async Task At_the_same_printed_size_the_camera_reads_a_version_16_LT2_code_and_an_LT1_code_of_version_19_or_20()
    {
        Assert.Equal(16, QrCodeImages.Version(ui.LongSichuanLt2));
        Assert.InRange(QrCodeImages.Version(ui.SichuanLt1), 19, 20);
        string? Setting(string name) => Environment.GetEnvironmentVariable("LICENCETRUST_CAMERA_" + name);
        var exploring = Setting("ROUNDS") is not null || Setting("SIDE") is not null || Setting("BLUR") is not null;
        var rounds = int.TryParse(Setting("ROUNDS"), out var n) ? n : 1;
        var side = int.TryParse(Setting("SIDE"), out var pixels) ? pixels : 300;
        var blur = float.TryParse(Setting("BLUR"), System.Globalization.CultureInfo.InvariantCulture, out var sigma) ? sigma : 1;
        var codes = new[] { ("LT2 version 16", ui.LongSichuanLt2), ($"LT1 version {QrCodeImages.Version(ui.SichuanLt1)}", ui.SichuanLt1) };
        var times = codes.ToDictionary(c => c.Item1, _ => new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, text) in round % 2 == 0 ? codes : codes.Reverse())
            {
                var (browser, page) = await ui.OpenAsync(camera: ui.CameraFile($"size-{round}", text, side, blur));
                await using (browser)
                {
                    var watch = System.Diagnostics.Stopwatch.StartNew();
                    await page.ClickAsync("#camera-toggle");
                    try
                    {
                        await Expect(page.Locator("#verdict")).ToHaveTextAsync("有效", exploring ? new() { Timeout = 20_000 } : Wait);
                        times[name].Add(watch.Elapsed.TotalMilliseconds);
                    }
                    catch (PlaywrightException) when (exploring)
                    {
                        times[name].Add(double.PositiveInfinity);
                    }
                }
            }
        }

        static string Ms(double value) => double.IsPositiveInfinity(value) ? "not read in 20 s" : value.ToString("F0", System.Globalization.CultureInfo.InvariantCulture) + " ms";
        foreach (var (name, values) in times)
        {
            output.WriteLine($"{name} at {side} px, blur {blur}: median {Ms(values.Order().ElementAt(values.Count / 2))} to VALID over {values.Count} rounds ({string.Join(", ", values.Select(Ms))})");
        }
    }

    [Fact]
    public async Task A_valid_Sichuan_licence_shown_to_the_camera_turns_the_card_green_with_its_fields_and_no_external_request()
    {
        var (browser, page) = await ui.OpenAsync(camera: ui.CameraFile("valid", ui.ValidSichuan));
        await using (browser)
        {
            var outside = new List<string>();
            page.Request += (_, request) =>
            {
                if (!request.Url.StartsWith(ui.Chongqing.BaseAddress.ToString(), StringComparison.Ordinal) && !request.Url.StartsWith("blob:", StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
                {
                    outside.Add(request.Url);
                }
            };
            await page.ReloadAsync();
            await Expect(page.Locator("#video")).ToBeHiddenAsync(); // no empty black box while the camera is off
            await page.ClickAsync("#camera-toggle");

            await Expect(page.Locator("#verdict")).ToHaveTextAsync("有效", Wait);
            await Expect(page.Locator("#video")).ToBeVisibleAsync();
            await Expect(page.Locator("#result")).ToHaveClassAsync("result verdict-valid");
            var fields = await page.Locator("#fields").InnerTextAsync();
            Assert.Contains("营业执照", fields, StringComparison.Ordinal);
            Assert.Contains("四川省市场监督管理局 · 四川", fields, StringComparison.Ordinal);
            Assert.Contains("四川节点", fields, StringComparison.Ordinal);
            Assert.Contains("同步", fields, StringComparison.Ordinal);
            Assert.Contains("SM2/SM3", fields, StringComparison.Ordinal);
            Assert.Contains("正常", fields, StringComparison.Ordinal);
            await Expect(page.Locator("#disclosure")).ToHaveTextAsync("公众视图：仅显示必要信息");
            await page.ScreenshotAsync(new() { Path = Path.Combine(StaffPageFixture.Screenshots, "valid-camera.png"), FullPage = true });
            Assert.Empty(outside);
            Assert.Empty(StaffPageFixture.Violations(page)); // the camera and the WebAssembly decoder work under the CSP
            await page.ClickAsync("#camera-toggle");
            await Expect(page.Locator("#video")).ToBeHiddenAsync();
        }
    }

    [Fact]
    public async Task A_revoked_licence_at_the_camera_is_red_with_the_reason_in_Chinese()
    {
        var (browser, page) = await ui.OpenAsync(camera: ui.CameraFile("revoked", ui.RevokedSichuan));
        await using (browser)
        {
            await page.ClickAsync("#camera-toggle");

            try
            {
                await Expect(page.Locator("#verdict")).ToHaveTextAsync("无效", Wait);
            }
            catch (PlaywrightException)
            {
                await page.ScreenshotAsync(new() { Path = "/tmp/revoked-debug.png", FullPage = true });
                throw new Xunit.Sdk.XunitException($"error='{await page.Locator("#error").InnerTextAsync()}' busy='{await page.Locator("#busy").InnerTextAsync()}' status='{await page.Locator("#camera-status").InnerTextAsync()}' msg='{await page.Locator("#camera-message-text").InnerTextAsync()}'");
            }

            await Expect(page.Locator("#result")).ToHaveClassAsync("result verdict-invalid");
            await Expect(page.Locator("#reason")).ToHaveTextAsync("证照已吊销。");
            await Expect(page.Locator("#fields")).ToContainTextAsync("已吊销");
            // The date and the authority's own reason of the revocation, from the issuing (Sichuan) node.
            await Expect(page.Locator("#fields")).ToContainTextAsync("状态变更时间");
            await Expect(page.Locator("#fields")).ToContainTextAsync("变更原因吊销：测试");
            Assert.Matches(@"状态变更时间\s*20\d\d/", await page.Locator("#fields").InnerTextAsync());
            await page.ScreenshotAsync(new() { Path = Path.Combine(StaffPageFixture.Screenshots, "revoked-camera.png"), FullPage = true });
        }
    }

    [Fact]
    public async Task A_tampered_licence_at_the_camera_is_red_with_the_signature_reason()
    {
        var licence = ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Sichuan).Build();
        var forged = Credentials.Sign(licence, SigningKey.Generate(SignatureAlgorithm.Sm2Sm3), SampleKeys.IssuerOf(licence).Certificate.Kid).QrText;
        var (browser, page) = await ui.OpenAsync(camera: ui.CameraFile("forged", forged));
        await using (browser)
        {
            await page.ClickAsync("#camera-toggle");

            await Expect(page.Locator("#verdict")).ToHaveTextAsync("无效", Wait);
            await Expect(page.Locator("#reason-code")).ToHaveTextAsync("SIGNATURE_INVALID");
            await Expect(page.Locator("#reason")).ToContainTextAsync("签名");
            await page.ScreenshotAsync(new() { Path = Path.Combine(StaffPageFixture.Screenshots, "forged-camera.png"), FullPage = true });
        }
    }

    [Fact]
    public async Task A_QR_code_of_another_system_at_the_camera_is_grey_UNREADABLE()
    {
        var (browser, page) = await ui.OpenAsync(camera: ui.CameraFile("other", "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH"));
        await using (browser)
        {
            await page.ClickAsync("#camera-toggle");

            await Expect(page.Locator("#verdict")).ToHaveTextAsync("无法识别", Wait);
            await Expect(page.Locator("#result")).ToHaveClassAsync("result verdict-unreadable");
            await page.ScreenshotAsync(new() { Path = Path.Combine(StaffPageFixture.Screenshots, "other-system-camera.png"), FullPage = true });
        }
    }

    [Fact]
    public async Task When_the_camera_is_refused_the_page_explains_and_offers_upload()
    {
        var (browser, page) = await ui.OpenAsync(denyCamera: true);
        await using (browser)
        {
            await page.ClickAsync("#camera-toggle");

            await Expect(page.Locator("#camera-message-text")).ToContainTextAsync("摄像头", new() { Timeout = 20_000 });
            await Expect(page.Locator("#use-upload")).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(StaffPageFixture.Screenshots, "camera-denied.png"), FullPage = true });
        }
    }

    [Fact]
    public async Task An_uploaded_photo_and_a_scanned_PDF_get_their_verdicts()
    {
        var (browser, page) = await ui.OpenAsync();
        await using (browser)
        {
            // One picker, a button in the page's language and one Tab stop: the browser's own input ("Choose File /
            // No file chosen") is hidden from sight, the Tab order and screen readers.
            await Expect(page.Locator("#pick")).ToHaveTextAsync("选择文件");
            await Expect(page.Locator("#file")).ToHaveAttributeAsync("tabindex", "-1");
            Assert.DoesNotContain("No file chosen", await page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
            Assert.True(await page.Locator("#file").EvaluateAsync<double>("e => e.getBoundingClientRect().width") <= 1, "the browser's own file picker is drawn");
            await page.SetInputFilesAsync("#file", new FilePayload { Name = "licence.png", MimeType = "image/png", Buffer = PrintedLicencePhoto.Png(ui.ValidSichuan) });
            await Expect(page.Locator("#verdict")).ToHaveTextAsync("有效", Wait);
            await page.ScreenshotAsync(new() { Path = Path.Combine(StaffPageFixture.Screenshots, "upload-photo.png"), FullPage = true });

            await page.SetInputFilesAsync("#file", new FilePayload { Name = "scan.pdf", MimeType = "application/pdf", Buffer = PrintedLicencePhoto.Pdf(ui.RevokedSichuan) });
            await Expect(page.Locator("#verdict")).ToHaveTextAsync("无效", Wait);
            await Expect(page.Locator("#reason")).ToHaveTextAsync("证照已吊销。");
            await Expect(page.Locator("#fields")).ToContainTextAsync("变更原因吊销：测试");
            Assert.Empty(StaffPageFixture.Violations(page));
        }
    }

    [Fact]
    public async Task Pasted_text_and_a_keyboard_wedge_burst_get_their_verdicts_and_the_history_keeps_both()
    {
        var (browser, page) = await ui.OpenAsync();
        await using (browser)
        {
            await page.FillAsync("#qr-text", ui.RevokedSichuan);
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("#verdict")).ToHaveTextAsync("无效", Wait);

            // A barcode scanner is a keyboard: a fast burst of characters ending in Enter, into the focused input.
            await page.FocusAsync("#qr-text");
            await page.Keyboard.TypeAsync(ui.ValidSichuan, new() { Delay = 1 });
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("#verdict")).ToHaveTextAsync("有效", Wait);

            await Expect(page.Locator("#history-list li")).ToHaveCountAsync(2);

            // An unreadable text: its history line has no dangling separator.
            await page.FillAsync("#qr-text", "hello");
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("#verdict")).ToHaveTextAsync("无法识别", Wait);
            var unreadable = await page.Locator("#history-list li").First.InnerTextAsync();
            Assert.EndsWith("无法识别", unreadable.Trim(), StringComparison.Ordinal);

            await page.FillAsync("#qr-text", ui.ValidSichuan);
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("#history-list li")).ToHaveCountAsync(4, new() { Timeout = 45_000 });
            await page.ClickAsync("#lang");
            await Expect(page.Locator("#verdict")).ToHaveTextAsync("Valid");
            // In English the page's own labels are English; the licence's data stay as issued.
            var fields = await page.Locator("#fields").InnerTextAsync();
            Assert.Contains("Licence type", fields, StringComparison.Ordinal);
            Assert.Contains("Business licence", fields, StringComparison.Ordinal);
            Assert.Contains("Sichuan", fields, StringComparison.Ordinal);
            Assert.Contains("in force", fields, StringComparison.Ordinal);
            Assert.Contains("四川省市场监督管理局", fields, StringComparison.Ordinal);
            Assert.DoesNotContain("证照", fields, StringComparison.Ordinal);
            Assert.Empty(StaffPageFixture.Violations(page));
            await page.ScreenshotAsync(new() { Path = Path.Combine(StaffPageFixture.Screenshots, "english.png"), FullPage = true });
        }
    }

    [Fact]
    public async Task Signed_in_staff_see_the_full_licence_view_and_a_wrong_password_is_refused()
    {
        var (browser, page) = await ui.OpenAsync();
        await using (browser)
        {
            await page.FillAsync("#username", StaffPageFixture.StaffUser);
            await page.FillAsync("#password", "wrong-password-0");
            await page.ClickAsync("#sign-in-form button[type=submit]");
            await Expect(page.Locator("#sign-in-error")).ToHaveTextAsync("用户名或密码不正确。");

            await page.FillAsync("#password", StaffPageFixture.StaffPassword);
            await page.ClickAsync("#sign-in-form button[type=submit]");
            await Expect(page.Locator("#signed-in-text")).ToContainTextAsync("王五");
            await page.FillAsync("#qr-text", ui.ValidSichuan);
            await page.Keyboard.PressAsync("Enter");

            await Expect(page.Locator("#fields")).ToContainTextAsync("1.2.156.3005.2.", new() { Timeout = 20_000 });
            await Expect(page.Locator("#disclosure")).ToHaveTextAsync(string.Empty);
            // Every field the API gives staff: attributes with the catalogue's labels, area, defining department, version.
            var fields = await page.Locator("#fields").InnerTextAsync();
            foreach (var label in new[] { "法定代表人", "类型", "颁发日期", "管辖属地", "证照定义机构", "国家市场监督管理总局", "版本", "第1版", "电子证照标识" })
            {
                Assert.Contains(label, fields, StringComparison.Ordinal);
            }
            await page.ScreenshotAsync(new() { Path = Path.Combine(StaffPageFixture.Screenshots, "staff-full-view.png"), FullPage = true });
        }
    }

    [Fact]
    public async Task A_right_to_left_spoof_is_shown_in_its_stored_order_with_the_warning()
    {
        var (browser, page) = await ui.OpenAsync();
        await using (browser)
        {
            await page.FillAsync("#qr-text", ui.SpoofedSichuan);
            await page.Keyboard.PressAsync("Enter");

            await Expect(page.Locator("#verdict")).ToHaveTextAsync("有效", Wait);
            await Expect(page.Locator("#warning")).ToBeVisibleAsync();
            await Expect(page.Locator("#warning")).ToContainTextAsync("TEXT_SUSPICIOUS");
            var holder = page.Locator("#fields dd").Nth(2);
            // The override is shown as its code point, never applied: the reversed text stays reversed on screen.
            Assert.StartsWith("重庆U+202E司公限有技科U+202C示例", (await holder.InnerTextAsync()).Trim(), StringComparison.Ordinal);
            Assert.Equal(2, await holder.Locator(".cp").CountAsync());
            Assert.DoesNotContain("科技有限公司", await page.Locator("#fields").InnerTextAsync(), StringComparison.Ordinal);
            // Rendered left to right in stored order: 司 is drawn left of 示.
            var si = await page.EvaluateAsync<double[]>("() => { const dd = document.querySelectorAll('#fields dd')[2]; const range = document.createRange(); const text = [...dd.querySelector('bdi').childNodes].filter(n => n.nodeType === 3); const box = (node, i) => { range.setStart(node, i); range.setEnd(node, i + 1); return range.getBoundingClientRect().left; }; return [box(text[1], 0), box(text[2], 0)]; }");
            Assert.True(si[0] < si[1], $"司 at {si[0]}, 示 at {si[1]}");
            await page.ScreenshotAsync(new() { Path = Path.Combine(StaffPageFixture.Screenshots, "text-suspicious.png"), FullPage = true });
        }
    }

    [Fact]
    public async Task The_print_view_renders_under_the_CSP_and_an_injected_inline_script_is_blocked_and_reported()
    {
        var licence = await ui.Chongqing.IssueAsync(ui.Chongqing.RegulatorKey, SampleLicenceTypes.BusinessLicence, 820);
        var (browser, page) = await ui.OpenAsync();
        await using (browser)
        {
            await page.Context.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["Authorization"] = "Bearer " + ui.Chongqing.RegulatorKey });
            await page.GotoAsync($"/api/v1/licences/{licence.GetProperty("identifier").GetString()}/print");

            await Expect(page.Locator("h1")).ToHaveTextAsync("营业执照");
            Assert.Equal("center", await page.Locator("h1").EvaluateAsync<string>("e => getComputedStyle(e).textAlign")); // print.css applied
            await Expect(page.Locator("#print")).ToBeVisibleAsync();
            Assert.Empty(StaffPageFixture.Violations(page));

            // The detector itself: an inline script is refused by the policy, and Chromium says so.
            await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1'; document.body.append(s); }");
            Assert.Null(await page.EvaluateAsync<int?>("() => window.injected ?? null"));
            await Task.Delay(200);
            Assert.NotEmpty(StaffPageFixture.Violations(page));
        }
    }

    [Fact]
    public async Task The_page_works_on_a_phone_sized_screen_and_every_control_has_a_label()
    {
        var (browser, page) = await ui.OpenAsync();
        await using (browser)
        {
            await page.SetViewportSizeAsync(390, 844);
            await page.FillAsync("#qr-text", ui.ValidSichuan);
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("#verdict")).ToHaveTextAsync("有效", Wait);

            var unlabelled = await page.EvaluateAsync<int>(
                "() => [...document.querySelectorAll('input:not([type=hidden]):not([aria-hidden=true]), select')].filter(e => !e.labels?.length && !e.getAttribute('aria-label')).length");
            var tooWide = await page.EvaluateAsync<string>(
                "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + '#' + e.id).join(' ')");
            Assert.Equal(0, unlabelled);
            Assert.True(tooWide.Length == 0, "wider than the phone: " + tooWide);
            await page.ScreenshotAsync(new() { Path = Path.Combine(StaffPageFixture.Screenshots, "phone.png"), FullPage = true });
        }
    }
}
