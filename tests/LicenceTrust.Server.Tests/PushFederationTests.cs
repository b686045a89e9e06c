using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Status;
using LicenceTrust.Core.Trust;
using LicenceTrust.Federation;
using LicenceTrust.Samples;
using LicenceTrust.Testing;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Chongqing, Sichuan and Guizhou as three node processes that pull each other only every 300 s: every change
/// must arrive by push (docs/federation.md §3). Guizhou's keys are made with the CLI, as a joining province makes them.
/// </summary>
public sealed class PushedTrio : ProvinceTrio
{
    public const int SyncIntervalSeconds = 300;

    protected override IEnumerable<string> PeerSettings(int i) => [$"--Node:Peers:{i}:SyncIntervalSeconds={SyncIntervalSeconds}", $"--Node:Peers:{i}:TimeoutSeconds=1"];
}

/// <summary>Push federation across three processes: changes arrive at once, a peer answers without calling home, and the inbox refuses what it must.</summary>
public sealed class PushFederationTests(PushedTrio trio, ITestOutputHelper output) : IClassFixture<PushedTrio>
{
    private NodeProcess Chongqing => trio.Nodes["cq"];

    private NodeProcess Sichuan => trio.Nodes["sc"];

    private NodeProcess Guizhou => trio.Nodes["gz"];

    [Fact]
    public async Task A_revocation_and_a_suspension_reach_both_peers_within_two_seconds_with_a_300_second_pull()
    {
        var revoked = await IssueAsync(Chongqing, 901);
        var suspended = await IssueAsync(Chongqing, 902);
        foreach (var peer in new[] { Sichuan, Guizhou })
        {
            Assert.Equal("VALID", FederationTests.Verdict((await peer.WaitForVerdictAsync(revoked.Qr, r => FederationTests.Verdict(r) == "VALID", TimeSpan.FromSeconds(10))).Response));
        }

        await ChangeAsync(Chongqing, revoked.Id, "revoke", "吊销：推送测试");
        await ChangeAsync(Chongqing, suspended.Id, "suspend", "暂扣：推送测试");
        foreach (var peer in new[] { Sichuan, Guizhou })
        {
            var (elapsed, answer) = await peer.WaitForVerdictAsync(revoked.Qr, r => FederationTests.Verdict(r) == "INVALID", TimeSpan.FromSeconds(2));
            output.WriteLine($"revoked at cq → INVALID at {peer.Province} after {elapsed.TotalMilliseconds:F0} ms (pull every {PushedTrio.SyncIntervalSeconds} s)");
            Assert.Equal(("INVALID", "REVOKED"), (FederationTests.Verdict(answer), Reason(answer)));
            Assert.Equal("吊销：推送测试", answer.GetProperty("statusChange").GetProperty("reason").GetString());
            Assert.Equal("cq:status-list", answer.GetProperty("checkedAgainst").GetProperty("statusSource").GetString());

            var paused = (await peer.WaitForVerdictAsync(suspended.Qr, r => Reason(r) == "SUSPENDED", TimeSpan.FromSeconds(2))).Response;
            Assert.Equal(("INVALID", "SUSPENDED"), (FederationTests.Verdict(paused), Reason(paused)));
        }

        // And the other way: a Guizhou revocation reaches Chongqing and Sichuan.
        var key = await Guizhou.AuthorityKeyAsync(UnifiedSocialCreditCode.FromBody("11520000MB3C00011").Value);
        var guizhou = await IssueAsync(Guizhou, 903, key);
        await ChangeAsync(Guizhou, guizhou.Id, "revoke", "吊销：推送测试", key);
        foreach (var peer in new[] { Chongqing, Sichuan })
        {
            var (elapsed, answer) = await peer.WaitForVerdictAsync(guizhou.Qr, r => FederationTests.Verdict(r) == "INVALID", TimeSpan.FromSeconds(2));
            output.WriteLine($"revoked at gz → INVALID at {peer.Province} after {elapsed.TotalMilliseconds:F0} ms");
            Assert.Equal("REVOKED", Reason(answer));
        }
    }

