using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LicenceTrust.QrImages;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>POST /api/v1/verify/image over real HTTP: photos and scans of printed licences, and what is not one.</summary>
public class VerifyImageApiTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task A_photo_of_a_printed_licence_verifies_VALID()
    {
        var qr = await IssueAsync(601);

        var response = await PostAsync(PrintedLicencePhoto.Jpeg(qr), "image/jpeg");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(1, response.Body.GetProperty("found").GetInt32());
        Assert.Equal("VALID", Verdict(response.Body, 0));
    }

    [Fact]
    public async Task A_scanned_PDF_uploaded_as_a_form_file_verifies_every_licence_on_it()
    {
        var first = await IssueAsync(602);
        var second = await IssueAsync(603);
        await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, $"/api/v1/licences/{IdOf(second)}/revoke", new { reason = "吊销" });

        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(PrintedLicencePhoto.Pdf(first, second));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "file", "scan.pdf");
        using var http = await node.Client().PostAsync("/api/v1/verify/image", form);
        var body = JsonDocument.Parse(await http.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, http.StatusCode);
        Assert.Equal(2, body.GetProperty("found").GetInt32());
        Assert.Equal("VALID", Verdict(body, 0));
        Assert.Equal("INVALID", Verdict(body, 1));
        Assert.Equal("REVOKED", body.GetProperty("results")[1].GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_QR_code_of_another_system_is_found_and_UNREADABLE()
    {
        var response = await PostAsync(QrCodeImages.Png("HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH"), "image/png");

        Assert.Equal("UNREADABLE", Verdict(response.Body, 0));
        Assert.Equal("PREFIX_MISSING", response.Body.GetProperty("results")[0].GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadUploads() => new()
    {
        { "empty", "image/png", HttpStatusCode.BadRequest, "BODY_EMPTY" },
        { "random", "image/png", HttpStatusCode.UnsupportedMediaType, "IMAGE_FORMAT_UNSUPPORTED" },
        { "truncated-png", "image/png", HttpStatusCode.BadRequest, "IMAGE_UNREADABLE" },
        { "not-a-pdf", "application/pdf", HttpStatusCode.BadRequest, "IMAGE_UNREADABLE" },
        { "no-code", "image/jpeg", HttpStatusCode.BadRequest, "NO_QR_CODE_FOUND" },
        { "text", "text/plain", HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE" },
        { "huge", "image/jpeg", HttpStatusCode.RequestEntityTooLarge, "IMAGE_TOO_LARGE" },
    };

    [Theory]
    [MemberData(nameof(BadUploads))]
    public async Task Bad_uploads_get_a_specific_problem_never_a_500(string what, string contentType, HttpStatusCode status, string code)
    {
        var bytes = what switch
        {
            "empty" => [],
            "random" => new Random(5).GetItems<byte>([.. Enumerable.Range(0, 256).Select(i => (byte)i)], 20_000),
            "truncated-png" => QrCodeImages.Png("LT1:X")[..60],
            "not-a-pdf" => "%PDF-1.4 not really"u8.ToArray(),
            "no-code" => PrintedLicencePhoto.Jpeg("LT1:X", 0, 0.02f),
            "text" => Encoding.UTF8.GetBytes("LT1:hello"),
            _ => new byte[11 * 1024 * 1024],
        };

        var response = await PostAsync(bytes, contentType);

        response.AssertProblem(status, code);
    }

    [Fact]
    public async Task A_form_without_a_file_is_refused_with_FILE_REQUIRED()
    {
        using var form = new MultipartFormDataContent { { new StringContent("x"), "note" } };
        using var http = await node.Client().PostAsync("/api/v1/verify/image", form);
        var body = JsonDocument.Parse(await http.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, http.StatusCode);
        Assert.Equal("FILE_REQUIRED", body.GetProperty("code").GetString());
    }

    private async Task<string> IssueAsync(int sequence) =>
        (await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, sequence)).GetProperty("qrText").GetString()!;

    private static string IdOf(string qr) =>
        LicenceTrust.Core.Codec.CredentialReader.Read(qr).Credential!.Claims.Licence.Identifier.Value;

    private static string? Verdict(JsonElement body, int index) =>
        body.GetProperty("results")[index].GetProperty("result").GetProperty("verdict").GetString();

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        // Expect: 100-continue lets the node refuse an oversized upload before the client sends it.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/verify/image") { Content = content };
        request.Headers.ExpectContinue = true;
        using var response = await node.Client().SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }
}
