using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Core.Licences;
using LicenceTrust.Issuance;
using LicenceTrust.Samples;
using LicenceTrust.Server.Hosting;
using LicenceTrust.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// A real Chongqing node: Kestrel on 127.0.0.1 (a free port), its own SQLite file, the sample keys.
/// One per test class; tests create their own licences and never rely on each other's.
/// </summary>
public sealed class NodeFixture : IAsyncLifetime, IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-node-").FullName;

    /// <summary>The node's province: <c>cq</c> (default) or <c>sc</c>.</summary>
    public string Province { get; init; } = "cq";

    /// <summary>More command-line settings for this node, e.g. <c>--Node:RateLimitPerSecond=2</c>.</summary>
    public string[] ExtraArgs { get; init; } = [];

    /// <summary>Runs before the node's own registrations, to replace a default (e.g. the clock).</summary>
    public Action<WebApplicationBuilder>? Configure { get; init; }

    public WebApplication App { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public string DatabasePath => Path.Combine(_folder, Province + ".db");

    /// <summary>API keys: the province's market regulator (SM2), its HR department (ES256), partner, admin.</summary>
    public string RegulatorKey { get; private set; } = string.Empty;

    public string HrKey { get; private set; } = string.Empty;

    public string PartnerKey { get; private set; } = string.Empty;

    public string AdminKey { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        App = NodeHost.Build(
        [
            "--urls=http://127.0.0.1:0",
            $"--Node:Database={DatabasePath}",
            $"--Node:KeysDirectory={RepositoryPaths.KeysSample}",
            "--Node:AllowPlaintextKeys=true",
            $"--Node:Province={Province}",
            $"--Node:PublicBaseUrl=https://{Province}.lt.example",
            .. ExtraArgs,
        ], builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            Configure?.Invoke(builder);
        });
        await App.InitialiseNodeAsync();
        await App.StartAsync();
        BaseAddress = new Uri(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        var keys = App.Services.GetRequiredService<ApiKeyService>();
        var province = Core.Identifiers.Province.FromNodeId(Province);
        var regulator = SampleAuthorities.For(province, SampleLicenceTypes.BusinessLicence);
        var hr = SampleAuthorities.For(province, SampleLicenceTypes.ProfessionalQualification);
        RegulatorKey = (await keys.CreateAsync(ActorRole.Authority, regulator.Name, regulator.Code.Value)).Key;
        HrKey = (await keys.CreateAsync(ActorRole.Authority, hr.Name, hr.Code.Value)).Key;
        PartnerKey = (await keys.CreateAsync(ActorRole.Partner, "bank", null)).Key;
        AdminKey = (await keys.CreateAsync(ActorRole.Admin, "ops", null)).Key;
    }

    public async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    public HttpClient Client(string? apiKey = null) => Client(BaseAddress, apiKey);

    /// <summary>A client of a node at that address, with the API key as bearer token if one is given.</summary>
    public static HttpClient Client(Uri baseAddress, string? apiKey)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    /// <summary>A Chongqing and a Sichuan node in this process, each pinning the other's sample root and syncing every 0.5 s; extra arguments for Chongqing.</summary>
    public static async Task<(NodeFixture Chongqing, NodeFixture Sichuan)> FederatedAsync(params string[] chongqingArgs)
    {
        var chongqingUrl = $"http://127.0.0.1:{FreePorts.Next()}";
        var sichuan = new NodeFixture
        {
            Province = "sc",
            ExtraArgs =
            [
                "--Node:Peers:0:Province=cq", $"--Node:Peers:0:BaseUrl={chongqingUrl}",
                $"--Node:Peers:0:RootFingerprint={SampleKeys.Of(SampleProvinces.Chongqing).Root.Fingerprint}", "--Node:Peers:0:SyncIntervalSeconds=0.5",
            ],
        };
        await sichuan.InitializeAsync();
        var chongqing = new NodeFixture
        {
            ExtraArgs =
            [
                $"--urls={chongqingUrl}", "--Node:Peers:0:Province=sc", $"--Node:Peers:0:BaseUrl={sichuan.BaseAddress}",
                $"--Node:Peers:0:RootFingerprint={SampleKeys.Of(SampleProvinces.Sichuan).Root.Fingerprint}", "--Node:Peers:0:SyncIntervalSeconds=0.5",
                .. chongqingArgs,
            ],
        };
        await chongqing.InitializeAsync();
        return (chongqing, sichuan);
    }

    /// <summary>An issue request body for a demo licence of the type (Chongqing unless said), made distinct by <paramref name="sequence"/>.</summary>
    public static Dictionary<string, object?> IssueBody(LicenceType type, int sequence, Core.Identifiers.Province? province = null)
    {
        var demo = DemoLicences.Create(province ?? SampleProvinces.Chongqing, type, sequence);
        return new Dictionary<string, object?>
        {
            ["typeCode"] = demo.TypeCode.Value,
            ["number"] = demo.Number,
            ["holder"] = new Dictionary<string, object?> { ["name"] = demo.Holder.Name, ["codeType"] = demo.Holder.CodeType.ToCode(), ["code"] = demo.Holder.Code },
            ["areaCode"] = demo.AreaCode,
            ["validFrom"] = demo.ValidFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["validTo"] = demo.ValidTo?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["attributes"] = demo.Attributes,
        };
    }

    /// <summary>Issues a licence and returns the response JSON.</summary>
    public Task<JsonElement> IssueAsync(string apiKey, LicenceType type, int sequence) =>
        IssueAsync(Client(apiKey), Core.Identifiers.Province.FromNodeId(Province), type, sequence);

    /// <summary>Issues a demo licence of the province through a node's API (the client carries the key) and returns the response JSON.</summary>
    public static async Task<JsonElement> IssueAsync(HttpClient client, Core.Identifiers.Province province, LicenceType type, int sequence)
    {
        using var disposing = client;
        using var response = await client.PostAsJsonAsync("/api/v1/licences", IssueBody(type, sequence, province));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
