using System.Net;
using LicenceTrust.Core.Licences;
using LicenceTrust.Samples;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Problems name the field and the rule and never repeat more than a short, revealed prefix of the
/// input; binding failures are PARAMETER_INVALID; two credentials are refused; ownership is judged
/// before the body.
/// </summary>
public class ErrorEchoTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task A_404_quotes_at_most_a_short_prefix_with_controls_revealed()
    {
        var identifier = "\u202E" + new string('x', 5000);

        var response = await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Get, "/api/v1/licences/" + Uri.EscapeDataString(identifier) + "/status");

        response.AssertProblem(HttpStatusCode.NotFound, "LICENCE_NOT_FOUND");
        var detail = response.Body.GetProperty("detail").GetString()!;
        Assert.True(detail.Length < 200, detail);
        Assert.DoesNotContain("\u202E", detail, StringComparison.Ordinal);
        Assert.Contains("[U+202E]", detail, StringComparison.Ordinal);
        Assert.Contains("…", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_trace_exporter_problems_carry_the_request_id_and_with_a_traceparent_its_W3C_id()
    {
        var plain = await node.Client().SendAsync(HttpMethod.Get, "/api/v1/licences/nothing-here/status");
        var traced = await node.Client().SendAsync(HttpMethod.Get, "/api/v1/licences/nothing-here/status",
            headers: new() { ["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" });

        plain.AssertProblem(HttpStatusCode.NotFound, "LICENCE_NOT_FOUND");
        // The request id (connection id : request number), the value of the RequestId scope on the request's log lines.
        Assert.Matches("^[0-9A-Z]{13}:[0-9A-F]{8}$", plain.Body.GetProperty("traceId").GetString()!);
        Assert.NotNull(traced.Body.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_with_type_title_detail_and_code_like_every_other_problem()
    {
        var response = await node.Client().SendAsync(HttpMethod.Post, "/api/v1/verify", rawJson: "{\"qrText\":\"" + new string('A', 70_000) + "\"}");

        response.AssertProblem(HttpStatusCode.RequestEntityTooLarge, "BODY_TOO_LARGE");
        Assert.Equal("https://licencetrust.example/problems/body-too-large", response.Body.GetProperty("type").GetString());
        Assert.Equal("BODY_TOO_LARGE", response.Body.GetProperty("title").GetString());
        Assert.Contains("请求体", response.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/licences?page=1'%20OR%201=1", "page")]
    [InlineData("/api/v1/licences?pageSize=%E2%80%AEabc", "pageSize")]
    public async Task A_parameter_that_does_not_bind_is_PARAMETER_INVALID_with_its_public_name_and_no_echo(string path, string field)
    {
        var response = await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Get, path);

        response.AssertProblem(HttpStatusCode.BadRequest, "PARAMETER_INVALID", field);
        var text = response.Body.GetRawText();
        Assert.DoesNotContain("Nullable", text, StringComparison.Ordinal);
        Assert.DoesNotContain("OR 1=1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202E", text, StringComparison.Ordinal);
        Assert.Matches("[\u4e00-\u9fff]", response.Body.GetProperty("detail").GetString()!);
    }

    [Theory]
    [InlineData("page=-5", "page")]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=201", "pageSize")]
    public async Task A_page_out_of_range_names_its_own_field(string query, string field) =>
        (await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Get, "/api/v1/licences?" + query)).AssertProblem(HttpStatusCode.BadRequest, "PAGE_INVALID", field);

    [Fact]
    public async Task Two_credentials_in_one_request_are_refused_not_guessed()
    {
        using var client = node.Client(node.RegulatorKey);

        var both = await client.SendAsync(HttpMethod.Get, "/api/v1/licences", headers: new() { ["X-Api-Key"] = node.AdminKey });

        both.AssertProblem(HttpStatusCode.BadRequest, "CREDENTIALS_AMBIGUOUS");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(HttpMethod.Get, "/api/v1/licences")).Status);
    }

    [Theory]
    [InlineData("{}", 960)]
    [InlineData("{\"reason\":\"换发\"}", 963)]
    [InlineData("{\"reason\":\"换发\",\"licence\":{\"typeCode\":\"11100000MB0300003Q001\"}}", 964)]
    public async Task Superseding_another_authoritys_licence_is_refused_before_its_body_is_judged(string body, int sequence)
    {
        var licence = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, sequence);
        var path = $"/api/v1/licences/{licence.GetProperty("identifier").GetString()}/supersede";

        var response = await node.Client(node.HrKey).SendAsync(HttpMethod.Post, path, rawJson: body);

        response.AssertProblem(HttpStatusCode.Forbidden, "LICENCE_OF_ANOTHER_AUTHORITY");
    }

    [Fact]
    public async Task Changing_the_status_of_another_authoritys_licence_is_refused_before_the_reason_is_judged()
    {
        var licence = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 961);

        var response = await node.Client(node.HrKey).SendAsync(HttpMethod.Post, $"/api/v1/licences/{licence.GetProperty("identifier").GetString()}/revoke", rawJson: "{}");

        response.AssertProblem(HttpStatusCode.Forbidden, "LICENCE_OF_ANOTHER_AUTHORITY");
    }

    [Fact]
    public async Task An_unknown_type_code_is_quoted_short()
    {
        var body = NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 962);
        body["typeCode"] = "11100000MB0100001D009" + new string('9', 3000);

        var response = await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, "/api/v1/licences", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.True(response.Body.GetProperty("detail").GetString()!.Length < 300, response.Body.GetRawText());
    }
}
