using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using LicenceTrust.Core.Trust;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;
using LicenceTrust.Sharing;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The figures of issue 36 (docs/performance.md), a load run, not a test of them, on <see cref="SharingTrio"/>'s three
/// node processes: a Sichuan window fetching a Chongqing company's three licences (each verified at Sichuan) 200 times
/// one after another; 50 fetches at once; and Chongqing's verification throughput quiet and under a flood of signed
/// evidence requests from Sichuan, rounds interleaved. Runs only with LICENCETRUST_BENCH_EVIDENCE=1:
///   bash benchmarks/evidence-exchange.sh
/// </summary>
public sealed class EvidenceExchangeBenchmark(ITestOutputHelper output)
{
    private const int Fetches = 200;
    private const int Rounds = 5;
    private static readonly TimeSpan Round = TimeSpan.FromSeconds(4);

    [SkippableFact]
    public async Task Fetches_of_three_licences_their_concurrency_and_the_home_nodes_verification_under_a_fetch_flood()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("LICENCETRUST_BENCH_EVIDENCE") == "1", "a load run: LICENCETRUST_BENCH_EVIDENCE=1 (benchmarks/evidence-exchange.sh)");
        // The verifying loops measure the node, not its per-key limiter (500/s by default): lifted for this run only.
        var trio = new SharingTrio { ExtraArgs = ["--Node:RateLimitPerSecond=100000"] };
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

    private async Task RunAsync(SharingTrio trio)
    {
        var home = trio.Nodes["cq"];
        var window = trio.Nodes["sc"];
        var holders = new List<string>();
        foreach (var type in new[] { SampleLicenceTypes.BusinessLicence, SampleLicenceTypes.FoodBusinessPermit, SampleLicenceTypes.ConstructionSafetyPermit })
        {
            var key = await home.AuthorityKeyAsync(SampleAuthorities.For(SampleProvinces.Chongqing, type).Code.Value);
            for (var i = 0; i < 60; i++)
            {
                await NodeFixture.IssueAsync(home.Client(key), SampleProvinces.Chongqing, type, 500 + i);
            }
        }

        for (var i = 0; i < 60; i++)
        {
            holders.Add(DemoLicences.Create(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence, 500 + i).Holder.Code);
        }

        var warm = await FetchAsync(window, holders[0], "warm-up");
        Assert.True(warm.Ok, warm.Body);

        // 1. One after another: each the clerk's click to three verified cards, timed at the client.
        var times = new List<double>();
        for (var i = 0; i < Fetches; i++)
        {
            var clock = Stopwatch.StartNew();
            var fetched = await FetchAsync(window, holders[i % holders.Count], $"clerk-{i % 40}");
            times.Add(clock.Elapsed.TotalMilliseconds);
            Assert.True(fetched.Ok, fetched.Body);
        }

        times.Sort();
        output.WriteLine($"fetch of 3 licences, {Fetches} in a row: p50 {Percentile(times, 0.50):F1} ms, p95 {Percentile(times, 0.95):F1} ms, p99 {Percentile(times, 0.99):F1} ms, max {times[^1]:F1} ms");

        // 2. Fifty at once, each a different clerk (a window system's staff), every one answered with its three licences.
        var together = Stopwatch.StartNew();
        var fifty = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => FetchAsync(window, holders[i % holders.Count], $"desk-{i}")));
        output.WriteLine($"50 concurrent fetches: {fifty.Count(f => f.Ok)} answered with 3 licences, {fifty.Count(f => !f.Ok)} errors, all within {together.ElapsedMilliseconds} ms");

        // 3. Chongqing's verification throughput, quiet and under a flood of signed requests from Sichuan, rounds interleaved.
        var sichuan = KeyDirectory.Load(trio.Keys, SampleProvinces.Sichuan, KeyAccess.From(null, allowPlaintext: true)).ListSigner!;
        var credential = (await home.IssueAsync(home.RegulatorKey, SampleLicenceTypes.BusinessLicence, 900)).GetProperty("qrText").GetString()!;
        // A key per verifying loop: each key has its own 500/s bucket, so the count is the node's, not the limiter's.
        var keys = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            keys.Add(await home.AuthorityKeyAsync(SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence).Code.Value));
        }

        // The flood is signed beforehand (signing is the sender's cost, not the node's), and in the quiet rounds the same
        // flood goes to Guizhou's node instead: the client's sending costs the same cores in both, only the target differs.
        var pool = Enumerable.Range(0, 4000).Select(i => new EvidenceRequest(SampleProvinces.Sichuan, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), DateTimeOffset.UtcNow,
            $"f-{i % 1000}", "SC-FLOOD", "CYTB-SC-0103", holders[i % holders.Count], [SampleLicenceTypes.BusinessLicence.Code.Value], null, "flood").Sign(sichuan.Key, sichuan.CertificateDer)).ToList();
        var quiet = new List<double>();
        var flooded = new List<double>();
        var answered = new Dictionary<string, int>();
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var (target, into) in new[] { (trio.Nodes["gz"], quiet), (home, flooded) })
            {
                var counts = new System.Collections.Concurrent.ConcurrentDictionary<HttpStatusCode, int>();
                into.Add(await VerificationsPerSecondAsync(home, keys, credential, token => FloodAsync(target, pool, counts, token)));
                foreach (var (status, count) in counts)
                {
                    var key = $"{target.Province} {(int)status}";
                    answered[key] = answered.GetValueOrDefault(key) + count;
                }
            }
        }

        quiet.Sort();
        flooded.Sort();
        output.WriteLine($"verification at cq ({Rounds} rounds of {Round.TotalSeconds} s, 4 loops, interleaved): flood at gz median {quiet[Rounds / 2]:F0}/s [{string.Join(", ", quiet.Select(q => q.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}], " +
            $"flood at cq median {flooded[Rounds / 2]:F0}/s [{string.Join(", ", flooded.Select(q => q.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}]: {100 * (1 - (flooded[Rounds / 2] / quiet[Rounds / 2])):F1} % less");
        output.WriteLine($"flood answered: {string.Join(", ", answered.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} x{a.Value}"))}");
    }

    private static async Task<(bool Ok, string Body)> FetchAsync(NodeProcess window, string holder, string clerk)
    {
        using var client = window.Client(window.PartnerKey);
        using var response = await client.PostAsJsonAsync("/api/v1/evidence/fetch", new { holderCode = holder, matter = "CYTB-SC-0103", caseNumber = "SC-BENCH-" + clerk, officer = clerk });
        var body = await response.Content.ReadAsStringAsync();
        return (response.IsSuccessStatusCode && JsonDocument.Parse(body).RootElement.GetProperty("licences").GetArrayLength() == 3
            && JsonDocument.Parse(body).RootElement.GetProperty("licences").EnumerateArray().All(l => l.GetProperty("verification").GetProperty("result").GetProperty("verdict").GetString() == "VALID"), body);
    }

    /// <summary>Verifications a second at the node over <see cref="Round"/>: four loops, each one request at a time, while <paramref name="flood"/> runs.</summary>
    private static async Task<double> VerificationsPerSecondAsync(NodeProcess node, List<string> keys, string credential, Func<CancellationToken, Task> flood)
    {
        using var stop = new CancellationTokenSource(Round);
        var flooding = flood(stop.Token);
        var count = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(keys.Select(async key =>
        {
            using var client = node.Client(key);
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.PostAsJsonAsync("/api/v1/verify", new { qrText = credential });
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Interlocked.Increment(ref count);
            }
        }));
        var rate = count / clock.Elapsed.TotalSeconds;
        await flooding;
        return rate;
    }

    /// <summary>Four loops posting the signed evidence requests to a node's inbox as fast as it answers.</summary>
    private static Task FloodAsync(NodeProcess target, List<byte[]> pool, System.Collections.Concurrent.ConcurrentDictionary<HttpStatusCode, int> counts, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, 4).Select(async loop =>
        {
            using var client = target.Client();
            for (var i = loop; !stop.IsCancellationRequested; i += 4)
            {
                using var content = new ByteArrayContent(pool[i % pool.Count]);
                content.Headers.ContentType = new MediaTypeHeaderValue(EvidenceRequest.MediaType);
                try
                {
                    using var response = await client.PostAsync(EvidenceRequester.InboxPath, content, stop);
                    counts.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
            }
        }));

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
