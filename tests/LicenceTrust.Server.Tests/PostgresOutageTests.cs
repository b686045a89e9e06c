using LicenceTrust.Samples;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Status;
using LicenceTrust.Federation;
using LicenceTrust.Storage;
using LicenceTrust.Storage.Postgres;
using LicenceTrust.Testing;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Faults (issue 7): the Chongqing node runs on a PostgreSQL server of its own, federated with a
/// Sichuan node; the server is stopped mid-run, under steady verification traffic, and started again.
/// </summary>
public sealed class PostgresOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task With_PostgreSQL_stopped_issuing_is_503_verification_keeps_answering_peer_revocations_still_arrive_and_all_recovers()
    {
        using var postgres = PostgresServer.Private();
        var connection = postgres.NewDatabase();
        var scPort = FreePorts.Next();
        await using var sc = new NodeFixture { Province = "sc", ExtraArgs = [$"--urls=http://127.0.0.1:{scPort}", $"--Node:PublicBaseUrl=http://127.0.0.1:{scPort}"] };
        await sc.InitializeAsync();
        await using var cq = new NodeFixture
        {
            ExtraArgs =
            [
                "--Node:DatabaseProvider=postgres", $"--Node:ConnectionString={connection}",
                "--Node:Peers:0:Province=sc", $"--Node:Peers:0:BaseUrl=http://127.0.0.1:{scPort}",
                $"--Node:Peers:0:RootFingerprint={SampleKeys.Of(SampleProvinces.Sichuan).Root.Fingerprint}",
                "--Node:Peers:0:SyncIntervalSeconds=0.5", "--Node:Peers:0:StatusMaxAgeSeconds=30", "--Node:Peers:0:TimeoutSeconds=1",
            ],
        };
        await cq.InitializeAsync();

        var own = await cq.IssueAsync(cq.RegulatorKey, SampleLicenceTypes.BusinessLicence, 961);
        var peer = await sc.IssueAsync(sc.RegulatorKey, SampleLicenceTypes.BusinessLicence, 962);
        var peerToRevoke = await sc.IssueAsync(sc.RegulatorKey, SampleLicenceTypes.BusinessLicence, 963);
        foreach (var issued in new[] { own, peer, peerToRevoke })
        {
            Assert.Equal("VALID", await WaitForVerdictAsync(cq, Qr(issued), "VALID", TimeSpan.FromSeconds(15)));
        }

        // Steady traffic all through the outage: anonymous and partner verifications of both provinces.
        using var traffic = new VerificationTraffic(cq, [Qr(own), Qr(peer)]);
        await Task.Delay(300);

        postgres.Stop();
        var outage = Stopwatch.StartNew();
        using var issue = await cq.Client(cq.RegulatorKey).PostAsJsonAsync("/api/v1/licences", NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 964));
        var issueProblem = await issue.Content.ReadFromJsonAsync<JsonElement>();
        using var revoke = await cq.Client(cq.RegulatorKey).PostAsJsonAsync($"/api/v1/licences/{Id(own)}/revoke", new { reason = "吊销" });
        using var ready = await cq.Client().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, issue.StatusCode);
        Assert.Equal("DATABASE_UNAVAILABLE", issueProblem.GetProperty("code").GetString());
        Assert.Equal("5", issue.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);

        // A revocation at the peer reaches this node while its own database is down.
        using (var peerRevoke = await sc.Client(sc.RegulatorKey).PostAsJsonAsync($"/api/v1/licences/{Id(peerToRevoke)}/revoke", new { reason = "吊销" }))
        {
            Assert.Equal(HttpStatusCode.OK, peerRevoke.StatusCode);
        }

        Assert.Equal("INVALID", await WaitForVerdictAsync(cq, Qr(peerToRevoke), "INVALID", TimeSpan.FromSeconds(10)));
        await Task.Delay(2000); // more of the outage: past the status caches' lifetimes and several sync passes
        Assert.Equal("VALID", await VerdictAsync(cq.Client(), Qr(own)));

        postgres.Start();
        var down = outage.Elapsed;
        var recovery = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var again = await cq.Client(cq.RegulatorKey).PostAsJsonAsync("/api/v1/licences", NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 965));
            status = again.StatusCode;
            if (status != HttpStatusCode.Created)
            {
                await Task.Delay(100);
            }
        }
        while (status != HttpStatusCode.Created && recovery.Elapsed < TimeSpan.FromSeconds(20));

        output.WriteLine($"database down {down.TotalMilliseconds:F0} ms; issuing again {recovery.Elapsed.TotalMilliseconds:F0} ms after the start");
        var answers = await traffic.StopAsync();
        output.WriteLine($"{answers.Count} verifications during the run: {string.Join(", ", answers.GroupBy(a => a).Select(g => $"{g.Key} ×{g.Count()}"))}");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.All(answers, a => Assert.Equal("200 VALID", a));
        Assert.True(answers.Count > 20, $"only {answers.Count} verifications ran");
        Assert.Equal(HttpStatusCode.OK, (await cq.Client().GetAsync("/health/ready")).StatusCode);
        // Nothing was lost or half-done: the refused revocation changed nothing, the peer's revocation is stored.
        Assert.Equal("VALID", await VerdictAsync(cq.Client(), Qr(own)));
        using var licence = await cq.Client(cq.AdminKey).GetAsync($"/api/v1/licences/{Id(own)}");
        Assert.Equal(HttpStatusCode.OK, licence.StatusCode);
        await WaitForStoredPeerStatusAsync(connection, sc);
    }

    /// <summary>The peer's latest status lists reach this node's database once it is back.</summary>
    private static async Task WaitForStoredPeerStatusAsync(string connection, NodeFixture sc)
    {
        var index = await sc.Client().GetFromJsonAsync<StatusListIndex>("/api/v1/status-lists", JsonSerializerOptions.Web);
        var store = new FederationStore(new PostgresDatabase(connection));
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var stored = (await store.PeerDocumentsAsync("sc", CancellationToken.None)).ToDictionary(d => d.Kind, d => d.Sequence);
            var missing = index!.Lists.Where(l => stored.GetValueOrDefault(PeerSync.StatusListKindPrefix + l.Uri) != l.Version).ToList();
            if (missing.Count == 0)
            {
                return;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), $"not stored after recovery: {string.Join(", ", missing)}");
            await Task.Delay(100);
        }
    }

    private static string Qr(JsonElement issued) => issued.GetProperty("qrText").GetString()!;

    private static string Id(JsonElement issued) => issued.GetProperty("identifier").GetString()!;

    private static async Task<string?> WaitForVerdictAsync(NodeFixture node, string qr, string wanted, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        string? verdict;
        do
        {
            verdict = await VerdictAsync(node.Client(), qr);
        }
        while (verdict != wanted && clock.Elapsed < limit && await Task.Delay(100).ContinueWith(_ => true));

        return verdict;
    }

    private static async Task<string?> VerdictAsync(HttpClient client, string qr)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/verify", new { qrText = qr });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetProperty("verdict").GetString();
    }

    /// <summary>Verifies in a loop, as anonymous caller and as partner, recording "status verdict" of each answer.</summary>
    private sealed class VerificationTraffic : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentQueue<string> _answers = new();
        private readonly Task _loop;

        public VerificationTraffic(NodeFixture node, IReadOnlyList<string> qrTexts)
        {
            _loop = Task.Run(async () =>
            {
                using var anonymous = node.Client();
                using var partner = node.Client(node.PartnerKey);
                for (var i = 0; !_stop.IsCancellationRequested; i++)
                {
                    using var response = await (i % 2 == 0 ? anonymous : partner).PostAsJsonAsync("/api/v1/verify", new { qrText = qrTexts[i / 2 % qrTexts.Count] });
                    var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                    var verdict = body.TryGetProperty("result", out var result) ? result.GetProperty("verdict").GetString() : body.GetProperty("code").GetString();
                    _answers.Enqueue($"{(int)response.StatusCode} {verdict}");
                    await Task.Delay(20);
                }
            });
        }

        public async Task<IReadOnlyList<string>> StopAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            return [.. _answers];
        }

        public void Dispose() => _stop.Dispose();
    }
}
