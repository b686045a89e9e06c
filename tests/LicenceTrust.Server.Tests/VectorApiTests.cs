using LicenceTrust.Samples;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Client;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;
using LicenceTrust.Testing;
using LicenceTrust.Testing.Vectors;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The Chongqing and Sichuan nodes (in-process, real HTTP, each its own SQLite), federated, on a clock
/// set to the vectors' time. Each node holds the genuine vector licences of its province as issued, so
/// a genuine vector is VALID wherever it is checked, its status coming from the issuing province.
/// </summary>
public sealed class VectorNodes : IAsyncLifetime
{
    public static readonly DateTimeOffset VectorTime = new(2026, 6, 1, 4, 0, 0, TimeSpan.Zero);

    public SettableClock Clock { get; } = new(VectorTime);

    public NodeFixture Sichuan { get; private set; } = null!;

    public NodeFixture Chongqing { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Chongqing's port is chosen first so that Sichuan, started first, can be told where its peer is.
        var chongqingUrl = $"http://127.0.0.1:{FreePorts.Next()}";
        Sichuan = new NodeFixture
        {
            Province = "sc",
            Configure = b => b.Services.AddSingleton<TimeProvider>(Clock),
            ExtraArgs =
            [
                "--Node:Peers:0:Province=cq",
                $"--Node:Peers:0:BaseUrl={chongqingUrl}",
                $"--Node:Peers:0:RootFingerprint={SampleKeys.Of(SampleProvinces.Chongqing).Root.Fingerprint}",
                "--Node:Peers:0:SyncIntervalSeconds=0.2",
            ],
        };
        await Sichuan.InitializeAsync();
        Chongqing = new NodeFixture
        {
            Configure = b => b.Services.AddSingleton<TimeProvider>(Clock),
            ExtraArgs =
            [
                $"--urls={chongqingUrl}",
                "--Node:Peers:0:Province=sc",
                $"--Node:Peers:0:BaseUrl={Sichuan.BaseAddress}",
                $"--Node:Peers:0:RootFingerprint={SampleKeys.Of(SampleProvinces.Sichuan).Root.Fingerprint}",
                "--Node:Peers:0:SyncIntervalSeconds=0.2",
            ],
        };
        await Chongqing.InitializeAsync();

        foreach (var node in new[] { Chongqing, Sichuan })
        {
            await SeedAsync(node);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var node in new[] { Chongqing, Sichuan })
        {
            while (!(await node.Client().GetFromJsonAsync<JsonElement>("/api/v1/federation/peers")).GetProperty("peers")[0].GetProperty("trustListFresh").GetBoolean())
            {
                Assert.True(DateTime.UtcNow < deadline, $"the {node.Province} node never synced its peer's trust list");
                await Task.Delay(50);
            }
        }
    }


    public async Task DisposeAsync()
    {
        await Chongqing.DisposeAsync();
        await Sichuan.DisposeAsync();
    }

    /// <summary>Stores the genuine vector licences of the node's province as issued and in force.</summary>
    private static async Task SeedAsync(NodeFixture node)
    {
        var province = Province.FromNodeId(node.Province);
        // LT1 and LT2 vectors of one licence share its identifier: the licence is stored once.
        var genuine = new[] { CredentialEncoding.Lt1, CredentialEncoding.Lt2 }
            .SelectMany(e => VectorSet.Read(Path.Combine(RepositoryPaths.Vectors, VectorSet.FileName(e))).Vectors)
            .Where(v => v.Verdict == "VALID")
            .Select(v => CredentialReader.Read(v.Qr).Credential!)
            .Where(c => c.Claims.Licence.Province == province)
            .DistinctBy(c => c.Claims.Licence.Identifier)
            .ToList();
        var store = node.App.Services.GetRequiredService<IIssuanceStore>();
        await store.InTransactionAsync(async unit =>
        {
            var (list, _) = await unit.OpenStatusListAsync(StatusBits.MinimumSize, VectorTime);
            var records = genuine.Select((c, i) => (new LicenceRecord(c.Claims.Licence, LicenceStatus.Valid, list, i + 1, new WireFormat(c.Encoding).Wrap(c.CoseBytes.ToArray()), c.Claims.IssuedAt, "vectors"), (string?)null)).ToList();
            await unit.InsertLicencesAsync(records);
            return records.Count;
        }, CancellationToken.None);
    }
}

/// <summary>The published test vectors and the hostile corpus of both formats, through the API and through the NSwag-generated client.</summary>
public class VectorApiTests(VectorNodes nodes) : IClassFixture<VectorNodes>
{
    private static readonly Dictionary<string, TestVector[]> Files = new[] { CredentialEncoding.Lt1, CredentialEncoding.Lt2 }
        .SelectMany(e => new[] { VectorSet.FileName(e), Path.Combine("hostile", HostileSet.FileName(e)) })
        .ToDictionary(f => f, f => VectorSet.Read(Path.Combine(RepositoryPaths.Vectors, f)).Vectors.ToArray());

    public static TheoryData<string, string> Names()
    {
        var data = new TheoryData<string, string>();
        foreach (var (file, vectors) in Files)
        {
            foreach (var vector in vectors)
            {
                data.Add(file, vector.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Each_vector_gets_its_expected_verdict_and_reason_at_both_nodes_by_HTTP_and_by_the_generated_client(string file, string name)
    {
        var vector = Files[file].Single(v => v.Name == name);
        nodes.Clock.Now = vector.VerifyAt;
        try
        {
            foreach (var node in new[] { nodes.Chongqing, nodes.Sichuan })
            {
                var http = await node.Client().PostAsJsonAsync("/api/v1/verify", new { qrText = vector.Qr });
                var raw = (await http.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result");
                var client = new LicenceTrustClient(node.Client(node.PartnerKey));
                var generated = (await client.VerifyAsync(new VerifyRequest { QrText = vector.Qr })).Result;

                Assert.True(vector.Verdict == raw.GetProperty("verdict").GetString(), $"{name} at {node.Province}: {raw}");
                Assert.Equal(vector.Verdict, generated.Verdict);
                if (vector.Reason is not null)
                {
                    Assert.Equal(vector.Reason, raw.GetProperty("reasons")[0].GetProperty("code").GetString());
                    Assert.Equal(vector.Reason, generated.Reasons.First().Code);
                }
            }
        }
        finally
        {
            nodes.Clock.Now = VectorNodes.VectorTime;
        }
    }
}

/// <summary>A clock a test sets, forwards or back (timers still run on real time).</summary>
public sealed class SettableClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
