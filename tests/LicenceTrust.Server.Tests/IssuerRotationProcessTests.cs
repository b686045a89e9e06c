using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Samples;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Sichuan rotates keys as docs/operations.md says, with the CLI and a restart: an issuer key (a successor
/// beside the old key) and the node's list-signing key. Two real node processes on a copy of the sample keys.
/// </summary>
public sealed class IssuerRotationProcessTests(ITestOutputHelper output) : OwnKeysPair
{
    [Fact]
    public async Task After_a_rotation_new_licences_carry_the_new_kid_old_ones_stay_valid_and_the_peer_learns_it_within_a_sync_interval()
    {
        var regulator = SampleAuthorities.For(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence);
        var key = await Sichuan.AuthorityKeyAsync(regulator.Code.Value);
        var old = await IssueAsync(key, 1);
        var oldKid = Kid((await Chongqing.WaitForVerdictAsync(old, r => Verdict(r) == "VALID", TimeSpan.FromSeconds(20))).Response);

        await Sichuan.KillAsync();
        var (code, text) = await Programs.RunAsync(Programs.Cli,
            $"keys issuer --keys {Keys} --province sc --authority {regulator.Code.Value} --name {regulator.Name} " +
            string.Join(' ', regulator.Types.Select(t => $"--type {t.Code.Value}")) + " --plaintext");
        Assert.True(code == 0, text);
        await Sichuan.StartAgainAsync();

        var fresh = await IssueAsync(key, 2);
        var clock = Stopwatch.StartNew();
        var atChongqing = (await Chongqing.WaitForVerdictAsync(fresh, r => Verdict(r) == "VALID", TimeSpan.FromSeconds(20))).Response;
        output.WriteLine($"successor's licence VALID at cq {clock.ElapsedMilliseconds} ms after it was issued (sync interval 0.5 s)");

        Assert.Equal("VALID", Verdict(atChongqing));
        Assert.NotEqual(oldKid, Kid(atChongqing));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        foreach (var node in new[] { Chongqing, Sichuan })
        {
            var oldAgain = (await node.WaitForVerdictAsync(old, r => Verdict(r) == "VALID", TimeSpan.FromSeconds(5))).Response;
            Assert.True(Verdict(oldAgain) == "VALID", $"{node.Province}: {oldAgain}");
            Assert.Equal(oldKid, Kid(oldAgain));
            Assert.Equal("VALID", Verdict((await node.WaitForVerdictAsync(fresh, r => Verdict(r) == "VALID", TimeSpan.FromSeconds(5))).Response));
        }
    }

    [Fact]
    public async Task After_the_list_signer_is_replaced_the_peer_accepts_the_new_signers_trust_and_status_lists()
    {
        var regulator = SampleAuthorities.For(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence);
        var key = await Sichuan.AuthorityKeyAsync(regulator.Code.Value);
        var qr = await IssueAsync(key, 3);
        Assert.Equal("VALID", Verdict((await Chongqing.WaitForVerdictAsync(qr, r => FromStatusList(r, "VALID"), TimeSpan.FromSeconds(20))).Response));
        var signerBefore = await File.ReadAllTextAsync(Path.Combine(Keys, "sc", "list-signer.crt.pem"));

        await Sichuan.KillAsync();
        var (code, text) = await Programs.RunAsync(Programs.Cli, $"keys list-signer --keys {Keys} --province sc --plaintext");
        Assert.True(code == 0, text);
        await Sichuan.StartAgainAsync();

        // A status change after the rotation reaches Chongqing in a status list signed by the new key.
        var identifier = (await Sichuan.Client(key).GetFromJsonAsync<JsonElement>("/api/v1/licences?pageSize=5")).GetProperty("items")[0].GetProperty("identifier").GetString();
        using (var revoke = await Sichuan.Client(key).PostAsJsonAsync($"/api/v1/licences/{identifier}/revoke", new { reason = "吊销：测试" }))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        var revoked = (await Chongqing.WaitForVerdictAsync(qr, r => FromStatusList(r, "INVALID"), TimeSpan.FromSeconds(20))).Response;
        var fresh = await IssueAsync(key, 4);

        Assert.NotEqual(signerBefore, await File.ReadAllTextAsync(Path.Combine(Keys, "sc", "list-signer.crt.pem")));
        Assert.Single(Directory.GetFiles(Path.Combine(Keys, "sc"), "list-signer.crt.pem.replaced-*"));
        Assert.True(FromStatusList(revoked, "INVALID"), $"{revoked}\npeers at cq: {await Chongqing.Client().GetStringAsync("/api/v1/federation/peers")}");
        Assert.Equal("VALID", Verdict((await Chongqing.WaitForVerdictAsync(fresh, r => Verdict(r) == "VALID", TimeSpan.FromSeconds(20))).Response));
        using var ready = await Chongqing.Client().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    private static bool FromStatusList(JsonElement response, string verdict) =>
        Verdict(response) == verdict && response.GetProperty("checkedAgainst").GetProperty("statusSource").GetString() == "sc:status-list";

    private async Task<string> IssueAsync(string key, int sequence) =>
        (await Sichuan.IssueAsync(key, SampleLicenceTypes.BusinessLicence, 900 + sequence)).GetProperty("qrText").GetString()!;

    private static string? Verdict(JsonElement response) => FederationTests.Verdict(response);

    private static string? Kid(JsonElement response) => response.GetProperty("result").GetProperty("issuer").GetProperty("kid").GetString();
}
