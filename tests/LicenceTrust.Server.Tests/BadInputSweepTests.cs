using System.Text;
using System.Text.Json;

namespace LicenceTrust.Server.Tests;

/// <summary>Hostile and careless requests: always a specific 4xx problem, never a 500 or a stack trace.</summary>
public class BadInputSweepTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    public static TheoryData<string, string, string?, string?> Requests() => new()
    {
        { "POST", "/api/v1/licences", "application/json", "{\"holder\":{\"name\":null}}" },
        { "POST", "/api/v1/licences", "application/json", "[1,2,3]" },
        { "POST", "/api/v1/licences", "application/json", "{\"attributes\":{\"a\":1}}" },
        { "POST", "/api/v1/licences", "application/json", "{\"validFrom\":\"2026-01-01\",\"validTo\":\"2025-01-01\",\"typeCode\":\"11100000MB0100001D001\",\"number\":\"1\",\"holder\":{\"name\":\"a\",\"codeType\":\"001\",\"code\":\"914403001922038216\"},\"areaCode\":\"500103\",\"attributes\":{\"entityType\":\"a\",\"legalRep\":\"b\"}}" },
        { "POST", "/api/v1/licences", "text/plain", "hello" },
        { "POST", "/api/v1/licences", "application/json", "{\"typeCode\":\"" + new string('9', 5000) + "\"}" },
        { "POST", "/api/v1/licences", "application/json", "{\"holder\":" + new string('[', 2000) + "}" },
        { "POST", "/api/v1/licences/x/revoke", "application/json", "{\"reason\":" + new string('"', 3) + "}" },
        { "POST", "/api/v1/licences/x/supersede", "application/json", "{\"reason\":\"r\"}" },
        { "GET", "/api/v1/licences?page=-1", null, null },
        { "GET", "/api/v1/licences?page=abc", null, null },
        { "GET", "/api/v1/licences/..%2F..%2Fetc%2Fpasswd/print", null, null },
        { "DELETE", "/api/v1/licences", null, null },
        { "GET", "/api/v1/nothing-here", null, null },
        { "GET", "/api/v1/licences/x/status?at=" + new string('9', 300), null, null },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Never_a_500(string method, string path, string? contentType, string? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType!);
        }

        using var response = await node.Client(node.RegulatorKey).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        var code = JsonDocument.Parse(text).RootElement.GetProperty("code").GetString();
        Assert.False(string.IsNullOrEmpty(code));
    }
}

/// <summary>The verify endpoints under careless and hostile input: UNREADABLE with a reason, or a specific 4xx problem.</summary>
public class VerifyBadInputSweepTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    public static TheoryData<string, string?, string?, int, string> Inputs()
    {
        var genuine = LicenceTrust.Testing.Credentials.Sign(LicenceTrust.Testing.ALicence.OfType(LicenceTrust.Samples.SampleLicenceTypes.BusinessLicence).Build()).QrText;
        return new()
        {
            { "/api/v1/verify", null, null, 200, "EMPTY" },
            { "/api/v1/verify", "application/json", "", 200, "EMPTY" },
            { "/api/v1/verify", "application/json", "{\"qrText\":\"" + new string('A', 70_000) + "\"}", 413, "BODY_TOO_LARGE" },
            { "/api/v1/verify", "text/plain", "LT1:abc", 415, "UNSUPPORTED_MEDIA_TYPE" },
            { "/api/v1/verify", "application/octet-stream", "\u0001\u0002\u00ff", 415, "UNSUPPORTED_MEDIA_TYPE" },
            { "/api/v1/verify", "application/json", "{\"qrText\":\"\\u0001\\u0002\\u00ff\"}", 200, "PREFIX_MISSING" },
            { "/api/v1/verify", "application/json", "{\"qrText\":\"\u0001\"}", 400, "BODY_INVALID" },
            { "/api/v1/verify", "application/json", "{\"qrText\":\"HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH\"}", 200, "PREFIX_MISSING" },
            { "/api/v1/verify", "application/json", "{\"qrText\":\"" + genuine[..(genuine.Length / 2)] + "\"}", 200, "UNREADABLE" },
            { "/api/v1/verify", "application/json", "{\"qrText\":\"" + genuine[..^1] + "\"}", 200, "UNREADABLE" },
            { "/api/v1/verify", "application/json", "{\"qrText\":\"lt1:" + genuine[4..].ToLowerInvariant() + "\"}", 200, "PREFIX_MISSING" },
            { "/api/v1/verify", "application/json", "{\"qrText\":\"" + genuine + "\",\"extra\":1}", 400, "BODY_INVALID" },
            { "/api/v1/verify?receipt=maybe", "application/json", "{\"qrText\":\"LT1:\"}", 400, "PARAMETER_INVALID" },
            { "/api/v1/verify/image", null, null, 415, "UNSUPPORTED_MEDIA_TYPE" },
        };
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task Never_a_500(string path, string? contentType, string? body, int status, string code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (contentType is not null)
        {
            request.Content = new StringContent(body ?? string.Empty, Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        using var response = await node.Client().SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        var json = JsonDocument.Parse(text).RootElement;
        if (status == 200)
        {
            var result = json.GetProperty("result");
            Assert.Equal("UNREADABLE", result.GetProperty("verdict").GetString());
            Assert.True(code == "UNREADABLE" || result.GetProperty("reasons")[0].GetProperty("code").GetString() == code, text[..Math.Min(400, text.Length)]);
        }
        else
        {
            Assert.Equal(code, json.GetProperty("code").GetString());
        }
    }
}
