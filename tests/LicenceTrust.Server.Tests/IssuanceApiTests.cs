using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Core.Results;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

public class IssuanceApiTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task Issue_returns_the_record_a_verifiable_credential_and_links()
    {
        using var response = await node.Client(node.RegulatorKey).PostAsJsonAsync("/api/v1/licences", NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 101));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var identifier = body.GetProperty("identifier").GetString()!;
        Assert.Equal($"/api/v1/licences/{identifier}", response.Headers.Location?.OriginalString);
        Assert.Equal("VALID", body.GetProperty("status").GetString());
        Assert.StartsWith("1.2.156.3005.2.11100000MB0100001D001.11500000MB1A00011N.", identifier, StringComparison.Ordinal);
        Assert.StartsWith("https://cq.lt.example/api/v1/status-lists/", body.GetProperty("statusList").GetProperty("uri").GetString(), StringComparison.Ordinal);

        var result = new CredentialVerifier(SampleKeys.TrustStore).Verify(body.GetProperty("qrText").GetString(), DateTimeOffset.UtcNow);
        Assert.Equal(Verdict.Valid, result.Verdict);
        Assert.Equal(identifier, result.Licence!.Identifier.Value);
    }

    [Fact]
    public async Task A_retried_issue_with_the_same_idempotency_key_issues_once()
    {
        var client = node.Client(node.RegulatorKey);
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "order-7788" };
        var first = await client.SendAsync(HttpMethod.Post, "/api/v1/licences", NodeFixture.IssueBody(SampleLicenceTypes.FoodBusinessPermit, 102), headers: headers);
        var second = await client.SendAsync(HttpMethod.Post, "/api/v1/licences", NodeFixture.IssueBody(SampleLicenceTypes.FoodBusinessPermit, 102), headers: headers);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.Body.GetProperty("identifier").GetString(), second.Body.GetProperty("identifier").GetString());
        Assert.Equal(first.Body.GetProperty("qrText").GetString(), second.Body.GetProperty("qrText").GetString());
    }

    [Fact]
    public async Task An_ES256_authority_issues_person_licences_and_the_QR_hides_the_ID_number()
    {
        var body = await node.IssueAsync(node.HrKey, SampleLicenceTypes.ProfessionalQualification, 103);
        var fullId = body.GetProperty("licence").GetProperty("holder").GetProperty("code").GetString()!;
        var result = new CredentialVerifier(SampleKeys.TrustStore).Verify(body.GetProperty("qrText").GetString(), DateTimeOffset.UtcNow);

        Assert.Equal(Verdict.Valid, result.Verdict);
        Assert.Equal("ES256", result.Algorithm!.Name);
        Assert.Equal(18, fullId.Length);
        Assert.True(result.Licence!.Holder.IsMasked);
        Assert.NotEqual(fullId, result.Licence.Holder.Code);
    }

    public static TheoryData<string, string, string> BadBodies() => new()
    {
        { "number", "FIELD_REQUIRED", "number" },
        { "holder.code=915001037474747474", "HOLDER_CODE_INVALID", "holder.code" },
        { "holder.codeType=111", "HOLDER_CODE_TYPE_NOT_ALLOWED", "holder.codeType" },
        { "areaCode=510104", "AREA_CODE_INVALID", "areaCode" },
        { "attributes.legalRep", "ATTRIBUTE_MISSING", "attributes.legalRep" },
        { "attributes.capital=five million", "ATTRIBUTE_PATTERN_MISMATCH", "attributes.capital" },
        { "typeCode=11100000MB0100001D099", "TYPE_UNKNOWN", "typeCode" },
        { "validTo=2020-01-01", "VALIDITY_INVALID", "validTo" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_fields_are_named_in_a_400_problem(string change, string code, string field)
    {
        var body = NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 104);
        Apply(body, change);
        var response = await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, "/api/v1/licences", body);
        response.AssertProblem(HttpStatusCode.BadRequest, code, field);
    }

    [Theory]
    [InlineData("{\"typeCode\":\"11100000MB0100001D001\",\"bogus\":1}", "BODY_INVALID")]
    [InlineData("{\"typeCode\":42}", "BODY_INVALID")]
    [InlineData("{\"validFrom\":\"2026-13-45\"}", "BODY_INVALID")]
    [InlineData("not json", "BODY_INVALID")]
    [InlineData("", "BODY_REQUIRED")]
    [InlineData("null", "BODY_REQUIRED")]
    public async Task Malformed_bodies_get_a_specific_400(string raw, string code)
    {
        var response = await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, "/api/v1/licences", rawJson: raw);
        response.AssertProblem(HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task A_huge_body_is_refused_with_413()
    {
        var raw = "{\"number\":\"" + new string('x', 200_000) + "\"}";
        var response = await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, "/api/v1/licences", rawJson: raw);
        response.AssertProblem(HttpStatusCode.RequestEntityTooLarge, "BODY_TOO_LARGE");
    }

    [Fact]
    public async Task Listing_pages_and_filters_an_authority_s_own_licences()
    {
        await node.IssueAsync(node.HrKey, SampleLicenceTypes.ProfessionalQualification, 105);
        await node.IssueAsync(node.HrKey, SampleLicenceTypes.ProfessionalQualification, 106);

        var page = await node.Client(node.HrKey).SendAsync(HttpMethod.Get, $"/api/v1/licences?typeCode={SampleLicenceTypes.ProfessionalQualification.Code.Value}&status=valid&page=1&pageSize=1");
        var bad = await node.Client(node.HrKey).SendAsync(HttpMethod.Get, "/api/v1/licences?pageSize=500");
        var badStatus = await node.Client(node.HrKey).SendAsync(HttpMethod.Get, "/api/v1/licences?status=lost");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Single(page.Body.GetProperty("items").EnumerateArray());
        Assert.True(page.Body.GetProperty("total").GetInt64() >= 2);
        Assert.All(page.Body.GetProperty("items").EnumerateArray(), i => Assert.Contains("11500000MB1A00033Y", i.GetProperty("identifier").GetString(), StringComparison.Ordinal));
        bad.AssertProblem(HttpStatusCode.BadRequest, "PAGE_INVALID");
        badStatus.AssertProblem(HttpStatusCode.BadRequest, "STATUS_INVALID");
    }

    [Fact]
    public async Task QR_images_and_the_print_view_are_served_and_escape_the_holder_name()
    {
        var body = NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 107);
        ((Dictionary<string, object?>)body["holder"]!)["name"] = "<script>alert(1)</script>有限公司";
        var issued = await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, "/api/v1/licences", body);
        var links = issued.Body.GetProperty("links");
        var client = node.Client(node.RegulatorKey);

        using var png = await client.GetAsync(links.GetProperty("qrPng").GetString());
        using var svg = await client.GetAsync(links.GetProperty("qrSvg").GetString());
        var print = await client.GetStringAsync(links.GetProperty("print").GetString());

        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        Assert.Contains("营业执照", print, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", print, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", print, StringComparison.Ordinal);
    }

    private static void Apply(Dictionary<string, object?> body, string change)
    {
        var parts = change.Split('=', 2);
        var path = parts[0].Split('.');
        var target = body;
        for (var i = 0; i < path.Length - 1; i++)
        {
            var next = target[path[i]];
            target = next as Dictionary<string, object?> ?? ((IReadOnlyDictionary<string, string>)next!).ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
            body[path[i]] = target;
        }

        if (parts.Length == 1)
        {
            target.Remove(path[^1]);
        }
        else
        {
            target[path[^1]] = parts[1];
        }
    }
}
