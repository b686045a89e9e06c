using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using LicenceTrust.Federation;
using LicenceTrust.Samples;
using LicenceTrust.Testing;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Federation as a province runs it (issue 32), on two real node processes: a peer with no licences yet is
/// fresh, a peer that moves to a new base URL leaves no stale list behind, a genuine new issuer is never a
/// firm INVALID at the peer, sync resumes within one interval of a peer's return and clears its error, and
/// the log says when a peer goes stale and comes back.
/// </summary>
public sealed class FederationAsDeployedTests(ITestOutputHelper output) : OwnKeysPair
{
    /// <summary>Chongqing pulls Sichuan only every 300 s here: what it learns sooner, it learns because it asked.</summary>
    protected override string[] ChongqingSettings => ["--Node:Peers:0:SyncIntervalSeconds=300"];

    [Fact]
    public async Task A_peer_with_no_licences_yet_is_fresh_and_the_node_ready()
    {
        var ready = await WaitReadyAsync(Chongqing, "ready");
        var sichuan = PeerView(await Chongqing.Client().GetFromJsonAsync<JsonElement>("/api/v1/federation/peers"), "sc");

        Assert.Equal(0, sichuan.GetProperty("statusLists").GetInt32());
        Assert.True(sichuan.GetProperty("statusFresh").GetBoolean(), sichuan.ToString());
        Assert.Equal("ready", ready);
    }

