using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Nodes started together try each other before both listen (the demo pair): within a peer's start-up
/// grace that is "starting", logged at Information; a peer that never answers is still reported, with
/// warnings and "degraded", once the grace is over. A real node process whose peer's port has no one.
/// </summary>
public sealed class StartupGraceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-grace-").FullName;

    [Fact]
    public async Task A_peer_that_has_not_answered_is_starting_without_warnings_during_the_grace_then_degraded_with_warnings()
    {
        int port = FreePorts.Next(), nobody = FreePorts.Next();
        var lines = new ConcurrentQueue<string>();
        using var node = Programs.Start(Programs.Server, string.Join(' ',
            $"--urls=http://127.0.0.1:{port}", $"--Node:Database={Path.Combine(_folder, "cq.db")}", $"--Node:KeysDirectory={RepositoryPaths.KeysSample}",
            "--Node:AllowPlaintextKeys=true", "--Node:Province=cq", "--Node:Peers:0:Province=sc", $"--Node:Peers:0:BaseUrl=http://127.0.0.1:{nobody}",
            $"--Node:Peers:0:RootFingerprint={SampleKeys.Of(SampleProvinces.Sichuan).Root.Fingerprint}", "--Node:Peers:0:SyncIntervalSeconds=0.5",
            "--Node:Peers:0:StartupGraceSeconds=4"), output: lines.Enqueue);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            var during = await ReadyAsync(client, TimeSpan.FromSeconds(60));
            var clock = Stopwatch.StartNew();
            var warningsDuring = lines.Count(IsSyncWarning);
            var after = during;
            while (after.GetProperty("status").GetString() == "starting" && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(200);
                after = await ReadyAsync(client, TimeSpan.FromSeconds(5));
            }

            await Task.Delay(1500);
            var waiting = lines.Count(l => l.Contains("Waiting for sc", StringComparison.Ordinal));

            Assert.Equal("starting", during.GetProperty("status").GetString());
            Assert.True(during.GetProperty("peers")[0].GetProperty("starting").GetBoolean());
            Assert.Equal(0, warningsDuring);
            Assert.True(waiting > 0, string.Join('\n', lines));
            Assert.Equal("degraded", after.GetProperty("status").GetString());
            Assert.False(after.GetProperty("peers")[0].GetProperty("starting").GetBoolean());
            Assert.Contains(lines, IsSyncWarning);
        }
        finally
        {
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
        }
    }

    /// <summary>A warning of the sync service in the node's JSON log lines (docs/observability.md).</summary>
    private static bool IsSyncWarning(string line) =>
        line.Contains("\"LogLevel\":\"Warning\"", StringComparison.Ordinal) && line.Contains("\"Category\":\"LicenceTrust.Federation.FederationSyncService\"", StringComparison.Ordinal);

    private static async Task<JsonElement> ReadyAsync(HttpClient client, TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await client.GetFromJsonAsync<JsonElement>("/health/ready");
            }
            catch (HttpRequestException) when (deadline.Elapsed < limit)
            {
                await Task.Delay(50);
            }
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
