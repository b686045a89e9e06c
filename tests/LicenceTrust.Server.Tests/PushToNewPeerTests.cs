using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Testing;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The trust list of a peer that was not there arrives by push (docs/federation.md §3): Sichuan pins Chongqing but
/// finds it down at start, with no start-up grace and a 300 s pull, so only Chongqing's notice, sent as soon as it
/// listens, can bring Chongqing's trust list before the next pull five minutes on.
/// </summary>
public sealed class PushToNewPeerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_peer_that_comes_up_later_is_held_at_once_by_its_notice_not_at_the_next_pull()
    {
        int cq = FreePorts.Next(), sc = FreePorts.Next();
        string[] Slow(string province, int port) =>
            [.. NodeProcess.SamplePeer(province, port), "--Node:Peers:0:SyncIntervalSeconds=300", "--Node:Peers:0:StartupGraceSeconds=0"];
        await using var sichuan = await NodeProcess.StartAsync("sc", sc, RepositoryPaths.KeysSample, Slow("cq", cq));
        Assert.Equal(JsonValueKind.Null, (await PeerViewAsync(sichuan)).GetProperty("trustListSequence").ValueKind);

        await using var chongqing = await NodeProcess.StartAsync("cq", cq, RepositoryPaths.KeysSample, Slow("sc", sc));
        var clock = Stopwatch.StartNew();
        while ((await PeerViewAsync(sichuan)).GetProperty("trustListSequence").ValueKind != JsonValueKind.Number)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "Chongqing's trust list did not arrive by push");
            await Task.Delay(20);
        }

        output.WriteLine($"Chongqing's trust list held at Sichuan {clock.ElapsedMilliseconds} ms after Chongqing answered (pull every 300 s, no grace)");
    }

    private static async Task<JsonElement> PeerViewAsync(NodeProcess node) =>
        (await node.Client().GetFromJsonAsync<JsonElement>("/api/v1/federation/peers")).GetProperty("peers")[0];
}
