using System.Net;
using LicenceTrust.Samples;

namespace LicenceTrust.Server.Tests;

public class BatchVerifyTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task A_partner_verifies_many_texts_in_one_call_in_order()
    {
        var valid = (await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 701)).GetProperty("qrText").GetString();
        var revokedLicence = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 702);
        await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, $"/api/v1/licences/{revokedLicence.GetProperty("identifier").GetString()}/revoke", new { reason = "吊销" });

        var response = await node.Client(node.PartnerKey).SendAsync(HttpMethod.Post, "/api/v1/verify/batch",
            new { qrTexts = new[] { valid, revokedLicence.GetProperty("qrText").GetString(), "HC1:xyz", null } });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var verdicts = response.Body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("result").GetProperty("verdict").GetString()).ToList();
        Assert.Equal(["VALID", "INVALID", "UNREADABLE", "UNREADABLE"], verdicts);
    }

    [Fact]
    public async Task A_thousand_texts_fit_and_one_more_does_not()
    {
        var qr = (await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.FoodBusinessPermit, 703)).GetProperty("qrText").GetString();
        var client = node.Client(node.PartnerKey);

        var thousand = await client.SendAsync(HttpMethod.Post, "/api/v1/verify/batch", new { qrTexts = Enumerable.Repeat(qr, 1000) });
        var tooMany = await client.SendAsync(HttpMethod.Post, "/api/v1/verify/batch", new { qrTexts = Enumerable.Repeat("x", 1001) });
        var none = await client.SendAsync(HttpMethod.Post, "/api/v1/verify/batch", new { qrTexts = Array.Empty<string>() });

        Assert.Equal(HttpStatusCode.OK, thousand.Status);
        Assert.Equal(1000, thousand.Body.GetProperty("results").GetArrayLength());
        tooMany.AssertProblem(HttpStatusCode.BadRequest, "BATCH_SIZE_INVALID", "qrTexts");
        none.AssertProblem(HttpStatusCode.BadRequest, "BATCH_SIZE_INVALID", "qrTexts");
    }

    [Theory]
    [InlineData("{}", "FIELD_REQUIRED")]
    [InlineData("not json", "BODY_INVALID")]
    [InlineData("{\"qrTexts\":[1,2]}", "BODY_INVALID")]
    public async Task Malformed_batches_are_specific_400s(string raw, string code) =>
        (await node.Client(node.PartnerKey).SendAsync(HttpMethod.Post, "/api/v1/verify/batch", rawJson: raw)).AssertProblem(HttpStatusCode.BadRequest, code);

    [Fact]
    public async Task Batch_verification_needs_a_partner_or_admin_key()
    {
        var body = new { qrTexts = new[] { "x" } };
        (await node.Client().SendAsync(HttpMethod.Post, "/api/v1/verify/batch", body)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        (await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, "/api/v1/verify/batch", body)).AssertProblem(HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal(HttpStatusCode.OK, (await node.Client(node.AdminKey).SendAsync(HttpMethod.Post, "/api/v1/verify/batch", body)).Status);
    }
}

public class RateLimitTests
{
    [Fact]
    public async Task Each_client_has_its_own_budget_and_excess_is_429_with_Retry_After()
    {
        await using var node = new NodeFixture { ExtraArgs = ["--Node:AnonymousRateLimitPerSecond=2", "--Node:RateLimitPerSecond=3"] };
        await node.InitializeAsync();
        var anonymous = node.Client();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 12; i++)
        {
            var response = await anonymous.GetAsync("/health/live");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited ??= response;
            }
        }

        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.NotNull(limited);
        Assert.True(int.Parse(limited.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Contains("RATE_LIMITED", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A partner with a key is another client: its own budget is untouched by the anonymous burst.
        var keyed = await node.Client(node.PartnerKey).GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
    }
}
