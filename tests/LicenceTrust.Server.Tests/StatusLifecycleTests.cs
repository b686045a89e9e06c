using LicenceTrust.Samples;
using System.Net;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

public class StatusLifecycleTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task Suspend_reinstate_revoke_follow_the_rules_and_final_states_stay_final()
    {
        var id = (await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 301)).GetProperty("identifier").GetString();
        var client = node.Client(node.RegulatorKey);

        Assert.Equal("SUSPENDED", (await client.SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/suspend", new { reason = "逾期未年报" })).Body.GetProperty("status").GetString());
        (await client.SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/suspend", new { reason = "again" })).AssertProblem(HttpStatusCode.Conflict, "STATUS_CHANGE_NOT_ALLOWED");
        Assert.Equal("VALID", (await client.SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/reinstate", new { reason = "已补报" })).Body.GetProperty("status").GetString());
        Assert.Equal("REVOKED", (await client.SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/revoke", new { reason = "违法经营" })).Body.GetProperty("status").GetString());
        (await client.SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/reinstate", new { reason = "x" })).AssertProblem(HttpStatusCode.Conflict, "STATUS_CHANGE_NOT_ALLOWED");
        (await client.SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/cancel", new { reason = "x" })).AssertProblem(HttpStatusCode.Conflict, "STATUS_CHANGE_NOT_ALLOWED");
    }

    [Fact]
    public async Task Cancel_ends_a_licence_and_shows_as_invalid_in_the_status_list()
    {
        var issued = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.FoodBusinessPermit, 306);
        var id = issued.GetProperty("identifier").GetString();
        var client = node.Client(node.RegulatorKey);

        var cancelled = await client.SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/cancel", new { reason = "企业注销" });
        var status = await node.Client().SendAsync(HttpMethod.Get, $"/api/v1/licences/{id}/status");
        var (list, _) = await FetchListAsync(node.Client(), new Uri(issued.GetProperty("statusList").GetProperty("uri").GetString()!).AbsolutePath);

        Assert.Equal("CANCELLED", cancelled.Body.GetProperty("status").GetString());
        Assert.Equal("已注销", status.Body.GetProperty("statusZh").GetString());
        Assert.Equal(1, list.Bits.Get(issued.GetProperty("statusList").GetProperty("index").GetInt32()));
        (await client.SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/suspend", new { reason = "x" })).AssertProblem(HttpStatusCode.Conflict, "STATUS_CHANGE_NOT_ALLOWED");
    }

    [Theory]
    [InlineData("{}", 302)]
    [InlineData("{\"reason\":\"\"}", 303)]
    [InlineData("{\"reason\":\"   \"}", 306)]
    public async Task A_status_change_needs_a_reason(string raw, int sequence)
    {
        var id = (await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, sequence)).GetProperty("identifier").GetString();
        (await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/revoke", rawJson: raw)).AssertProblem(HttpStatusCode.BadRequest, "REASON_REQUIRED", "reason");
    }

    [Fact]
    public async Task Unknown_licences_are_404()
    {
        var client = node.Client(node.RegulatorKey);
        (await client.SendAsync(HttpMethod.Get, "/api/v1/licences/1.2.3")).AssertProblem(HttpStatusCode.NotFound, "LICENCE_NOT_FOUND");
        (await client.SendAsync(HttpMethod.Post, "/api/v1/licences/nope/revoke", new { reason = "x" })).AssertProblem(HttpStatusCode.NotFound, "LICENCE_NOT_FOUND");
        (await node.Client().SendAsync(HttpMethod.Get, "/api/v1/licences/nope/status")).AssertProblem(HttpStatusCode.NotFound, "LICENCE_NOT_FOUND");
    }

    [Fact]
    public async Task The_served_status_list_shows_a_change_on_the_next_request()
    {
        var issued = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.FoodBusinessPermit, 303);
        var id = issued.GetProperty("identifier").GetString();
        var index = issued.GetProperty("statusList").GetProperty("index").GetInt32();
        var path = new Uri(issued.GetProperty("statusList").GetProperty("uri").GetString()!).AbsolutePath;
        var publicClient = node.Client();

        var (before, etag) = await FetchListAsync(publicClient, path);
        Assert.Equal(0, before.Bits.Get(index));
        Assert.True(before.Bits.Size >= StatusBits.MinimumSize);

        using (var notModified = new HttpRequestMessage(HttpMethod.Get, path))
        {
            notModified.Headers.TryAddWithoutValidation("If-None-Match", etag);
            Assert.Equal(HttpStatusCode.NotModified, (await publicClient.SendAsync(notModified)).StatusCode);
        }

        await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/suspend", new { reason = "整改" });
        var (suspended, etag2) = await FetchListAsync(publicClient, path);
        Assert.Equal(2, suspended.Bits.Get(index));
        Assert.NotEqual(etag, etag2);

        await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/revoke", new { reason = "吊销" });
        Assert.Equal(1, (await FetchListAsync(publicClient, path)).List.Bits.Get(index));
    }

    [Theory]
    [InlineData("/api/v1/status-lists/999", HttpStatusCode.NotFound, "STATUS_LIST_NOT_FOUND")]
    [InlineData("/api/v1/status-lists/abc", HttpStatusCode.BadRequest, "STATUS_LIST_ID_INVALID")]
    [InlineData("/api/v1/status-lists/-1", HttpStatusCode.BadRequest, "STATUS_LIST_ID_INVALID")]
    public async Task Bad_status_list_ids_are_specific(string path, HttpStatusCode status, string code) =>
        (await node.Client().SendAsync(HttpMethod.Get, path)).AssertProblem(status, code);

    [Fact]
    public async Task The_online_status_answers_now_and_as_of_a_past_time()
    {
        var issued = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 304);
        var id = issued.GetProperty("identifier").GetString();
        var issuedAt = issued.GetProperty("issuedAt").GetDateTimeOffset();
        await Task.Delay(20);
        var beforeRevoke = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/revoke", new { reason = "伪造材料" });
        var publicClient = node.Client();

        var now = await publicClient.SendAsync(HttpMethod.Get, $"/api/v1/licences/{id}/status");
        var then = await publicClient.SendAsync(HttpMethod.Get, $"/api/v1/licences/{id}/status?at={Uri.EscapeDataString(beforeRevoke.ToString("O"))}");
        var beforeIssue = await publicClient.SendAsync(HttpMethod.Get, $"/api/v1/licences/{id}/status?at={Uri.EscapeDataString(issuedAt.AddDays(-1).ToString("O"))}");
        var bad = await publicClient.SendAsync(HttpMethod.Get, $"/api/v1/licences/{id}/status?at=yesterday");

        Assert.Equal("REVOKED", now.Body.GetProperty("status").GetString());
        Assert.Equal("已吊销", now.Body.GetProperty("statusZh").GetString());
        Assert.Equal("伪造材料", now.Body.GetProperty("reason").GetString());
        Assert.Single(now.Body.GetProperty("history").EnumerateArray());
        Assert.False(now.Body.TryGetProperty("holder", out _));
        Assert.Equal("VALID", then.Body.GetProperty("status").GetString());
        Assert.Empty(then.Body.GetProperty("history").EnumerateArray());
        beforeIssue.AssertProblem(HttpStatusCode.NotFound, "NOT_YET_ISSUED");
        bad.AssertProblem(HttpStatusCode.BadRequest, "AT_INVALID", "at");
    }

    [Fact]
    public async Task Supersede_issues_the_next_version_and_ends_the_old_one()
    {
        var old = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 305);
        var oldId = old.GetProperty("identifier").GetString()!;
        var replacement = NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 305);
        ((Dictionary<string, object?>)replacement["holder"]!)["name"] = "重庆山城火锅餐饮管理有限公司（更名）";

        var response = await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, $"/api/v1/licences/{oldId}/supersede", new { reason = "企业更名", licence = replacement });
        var oldNow = await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Get, $"/api/v1/licences/{oldId}");
        var again = await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, $"/api/v1/licences/{oldId}/supersede", new { reason = "再次", licence = replacement });

        Assert.Equal(HttpStatusCode.Created, response.Status);
        var newId = response.Body.GetProperty("identifier").GetString()!;
        Assert.Equal(LicenceIdentifier.Parse(oldId).NextVersion().Value, newId);
        Assert.Equal(oldId, response.Body.GetProperty("supersedes").GetString());
        Assert.Equal("SUPERSEDED", oldNow.Body.GetProperty("status").GetString());
        Assert.Equal(newId, oldNow.Body.GetProperty("supersededBy").GetString());
        again.AssertProblem(HttpStatusCode.Conflict, "STATUS_CHANGE_NOT_ALLOWED");
        Assert.Equal(Verdict.Valid, new CredentialVerifier(SampleKeys.TrustStore).Verify(response.Body.GetProperty("qrText").GetString(), DateTimeOffset.UtcNow).Verdict);
    }

    private async Task<(StatusList List, string ETag)> FetchListAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(StatusListToken.MediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=1", response.Headers.CacheControl?.ToString());
        var signer = SampleKeys.Of(SampleProvinces.Chongqing).ListSigner!;
        var list = StatusListToken.TryRead(await response.Content.ReadAsByteArrayAsync(), VerificationKey.FromSubjectPublicKeyInfo(signer.Key.SubjectPublicKeyInfo.ToArray()), out var error);
        Assert.True(list is not null, error);
        return (list, response.Headers.ETag!.Tag);
    }
}