    [Fact]
    public async Task A_new_issuers_first_licence_is_valid_at_the_peer_at_once_and_an_unknown_kid_is_a_firm_invalid_only_against_a_confirmed_list()
    {
        var regulator = SampleAuthorities.For(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence);
        var key = await Sichuan.AuthorityKeyAsync(regulator.Code.Value);
        Assert.Equal("ready", await WaitReadyAsync(Chongqing, "ready"));

        // Sichuan adds a key for its regulator (a rotation: the newest certificate signs) and restarts.
        await Sichuan.KillAsync();
        var made = await Programs.RunAsync(Programs.Cli,
            $"keys issuer --keys {Keys} --province sc --authority {regulator.Code.Value} --name {regulator.Name} " +
            string.Join(' ', regulator.Types.Select(t => $"--type {t.Code.Value}")) + " --plaintext");
        Assert.True(made.Code == 0, made.Output);
        await Sichuan.StartAgainAsync();
        var issued = await Sichuan.IssueAsync(key, SampleLicenceTypes.BusinessLicence, 7);
        var qr = issued.GetProperty("qrText").GetString()!;

        // Chongqing's next pull is minutes away: the unknown kid makes it fetch Sichuan's trust list now.
        var clock = Stopwatch.StartNew();
        using var verify = await Chongqing.Client().PostAsJsonAsync("/api/v1/verify", new { qrText = qr });
        var answer = await verify.Content.ReadFromJsonAsync<JsonElement>();
        output.WriteLine($"new issuer's first licence at cq: {FederationTests.Verdict(answer)} in {clock.ElapsedMilliseconds} ms");
        Assert.Equal("VALID", FederationTests.Verdict(answer));

        // A kid nobody issued, judged against a list Sichuan confirmed a moment ago: a firm INVALID.
        var stray = Core.Crypto.SigningKey.Generate(Core.Crypto.SignatureAlgorithm.Sm2Sm3);
        var forged = Credentials.Sign(ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Sichuan).Build(), stray,
            new Core.Crypto.KeyId(BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)))).QrText;
        var stranger = (await Chongqing.WaitForVerdictAsync(forged, _ => true, TimeSpan.FromSeconds(5))).Response;
        Assert.Equal(("INVALID", "UNKNOWN_ISSUER"), (FederationTests.Verdict(stranger), Reason(stranger)));

        // With Sichuan stopped, Chongqing cannot confirm its list: an unknown kid is CHECK, not INVALID.
        await Sichuan.KillAsync();
        await Task.Delay(FederationPolicy.ConfirmedWithin + TimeSpan.FromMilliseconds(200));
        var unconfirmed = (await Chongqing.WaitForVerdictAsync(forged, _ => true, TimeSpan.FromSeconds(5))).Response;
        Assert.Equal(("CHECK", "ISSUER_UNCONFIRMED"), (FederationTests.Verdict(unconfirmed), Reason(unconfirmed)));
    }

    [Fact]
    public async Task A_peer_that_moves_to_a_new_base_url_leaves_no_stale_list_and_old_credentials_find_theirs()
    {
        var regulator = SampleAuthorities.For(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence);
        var key = await Sichuan.AuthorityKeyAsync(regulator.Code.Value);
        var before = (await Sichuan.IssueAsync(key, SampleLicenceTypes.BusinessLicence, 11)).GetProperty("qrText").GetString()!;
        await Chongqing.KillAsync();
        await Chongqing.StartAgainAsync("--Node:Peers:0:SyncIntervalSeconds=0.5");
        await WaitReadyAsync(Chongqing, "ready");
        Assert.Equal("VALID", FederationTests.Verdict((await Chongqing.WaitForVerdictAsync(before, r => FederationTests.Verdict(r) == "VALID", TimeSpan.FromSeconds(10))).Response));

        // Sichuan now publishes under another base URL (same machine and port, another name for it).
        await Sichuan.KillAsync();
        var moved = $"http://localhost:{Sichuan.BaseAddress.Port}";
        await Sichuan.StartAgainAsync($"--Node:PublicBaseUrl={moved}");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement view;
        do
        {
            await Task.Delay(200);
            view = PeerView(await Chongqing.Client().GetFromJsonAsync<JsonElement>("/api/v1/federation/peers"), "sc");
        }
        // Until the lists are held again under the new URL: between dropping the old rows and fetching anew, none are held.
        while (DateTime.UtcNow < deadline && !(view.GetProperty("statusFresh").GetBoolean() && HeldUris(Chongqing) is { Count: > 0 } held && held.All(u => u.StartsWith(moved, StringComparison.Ordinal))));

        var uris = HeldUris(Chongqing);
        output.WriteLine(string.Join(", ", uris));
        Assert.NotEmpty(uris);
        Assert.All(uris, u => Assert.StartsWith(moved, u, StringComparison.Ordinal));
        Assert.Equal("ready", await WaitReadyAsync(Chongqing, "ready"));

        // A credential issued before the move names the old URI, and still finds the list of its number; after a restart too.
        Assert.Equal("VALID", FederationTests.Verdict((await Chongqing.WaitForVerdictAsync(before, r => FederationTests.Verdict(r) == "VALID", TimeSpan.FromSeconds(10))).Response));
        await Chongqing.KillAsync();
        await Chongqing.StartAgainAsync("--Node:Peers:0:SyncIntervalSeconds=0.5");
        Assert.Equal("ready", await WaitReadyAsync(Chongqing, "ready"));
        Assert.All(HeldUris(Chongqing), u => Assert.StartsWith(moved, u, StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_an_outage_sync_resumes_within_one_interval_clears_its_error_and_the_log_says_stale_then_recovered()
    {
        await Chongqing.KillAsync();
        await Chongqing.StartAgainAsync("--Node:Peers:0:SyncIntervalSeconds=2", "--Node:Peers:0:StatusMaxAgeSeconds=3");
        await WaitReadyAsync(Chongqing, "ready");

        // Sichuan is down for several intervals: passes fail, the data goes stale.
        await Sichuan.KillAsync();
        await WaitReadyAsync(Chongqing, "degraded");
        await Task.Delay(TimeSpan.FromSeconds(8));
        var down = PeerView(await Chongqing.Client().GetFromJsonAsync<JsonElement>("/api/v1/federation/peers"), "sc");
        Assert.False(string.IsNullOrEmpty(down.GetProperty("lastError").GetString()));
        Assert.True(down.GetProperty("consecutiveFailures").GetInt32() >= 3, down.ToString());

        await Sichuan.StartAgainAsync();
        var back = Stopwatch.StartNew();
        await WaitReadyAsync(Chongqing, "ready");
        output.WriteLine($"ready again {back.ElapsedMilliseconds} ms after Sichuan answered (sync interval 2 s)");
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(3.5), $"took {back.Elapsed}");

        var up = PeerView(await Chongqing.Client().GetFromJsonAsync<JsonElement>("/api/v1/federation/peers"), "sc");
        Assert.True(JsonValueKind.Null == up.GetProperty("lastError").ValueKind, up.ToString());
        Assert.Equal(0, up.GetProperty("consecutiveFailures").GetInt32());
        Assert.Contains(Chongqing.Output, l => l.Contains("Peer stale: sc", StringComparison.Ordinal));
        Assert.Contains(Chongqing.Output, l => l.Contains("Peer recovered: sc", StringComparison.Ordinal));
    }

    private static string? Reason(JsonElement response) =>
        response.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString();

    private static JsonElement PeerView(JsonElement peers, string province) =>
        peers.GetProperty("peers").EnumerateArray().Single(p => p.GetProperty("province").GetString() == province);

    /// <summary>The URIs of Sichuan's status lists Chongqing keeps in its database.</summary>
    private static List<string> HeldUris(NodeProcess node)
    {
        var documents = new Storage.FederationStore(node.Database).PeerDocumentsAsync("sc", CancellationToken.None).GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return [.. documents.Where(d => d.Kind.StartsWith(PeerSync.StatusListKindPrefix, StringComparison.Ordinal)).Select(d => d.Kind[PeerSync.StatusListKindPrefix.Length..])];
    }

    private static async Task<string> WaitReadyAsync(NodeProcess node, string wanted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string? status;
        do
        {
            var ready = await node.Client().GetFromJsonAsync<JsonElement>("/health/ready");
            status = ready.GetProperty("status").GetString();
            if (status == wanted)
            {
                return status;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        return status ?? "none";
    }
}
