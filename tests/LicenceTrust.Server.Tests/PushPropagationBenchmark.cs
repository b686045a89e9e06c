using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Samples;
using LicenceTrust.Testing;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The figures of issue 35 (docs/performance.md), a load run, not a test of them: three node processes pulling every
/// 300 s, 200 revocations at Chongqing, each timed from its commit to INVALID at Sichuan and at Guizhou (both polled
/// side by side); the requests Chongqing's status API got meanwhile (counted at Chongqing); and a new Guizhou issuer's
/// trust list at the peers after its node starts. Runs only with LICENCETRUST_BENCH_PUSH=1:
///   bash benchmarks/push-propagation.sh
/// </summary>
public sealed partial class PushPropagationBenchmark(ITestOutputHelper output)
{
    private const int Revocations = 200;

    [SkippableFact]
    public async Task Revocations_reach_both_peers_by_push_and_no_verification_calls_home()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("LICENCETRUST_BENCH_PUSH") == "1", "a load run: LICENCETRUST_BENCH_PUSH=1 (benchmarks/push-propagation.sh)");
        var trio = new PushedTrio();
        await trio.InitializeAsync();
        try
        {
            await RunAsync(trio);
        }
        finally
        {
            await trio.DisposeAsync();
        }
    }

    private async Task RunAsync(PushedTrio trio)
    {
        var home = trio.Nodes["cq"];
        var peers = new[] { trio.Nodes["sc"], trio.Nodes["gz"] };
        var licences = new List<(string Id, string Qr)>();
        for (var i = 0; i < Revocations; i++)
        {
            var issued = await home.IssueAsync(home.RegulatorKey, SampleLicenceTypes.BusinessLicence, 3000 + i);
            licences.Add((issued.GetProperty("identifier").GetString()!, issued.GetProperty("qrText").GetString()!));
        }

        foreach (var peer in peers)
        {
            await peer.WaitForVerdictAsync(licences[^1].Qr, r => FederationTests.Verdict(r) == "VALID", TimeSpan.FromSeconds(20));
        }

        // Counting works: one live question to Chongqing's status API shows in its own metrics.
        var before = await StatusApiRequestsAsync(home);
        using (await home.Client().GetAsync($"/api/v1/licences/{Uri.EscapeDataString(licences[0].Id)}/status"))
        {
        }

        var counted = await WaitForCountAsync(home, before + 1);
        var latencies = peers.ToDictionary(p => p.Province, _ => new List<double>());
        using var client = home.Client(home.RegulatorKey);
        foreach (var (id, qr) in licences)
        {
            using (var revoke = await client.PostAsJsonAsync($"/api/v1/licences/{id}/revoke", new { reason = "吊销：推送测量" }))
            {
                Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
            }

            var committed = Stopwatch.StartNew();
            await Task.WhenAll(peers.Select(async peer =>
            {
                using var verifier = peer.Client();
                while (true)
                {
                    using var response = await verifier.PostAsJsonAsync("/api/v1/verify", new { qrText = qr });
                    var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
                    if (FederationTests.Verdict(answer) == "INVALID")
                    {
                        lock (latencies)
                        {
                            latencies[peer.Province].Add(committed.Elapsed.TotalMilliseconds);
                        }

                        return;
                    }

                    Assert.True(committed.Elapsed < TimeSpan.FromSeconds(30), $"{peer.Province} never saw {id} revoked");
                    await Task.Delay(5);
                }
            }));
        }

        // Date and reason at a peer for every revoked licence, and not one request to the home node for them.
        var withReason = 0;
        foreach (var (_, qr) in licences)
        {
            using var response = await peers[0].Client().PostAsJsonAsync("/api/v1/verify", new { qrText = qr });
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
            withReason += answer.GetProperty("statusChange").ValueKind == JsonValueKind.Object
                && answer.GetProperty("statusChange").GetProperty("reason").GetString() == "吊销：推送测量" ? 1 : 0;
        }

        var calls = await StatusApiRequestsAsync(home) - counted;
        foreach (var (peer, list) in latencies)
        {
            list.Sort();
            output.WriteLine($"revoke committed at cq → INVALID at {peer}, {list.Count} revocations, pull every {PushedTrio.SyncIntervalSeconds} s: " +
                $"p50 {Percentile(list, 0.50):F0} ms, p95 {Percentile(list, 0.95):F0} ms, max {list[^1]:F0} ms");
        }

        output.WriteLine($"{withReason} of {Revocations} revoked licences shown with date and reason at sc; requests to cq's status API meanwhile: {calls} (counting checked: {counted - before} for one live GET)");

        await FloodAsync(trio, licences[0].Qr);

        // A new issuer of Guizhou: its node restarts with the new key and tells its peers at start.
        var guizhou = trio.Nodes["gz"];
        var sequence = await TrustListSequenceAsync(trio.Nodes["cq"], "gz");
        await guizhou.KillAsync();
        var authority = UnifiedSocialCreditCode.FromBody("11520000MB3C00022").Value;
        var (code, text) = await Programs.RunAsync(Programs.Cli,
            $"keys issuer --keys {trio.Keys} --province gz --authority {authority} --name 贵州省卫生健康委员会 --type {SampleLicenceTypes.BusinessLicence.Code.Value} --plaintext");
        Assert.True(code == 0, text);
        var newKey = await guizhou.AuthorityKeyAsync(authority);
        await guizhou.StartAgainAsync();
        var started = Stopwatch.StartNew();
        foreach (var at in new[] { "cq", "sc" })
        {
            while (await TrustListSequenceAsync(trio.Nodes[at], "gz") <= sequence)
            {
                Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"{at} never took gz's new trust list");
                await Task.Delay(10);
            }

            output.WriteLine($"gz restarted with a new issuer → its trust list #{sequence + 1} held at {at} {started.ElapsedMilliseconds} ms after gz answered (pull every {PushedTrio.SyncIntervalSeconds} s)");
        }

        // The new issuer's first licence, issued as soon as Guizhou answers: VALID at both peers.
        var body = NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 4001, SampleProvinces.Sichuan);
        body["areaCode"] = "520102";
        using var issue = await guizhou.Client(newKey).PostAsJsonAsync("/api/v1/licences", body);
        var first = await issue.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(issue.IsSuccessStatusCode, first.ToString());
        var firstQr = first.GetProperty("qrText").GetString()!;
        foreach (var at in new[] { "cq", "sc" })
        {
            var (_, answer) = await trio.Nodes[at].WaitForVerdictAsync(firstQr, r => FederationTests.Verdict(r) == "VALID", TimeSpan.FromSeconds(10));
            output.WriteLine($"the new issuer's first licence: {FederationTests.Verdict(answer)} at {at}, {started.ElapsedMilliseconds} ms after gz answered");
        }
    }

    /// <summary>
    /// Verification at Sichuan, quiet and during a flood of Chongqing change notices (a genuine one replayed, as an
    /// attacker on the path could), in interleaved rounds: 300 verifications each, one at a time, timed one by one,
    /// paced under the verifier key's own rate limit.
    /// </summary>
    private async Task FloodAsync(PushedTrio trio, string qr)
    {
        var peer = trio.Nodes["sc"];
        var signer = SampleKeys.Of(SampleProvinces.Chongqing).ListSigner!;
        var index = await trio.Nodes["cq"].Client().GetFromJsonAsync<LicenceTrust.Core.Status.StatusListIndex>("/api/v1/status-lists");
        var notice = new LicenceTrust.Core.Trust.ChangeNotice(SampleProvinces.Chongqing, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow,
            index!.TrustListSequence!.Value, index.Lists).Sign(signer.Key, signer.CertificateDer);
        var timings = new Dictionary<string, List<double>> { ["quiet"] = [], ["flood"] = [] };
        var refused = new Dictionary<int, int>();
        var verifyRefused = new Dictionary<string, int>();
        for (var round = 0; round < 3; round++)
        {
            foreach (var mode in round % 2 == 0 ? new[] { "quiet", "flood" } : ["flood", "quiet"])
            {
                using var stop = new CancellationTokenSource();
                var flood = mode == "flood" ? Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
                {
                    using var sender = peer.Client();
                    while (!stop.IsCancellationRequested)
                    {
                        using var content = new ByteArrayContent(notice);
                        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(LicenceTrust.Federation.PeerProtocol.ChangeNoticeMediaType);
                        using var response = await sender.PostAsync(LicenceTrust.Federation.PeerProtocol.ChangesPath, content);
                        lock (refused)
                        {
                            refused[(int)response.StatusCode] = refused.GetValueOrDefault((int)response.StatusCode) + 1;
                        }
                    }
                }))) : Task.CompletedTask;
                // A counter system verifies with its own key (its own rate partition); the flood comes from elsewhere.
                using var verifier = peer.Client(peer.PartnerKey);
                for (var i = 0; i < 300; i++)
                {
                    var clock = Stopwatch.StartNew();
                    using var response = await verifier.PostAsJsonAsync("/api/v1/verify", new { qrText = qr });
                    timings[mode].Add(clock.Elapsed.TotalMilliseconds);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        verifyRefused[$"{mode} {(int)response.StatusCode}"] = verifyRefused.GetValueOrDefault($"{mode} {(int)response.StatusCode}") + 1;
                    }

                    // Under the key's own rate (Node:RateLimitPerSecond, 500): a faster loop is refused by its own limit.
                    await Task.Delay(3);
                }

                await stop.CancelAsync();
                await flood;
            }
        }

        foreach (var (mode, list) in timings)
        {
            list.Sort();
            output.WriteLine($"verification at sc, {mode}: p50 {Percentile(list, 0.50):F2} ms, p99 {Percentile(list, 0.99):F2} ms over {list.Count}");
        }

        output.WriteLine("notices of the flood answered: " + string.Join(", ", refused.OrderBy(r => r.Key).Select(r => $"{r.Key} × {r.Value}")));
        output.WriteLine("verifications not answered 200: " + (verifyRefused.Count == 0 ? "none" : string.Join(", ", verifyRefused.Select(r => $"{r.Key} × {r.Value}"))));
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task<long> TrustListSequenceAsync(NodeProcess node, string peer)
    {
        var peers = await node.Client().GetFromJsonAsync<JsonElement>("/api/v1/federation/peers");
        var view = peers.GetProperty("peers").EnumerateArray().Single(p => p.GetProperty("province").GetString() == peer);
        return view.GetProperty("trustListSequence").ValueKind == JsonValueKind.Number ? view.GetProperty("trustListSequence").GetInt64() : 0;
    }

    /// <summary>Requests the node served on its public status API, from its own metrics (ASP.NET Core's request counter by route).</summary>
    private static async Task<long> StatusApiRequestsAsync(NodeProcess node)
    {
        var metrics = await node.Client().GetStringAsync("/metrics");
        return StatusRoute().Matches(metrics).Sum(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<long> WaitForCountAsync(NodeProcess node, long atLeast)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await StatusApiRequestsAsync(node) is var count && count >= atLeast)
            {
                return count;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("the node's metrics do not count requests to its status API");
    }

    [GeneratedRegex("""http_server_request_duration_seconds_count\{[^}]*http_route="/api/v1/licences/\{identifier\}/status"[^}]*\} ([0-9]+)""")]
    private static partial Regex StatusRoute();
}
