using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;
using LicenceTrust.Testing;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Guizhou (贵州省, 52, node id <c>gz</c>) joins the two sample provinces with keys and settings only
/// (docs/federation.md §7): its root, list signer, issuer and recognition agreements are made here with
/// the CLI, and three node processes run from the same build. No file under src/ names Guizhou.
/// </summary>
public sealed class ThirdProvinceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const double SyncIntervalSeconds = 0.5;
    private static readonly string Regulator = UnifiedSocialCreditCode.FromBody("11520000MB3C00011").Value;
    private static readonly string BusinessLicence = SampleLicenceTypes.BusinessLicence.Code.Value;
    private static readonly string FoodPermit = SampleLicenceTypes.FoodBusinessPermit.Code.Value;

    private readonly string _keys = NodeProcess.CopyOfSampleKeys();
    private string Passphrase => Path.Combine(_keys, "passphrase.txt");
    private readonly Dictionary<string, NodeProcess> _nodes = [];

    public async Task InitializeAsync()
    {
        // Guizhou's keys are made as a province makes them: encrypted, the passphrase in a file.
        await File.WriteAllTextAsync(Passphrase, "guizhou-key-passphrase-2026\n");
        await CliAsync($"keys init --province gz --out {_keys} --passphrase-file {Passphrase}");
        await CliAsync($"keys issuer --keys {_keys} --province gz --authority {Regulator} --name 贵州省市场监督管理局 --type {BusinessLicence} --type {FoodPermit} --passphrase-file {Passphrase}");
        // Chongqing recognises only Guizhou's business licences; Sichuan and Guizhou recognise every type.
        await CliAsync($"keys agreement --keys {_keys} --province cq --peer gz --types {BusinessLicence}");
        await CliAsync($"keys agreement --keys {_keys} --province sc --peer gz");
        await CliAsync($"keys agreement --keys {_keys} --province gz --peer cq --passphrase-file {Passphrase}");
        await CliAsync($"keys agreement --keys {_keys} --province gz --peer sc --passphrase-file {Passphrase}");
        Assert.All(Directory.GetFiles(Path.Combine(_keys, "gz"), "*.key.pem", SearchOption.AllDirectories),
            file => Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", File.ReadAllText(file), StringComparison.Ordinal));

        var provinces = new[] { "cq", "sc", "gz" };
        var ports = provinces.ToDictionary(p => p, _ => FreePorts.Next());
        var pins = provinces.ToDictionary(p => p, p => KeyDirectory.Load(_keys, Province.FromNodeId(p), KeyAccess.From(Passphrase, allowPlaintext: true)).Root.Fingerprint);
        var started = provinces.Select(own => NodeProcess.StartAsync(own, ports[own], _keys, [.. provinces.Where(p => p != own).SelectMany((peer, i) => new[]
        {
            $"--Node:Peers:{i}:Province={peer}", $"--Node:Peers:{i}:BaseUrl=http://127.0.0.1:{ports[peer]}",
            $"--Node:Peers:{i}:RootFingerprint={pins[peer]}", $"--Node:Peers:{i}:SyncIntervalSeconds={SyncIntervalSeconds}",
        }), $"--Node:KeyPassphraseFile={Passphrase}"]));
        foreach (var (province, node) in provinces.Zip(await Task.WhenAll(started)))
        {
            _nodes[province] = node;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes.Values)
        {
            await node.DisposeAsync();
        }

        Directory.Delete(_keys, recursive: true);
    }

    [Fact]
    public async Task A_guizhou_licence_verifies_at_both_peers_within_their_agreements_and_its_revocation_arrives_within_a_sync_interval()
    {
        var key = await _nodes["gz"].AuthorityKeyAsync(Regulator);
        var business = await IssueAsync(key, SampleLicenceTypes.BusinessLicence, 1);
        var food = await IssueAsync(key, SampleLicenceTypes.FoodBusinessPermit, 2);

        // Each node syncs the others' trust lists first; then Guizhou's licences verify like any other.
        foreach (var at in new[] { "cq", "sc" })
        {
            var valid = await _nodes[at].WaitForVerdictAsync(business.Qr, r => Verdict(r) == "VALID", TimeSpan.FromSeconds(30));
            Assert.Equal("VALID", Verdict(valid.Response));
            Assert.Equal("gz", valid.Response.GetProperty("result").GetProperty("issuer").GetProperty("province").GetString());
        }

        var atChongqing = await _nodes["cq"].WaitForVerdictAsync(food.Qr, r => Verdict(r) != "CHECK", TimeSpan.FromSeconds(10));
        Assert.Equal(("INVALID", "TYPE_NOT_RECOGNISED"), (Verdict(atChongqing.Response), Reason(atChongqing.Response)));
        Assert.Equal("VALID", Verdict((await _nodes["sc"].WaitForVerdictAsync(food.Qr, r => Verdict(r) == "VALID", TimeSpan.FromSeconds(10))).Response));

        // Guizhou's own licences of the sample provinces verify there too: recognition runs both ways.
        var chongqing = await _nodes["cq"].IssueAsync(_nodes["cq"].RegulatorKey, SampleLicenceTypes.BusinessLicence, 3);
        Assert.Equal("VALID", Verdict((await _nodes["gz"].WaitForVerdictAsync(chongqing.GetProperty("qrText").GetString()!, r => Verdict(r) == "VALID", TimeSpan.FromSeconds(10))).Response));

        using (var revoke = await _nodes["gz"].Client(key).PostAsJsonAsync($"/api/v1/licences/{business.Id}/revoke", new { reason = "吊销：测试" }))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        foreach (var at in new[] { "cq", "sc" })
        {
            var (elapsed, revoked) = await _nodes[at].WaitForVerdictAsync(business.Qr, r => Verdict(r) == "INVALID", TimeSpan.FromSeconds(10));
            output.WriteLine($"revoked at gz → INVALID at {at} after {elapsed.TotalMilliseconds:F0} ms (sync interval {SyncIntervalSeconds} s)");
            Assert.Equal(("INVALID", "REVOKED"), (Verdict(revoked), Reason(revoked)));
            Assert.True(elapsed < TimeSpan.FromSeconds(SyncIntervalSeconds * 4), $"took {elapsed}");
        }
    }

    private async Task<(string Id, string Qr)> IssueAsync(string key, LicenceType type, int sequence)
    {
        // The sample body of the type, for an area of Guizhou: the authority's name comes from its certificate.
        var body = NodeFixture.IssueBody(type, sequence, SampleProvinces.Sichuan);
        body["areaCode"] = "520102";
        using var response = await _nodes["gz"].Client(key).PostAsJsonAsync("/api/v1/licences", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return (json.GetProperty("identifier").GetString()!, json.GetProperty("qrText").GetString()!);
    }

    private static string? Verdict(JsonElement response) => FederationTests.Verdict(response);

    private static string? Reason(JsonElement response) => response.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString();

    private static async Task CliAsync(string arguments)
    {
        var (code, text) = await Programs.RunAsync(Programs.Cli, arguments);
        Assert.True(code == 0, $"licencetrust {arguments}: {text}");
    }
}