    [Fact]
    public async Task With_the_home_node_stopped_after_the_push_a_peer_answers_revoked_with_date_and_reason_at_once()
    {
        var licence = await IssueAsync(Sichuan, 911);
        await ChangeAsync(Sichuan, licence.Id, "revoke", "吊销：主节点停止测试");
        Assert.Equal("INVALID", FederationTests.Verdict((await Chongqing.WaitForVerdictAsync(licence.Qr, r => FederationTests.Verdict(r) == "INVALID", TimeSpan.FromSeconds(2))).Response));

        await SignalAsync(Sichuan, "STOP");
        try
        {
            var times = new List<double>();
            JsonElement answer = default;
            for (var i = 0; i < 5; i++)
            {
                var clock = Stopwatch.StartNew();
                using var response = await Chongqing.Client().PostAsJsonAsync("/api/v1/verify", new { qrText = licence.Qr });
                answer = await response.Content.ReadFromJsonAsync<JsonElement>();
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            output.WriteLine($"sc stopped: REVOKED at cq in {string.Join(", ", times.Select(t => t.ToString("F1")))} ms");
            Assert.Equal(("INVALID", "REVOKED"), (FederationTests.Verdict(answer), Reason(answer)));
            Assert.Equal("吊销：主节点停止测试", answer.GetProperty("statusChange").GetProperty("reason").GetString());
            Assert.True(answer.GetProperty("statusChange").GetProperty("at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
            // A call to the stopped node would wait out its timeout (1 s): well under 100 ms means none was made.
            Assert.True(times[2] < 100, $"median {times[2]:F1} ms");
        }
        finally
        {
            await SignalAsync(Sichuan, "CONT");
        }
    }

    [Fact]
    public async Task A_replayed_a_rolled_back_a_forged_and_a_strangers_notice_are_refused()
    {
        // Chongqing's own list signer (the sample keys) signs, as Chongqing's announcer does.
        var signer = SampleKeys.Of(SampleProvinces.Chongqing).ListSigner!;
        var index = await Chongqing.Client().GetFromJsonAsync<StatusListIndex>("/api/v1/status-lists");
        var sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        byte[] Notice(long seq, long trustList, ICredentialSigner by) =>
            new ChangeNotice(SampleProvinces.Chongqing, seq, DateTimeOffset.UtcNow, trustList, index!.Lists).Sign(by, signer.CertificateDer);

        var genuine = Notice(sequence, index!.TrustListSequence!.Value, signer.Key);
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Sichuan, genuine)).Status);
        Assert.Equal((HttpStatusCode.Conflict, "NOTICE_REPLAYED"), await PostAsync(Sichuan, genuine));
        Assert.Equal((HttpStatusCode.Conflict, "NOTICE_ROLLBACK"), await PostAsync(Sichuan, Notice(sequence + 1, 0, signer.Key)));
        Assert.Equal((HttpStatusCode.BadRequest, "NOTICE_SIGNATURE_INVALID"), await PostAsync(Sichuan, Notice(sequence + 2, index.TrustListSequence.Value, SigningKey.Generate(SignatureAlgorithm.Sm2Sm3))));

        // A province this node does not federate with: refused before its signature is looked at.
        var stranger = new ChangeNotice(Province.FromNodeId("hb"), sequence, DateTimeOffset.UtcNow, 1, []).Sign(signer.Key, signer.CertificateDer);
        Assert.Equal((HttpStatusCode.Forbidden, "NOTICE_NOT_FROM_PEER"), await PostAsync(Sichuan, stranger));

        // A flood is cut at the peer's rate (20 a second, bursts of 40), and verification goes on. How many meet an
        // empty bucket depends on how fast this machine takes them in (a busy one lets the bucket refill meanwhile):
        // what the inbox guarantees is that no more are let through than its rate.
        var clock = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => PostAsync(Sichuan, genuine)));
        var seconds = clock.Elapsed.TotalSeconds;
        Assert.All(statuses, s => Assert.True(s.Code is "NOTICE_REPLAYED" or "NOTICE_RATE_LIMITED", $"{s.Status} {s.Code}"));
        Assert.InRange(statuses.Count(s => s.Code == "NOTICE_REPLAYED"), 1, (2 * ChangeInbox.NoticesPerSecond) + (ChangeInbox.NoticesPerSecond * seconds) + 5);

        // Let Chongqing's bucket at Sichuan fill again (20 a second) before the class's other tests push.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(HttpStatusCode.OK, (await Sichuan.Client().PostAsJsonAsync("/api/v1/verify", new { qrText = (await IssueAsync(Sichuan, 921)).Qr })).StatusCode);
    }

    private async Task<(string Id, string Qr)> IssueAsync(NodeProcess node, int sequence, string? key = null)
    {
        if (key is null)
        {
            var json = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, sequence);
            return (json.GetProperty("identifier").GetString()!, json.GetProperty("qrText").GetString()!);
        }

        var body = NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, sequence, SampleProvinces.Sichuan);
        body["areaCode"] = "520102";
        using var response = await node.Client(key).PostAsJsonAsync("/api/v1/licences", body);
        var issued = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, issued.ToString());
        return (issued.GetProperty("identifier").GetString()!, issued.GetProperty("qrText").GetString()!);
    }

    private static async Task ChangeAsync(NodeProcess node, string identifier, string action, string reason, string? key = null)
    {
        using var response = await node.Client(key ?? node.RegulatorKey).PostAsJsonAsync($"/api/v1/licences/{identifier}/{action}", new { reason });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<(HttpStatusCode Status, string? Code)> PostAsync(NodeProcess node, byte[] notice)
    {
        using var content = new ByteArrayContent(notice);
        content.Headers.ContentType = new MediaTypeHeaderValue(PeerProtocol.ChangeNoticeMediaType);
        using var response = await node.Client().PostAsync(PeerProtocol.ChangesPath, content);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, body.TryGetProperty("code", out var code) ? code.GetString() : null);
    }

    private static async Task SignalAsync(NodeProcess node, string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {node.ProcessId}")!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    private static string? Reason(JsonElement response) => response.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString();
}
