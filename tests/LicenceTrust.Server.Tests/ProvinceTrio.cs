using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Chongqing, Sichuan and a Guizhou whose keys the CLI makes (as a joining province makes them), as three node
/// processes that pin each other's roots, each started once its peers' trust lists are held. What the push and the
/// sharing fixtures share; each says which agreements to sign and what its nodes and peer entries add.
/// </summary>
public abstract class ProvinceTrio : IAsyncLifetime
{
    protected static readonly string[] Provinces = ["cq", "sc", "gz"];
    private static readonly string GuizhouRegulator = UnifiedSocialCreditCode.FromBody("11520000MB3C00011").Value;

    public string Keys { get; } = NodeProcess.CopyOfSampleKeys();

    public Dictionary<string, NodeProcess> Nodes { get; } = [];

    /// <summary>The agreements Guizhou's joining needs, (accepting, peer, --types or empty for every type); the sample keys hold cq's and sc's.</summary>
    protected virtual IEnumerable<(string Own, string Peer, string Types)> Agreements => [("cq", "gz", ""), ("sc", "gz", ""), ("gz", "cq", ""), ("gz", "sc", "")];

    /// <summary>Settings of a node's peer entry <paramref name="i"/> besides its province, URL and pin.</summary>
    protected virtual IEnumerable<string> PeerSettings(int i) => [];

    /// <summary>Settings every node gets.</summary>
    protected virtual IEnumerable<string> NodeSettings => [];

    /// <summary>When a node counts as holding a peer (by default its trust list is fresh).</summary>
    protected virtual bool Holds(JsonElement peer) => peer.GetProperty("trustListFresh").GetBoolean();

    public async Task InitializeAsync()
    {
        await CliAsync($"keys init --province gz --out {Keys} --plaintext");
        await CliAsync($"keys issuer --keys {Keys} --province gz --authority {GuizhouRegulator} --name 贵州省市场监督管理局 --type {SampleLicenceTypes.BusinessLicence.Code.Value} --plaintext");
        foreach (var (own, peer, types) in Agreements)
        {
            await CliAsync($"keys agreement --keys {Keys} --province {own} --peer {peer}{(types.Length > 0 ? " --types " + types : string.Empty)}");
        }

        var ports = Provinces.ToDictionary(p => p, _ => FreePorts.Next());
        var pins = Provinces.ToDictionary(p => p, p => KeyDirectory.Load(Keys, Province.FromNodeId(p), KeyAccess.From(null, allowPlaintext: true)).Root.Fingerprint);
        var started = Provinces.Select(own => NodeProcess.StartAsync(own, ports[own], Keys, [.. Provinces.Where(p => p != own).SelectMany((peer, i) => (string[])
        [
            $"--Node:Peers:{i}:Province={peer}", $"--Node:Peers:{i}:BaseUrl=http://127.0.0.1:{ports[peer]}", $"--Node:Peers:{i}:RootFingerprint={pins[peer]}", .. PeerSettings(i),
        ]), .. NodeSettings]));
        foreach (var (province, node) in Provinces.Zip(await Task.WhenAll(started)))
        {
            Nodes[province] = node;
        }

        // Each node's first pass of its peers runs at start; the fixtures' tests begin once it has run.
        foreach (var node in Nodes.Values)
        {
            await WaitForPeersAsync(node);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in Nodes.Values)
        {
            await node.DisposeAsync();
        }

        Directory.Delete(Keys, recursive: true);
    }

    private async Task WaitForPeersAsync(NodeProcess node)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var peers = await node.Client().GetFromJsonAsync<JsonElement>("/api/v1/federation/peers");
            if (peers.GetProperty("peers").EnumerateArray().All(Holds))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{node.Province} has not synced its peers: {peers}");
            await Task.Delay(100);
        }
    }

    private static async Task CliAsync(string arguments)
    {
        var (code, text) = await Programs.RunAsync(Programs.Cli, arguments);
        Assert.True(code == 0, $"licencetrust {arguments}: {text}");
    }
}
