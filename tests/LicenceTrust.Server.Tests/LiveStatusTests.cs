using System.Net;
using System.Net.Http.Json;
using LicenceTrust.Core.Status;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The live status fallback between two node processes (docs/federation.md §4): Chongqing holds no fresh
/// list of Sichuan's (it syncs once an hour, and a list is stale after 1 s), so it asks Sichuan's status API
/// and takes only the answer Sichuan signed with its list-signing key. Sichuan has no peers here, so no push
/// refreshes Chongqing's copy (docs/federation.md §3): the fallback is what a peer without push meets.
/// </summary>
public sealed class LiveStatusTests : IAsyncLifetime
{
    private NodeProcess _chongqing = null!;
    private NodeProcess _sichuan = null!;

    public async Task InitializeAsync()
    {
        int cq = FreePorts.Next(), sc = FreePorts.Next();
        // Sichuan does not federate back, so it pushes no change notice to Chongqing: only the live API brings news.
        _sichuan = await NodeProcess.StartAsync("sc", sc, RepositoryPaths.KeysSample);
        _chongqing = await NodeProcess.StartAsync("cq", cq, RepositoryPaths.KeysSample,
            [.. NodeProcess.SamplePeer("sc", sc), "--Node:Peers:0:SyncIntervalSeconds=3600", "--Node:Peers:0:StatusMaxAgeSeconds=1"]);
    }

    public async Task DisposeAsync()
    {
        await _chongqing.DisposeAsync();
        await _sichuan.DisposeAsync();
    }

    [Fact]
    public async Task A_stale_peer_list_falls_back_to_the_peers_signed_answer_and_a_revocation_arrives_through_it()
    {
        var issued = await _sichuan.IssueAsync(_sichuan.RegulatorKey, SampleLicenceTypes.BusinessLicence, 811);
        var qr = issued.GetProperty("qrText").GetString()!;

        // The list is fetched whole the first time (a list not held), then goes stale after 1 s: from then on, live.
        var valid = (await _chongqing.WaitForVerdictAsync(qr, r => FederationTests.Verdict(r) == "VALID" && Source(r) == "sc:live", TimeSpan.FromSeconds(20))).Response;
        Assert.Equal("sc:live", Source(valid));

        using (var revoke = await _sichuan.Client(_sichuan.RegulatorKey).PostAsJsonAsync($"/api/v1/licences/{issued.GetProperty("identifier").GetString()}/revoke", new { reason = "吊销：测试" }))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        var revoked = (await _chongqing.WaitForVerdictAsync(qr, r => FederationTests.Verdict(r) == "INVALID", TimeSpan.FromSeconds(10))).Response;
        Assert.Equal("REVOKED", revoked.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
        Assert.Equal("sc:live", revoked.GetProperty("checkedAgainst").GetProperty("statusSource").GetString());

        // What Sichuan sends a peer is its signed answer, not JSON.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/licences/{issued.GetProperty("identifier").GetString()}/status");
        request.Headers.Accept.ParseAdd(LicenceStatusToken.MediaType);
        using var answer = await _sichuan.Client().SendAsync(request);
        Assert.Equal(LicenceStatusToken.MediaType, answer.Content.Headers.ContentType?.MediaType);
        var key = Core.Crypto.VerificationKey.FromSubjectPublicKeyInfo(SampleKeys.Of(SampleProvinces.Sichuan).ListSigner!.Key.SubjectPublicKeyInfo.ToArray());
        var read = LicenceStatusToken.TryRead(await answer.Content.ReadAsByteArrayAsync(), key, issued.GetProperty("identifier").GetString()!, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), out var error);
        Assert.True(read?.Status == LicenceStatus.Revoked, error);
    }

    private static string? Source(System.Text.Json.JsonElement response) => response.GetProperty("checkedAgainst").GetProperty("statusSource").GetString();
}
