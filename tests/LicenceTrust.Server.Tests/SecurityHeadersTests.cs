using System.Net;
using LicenceTrust.Samples;
using LicenceTrust.Server.Hosting;
using Microsoft.AspNetCore.Http;

namespace LicenceTrust.Server.Tests;

/// <summary>Every response that can render carries the security headers: pages, the print view, static files, API errors.</summary>
public class SecurityHeadersTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Theory]
    [InlineData("/", HttpStatusCode.OK)]
    [InlineData("/css/site.css", HttpStatusCode.OK)]
    [InlineData("/js/app.js", HttpStatusCode.OK)]
    [InlineData("/print/print.css", HttpStatusCode.OK)]
    [InlineData("/api/v1/licences/nothing/status", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/licences?page=x", HttpStatusCode.Unauthorized)]
    [InlineData("/api/v1/no-such-thing", HttpStatusCode.NotFound)]
    public async Task Pages_files_and_errors_carry_the_headers(string path, HttpStatusCode status)
    {
        using var response = await node.Client().GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        AssertHeaders(response, SecurityHeaders.ContentSecurityPolicy);
    }

    [Fact]
    public async Task The_print_view_carries_the_headers_and_has_no_inline_script_or_style()
    {
        var licence = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 950);

        using var response = await node.Client(node.RegulatorKey).GetAsync($"/api/v1/licences/{licence.GetProperty("identifier").GetString()}/print");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertHeaders(response, SecurityHeaders.ContentSecurityPolicy);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("style=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("<script>", html);
    }

    [Fact]
    public async Task An_API_error_from_the_exception_handler_keeps_the_headers()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/licences") { Content = new StringContent("{", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", node.RegulatorKey);
        using var response = await node.Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertHeaders(response, SecurityHeaders.ContentSecurityPolicy);
    }

    [Fact]
    public async Task Swagger_UI_gets_its_own_policy_that_still_forbids_framing()
    {
        using var response = await node.Client().GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertHeaders(response, SecurityHeaders.SwaggerContentSecurityPolicy);
    }

    [Fact]
    public void HSTS_is_sent_over_HTTPS_only()
    {
        var https = new DefaultHttpContext();
        https.Request.Scheme = "https";
        var plain = new DefaultHttpContext();

        SecurityHeaders.Apply(https);
        SecurityHeaders.Apply(plain);

        Assert.Equal(SecurityHeaders.StrictTransportSecurity, https.Response.Headers.StrictTransportSecurity.ToString());
        Assert.Empty(plain.Response.Headers.StrictTransportSecurity.ToString());
    }

    [Fact]
    public void The_policy_allows_no_inline_script_style_or_eval_and_no_framing()
    {
        Assert.Contains("default-src 'self'", SecurityHeaders.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", SecurityHeaders.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", SecurityHeaders.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-eval'", SecurityHeaders.ContentSecurityPolicy, StringComparison.Ordinal);
    }

    private static void AssertHeaders(HttpResponseMessage response, string policy)
    {
        Assert.Equal(policy, string.Join(",", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("DENY", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "HSTS over plain HTTP");
    }
}
