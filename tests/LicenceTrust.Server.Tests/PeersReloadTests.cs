using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Samples;
using LicenceTrust.Testing;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Peers are data (issue 32, issue 35 §4): a Chongqing node whose peers live in a watched settings file
/// (<c>Node:SettingsFile</c>) takes Sichuan on, re-pins it, refuses a bad list while keeping the one in force,
/// and lets it go, each by an edit of the file and without a restart; SIGHUP reads the settings again and
/// does not end the process.
/// </summary>
public sealed class PeersReloadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-reload-").FullName;
    private NodeProcess _sichuan = null!;
    private NodeProcess _chongqing = null!;

    private string SettingsFile => Path.Combine(_folder, "cq.json");

    public async Task InitializeAsync()
    {
        await WriteAsync([]);
        _sichuan = await NodeProcess.StartAsync("sc");
        _chongqing = await NodeProcess.StartAsync("cq", $"--Node:SettingsFile={SettingsFile}");
    }

    public async Task DisposeAsync()
    {
        await _chongqing.DisposeAsync();
        await _sichuan.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_peer_is_added_re_pinned_and_removed_by_editing_the_settings_without_a_restart()
    {
        var regulator = SampleAuthorities.For(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence);
        var qr = (await _sichuan.IssueAsync(await _sichuan.AuthorityKeyAsync(regulator.Code.Value), SampleLicenceTypes.BusinessLicence, 21)).GetProperty("qrText").GetString()!;
        Assert.Equal("TYPE_NOT_RECOGNISED", Reason((await _chongqing.WaitForVerdictAsync(qr, _ => true, TimeSpan.FromSeconds(5))).Response));

        // Added: Sichuan's licence verifies at Chongqing, which never restarted.
        var pin = SampleKeys.Of(SampleProvinces.Sichuan).Root.Fingerprint;
        var clock = Stopwatch.StartNew();
        await WriteAsync([Peer(pin)]);
        var added = (await _chongqing.WaitForVerdictAsync(qr, r => FederationTests.Verdict(r) == "VALID", TimeSpan.FromSeconds(20))).Response;
        output.WriteLine($"peer added by the settings file: VALID after {clock.ElapsedMilliseconds} ms");
        Assert.Equal("VALID", FederationTests.Verdict(added));

        // A bad list (an unknown province) is refused whole: Sichuan stays in force.
        await WriteAsync([Peer(pin), new { Province = "zz", BaseUrl = "http://127.0.0.1:9", RootFingerprint = pin }]);
        await WaitForLogAsync("Peers not reloaded");
        Assert.Equal("VALID", FederationTests.Verdict((await _chongqing.WaitForVerdictAsync(qr, _ => true, TimeSpan.FromSeconds(5))).Response));

        // Re-pinned to a root Sichuan does not have: its trust goes at once, and no list under the new pin is taken.
        await WriteAsync([Peer(new string('a', 64))]);
        var repinned = (await _chongqing.WaitForVerdictAsync(qr, r => FederationTests.Verdict(r) != "VALID", TimeSpan.FromSeconds(20))).Response;
        Assert.Equal(("CHECK", "PEER_UNREACHABLE"), (FederationTests.Verdict(repinned), Reason(repinned)));

        // Removed: not recognised, as before it was added.
        await WriteAsync([]);
        var removed = (await _chongqing.WaitForVerdictAsync(qr, r => Reason(r) == "TYPE_NOT_RECOGNISED", TimeSpan.FromSeconds(20))).Response;
        Assert.Equal("TYPE_NOT_RECOGNISED", Reason(removed));
        var peers = await _chongqing.Client().GetFromJsonAsync<JsonElement>("/api/v1/federation/peers");
        Assert.Equal(0, peers.GetProperty("peers").GetArrayLength());

        // SIGHUP reads the settings again; the node goes on serving.
        await WriteAsync([Peer(pin)]);
        using (var hangUp = Process.Start("kill", $"-HUP {_chongqing.ProcessId}")!)
        {
            await hangUp.WaitForExitAsync();
        }

        await WaitForLogAsync("SIGHUP");
        Assert.False(_chongqing.HasExited);
        Assert.Equal("VALID", FederationTests.Verdict((await _chongqing.WaitForVerdictAsync(qr, r => FederationTests.Verdict(r) == "VALID", TimeSpan.FromSeconds(20))).Response));
    }

    private object Peer(string pin) => new
    {
        Province = "sc",
        BaseUrl = _sichuan.BaseAddress.ToString().TrimEnd('/'),
        RootFingerprint = pin,
        SyncIntervalSeconds = 0.5,
    };

    /// <summary>Writes the whole file at once (a new file moved over the old), as an editor or a deployment tool does.</summary>
    private async Task WriteAsync(object[] peers)
    {
        var temporary = SettingsFile + ".new";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(new { Node = new { Peers = peers } }));
        File.Move(temporary, SettingsFile, overwrite: true);
    }

    private async Task WaitForLogAsync(string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!_chongqing.Output.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no log line with '{text}'");
            await Task.Delay(100);
        }
    }

    private static string? Reason(JsonElement response) =>
        response.GetProperty("result").GetProperty("reasons") is { ValueKind: JsonValueKind.Array } reasons && reasons.GetArrayLength() > 0
            ? reasons[0].GetProperty("code").GetString()
            : null;
}
