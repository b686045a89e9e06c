using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>The deployed shape's keys, certificates, token, database and node processes, and the steps' helpers.</summary>
public sealed partial class DeployedShapeTests
{
    private const string Library = "/usr/lib/softhsm/libsofthsm2.so";
    private const string TokenPin = "4321-pin";
    private static readonly SampleAuthority CqRegulator = SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence);
    private static readonly SampleAuthority ScRegulator = SampleAuthorities.For(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence);
    private static readonly SampleAuthority CqHr = SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.ProfessionalQualification);
    private static readonly SampleAuthority ScHr = SampleAuthorities.For(SampleProvinces.Sichuan, SampleLicenceTypes.ProfessionalQualification);
    private static readonly string GzRegulator = UnifiedSocialCreditCode.FromBody("11520000MB3C00011").Value;
    private static readonly string GzSecond = UnifiedSocialCreditCode.FromBody("11520000MB3C00027").Value;
    private static readonly string[] Provinces = ["cq", "sc", "gz"];

    private readonly string _folder = Directory.CreateTempSubdirectory("lt-deployed-").FullName;
    private readonly Dictionary<string, (int Http, int Https)> _ports = new()
    {
        ["cq"] = (FreePorts.Next(), FreePorts.Next()), ["cq-b"] = (FreePorts.Next(), FreePorts.Next()), ["sc"] = (FreePorts.Next(), FreePorts.Next()), ["gz"] = (FreePorts.Next(), FreePorts.Next()),
    };

    private readonly Dictionary<string, NodeProcess> _nodes = [];
    private string _postgres = string.Empty;

    private string Keys => Path.Combine(_folder, "keys");

    private string File(string name) => Path.Combine(_folder, name);

    private Dictionary<string, string> Token => new() { ["SOFTHSM2_CONF"] = File("softhsm2.conf") };

    private string Hsm => $"--pkcs11-library {Library} --pkcs11-token lt-gz --pkcs11-pin-file {File("token.pin")}";

    public async Task InitializeAsync()
    {
        // Keys, as each province makes them: its own passphrase; Guizhou's list signer then goes into its token.
        Directory.CreateDirectory(File("tokens"));
        await System.IO.File.WriteAllTextAsync(File("softhsm2.conf"), $"directories.tokendir = {File("tokens")}\nobjectstore.backend = file\nlog.level = ERROR\n");
        await System.IO.File.WriteAllTextAsync(File("token.pin"), TokenPin + "\n");
        await RunAsync("softhsm2-util", $"--init-token --free --label lt-gz --pin {TokenPin} --so-pin 8765-so");
        foreach (var province in Provinces)
        {
            await System.IO.File.WriteAllTextAsync(File($"{province}.pass"), $"{province}-passphrase-of-2026\n");
            await CliAsync($"keys init --province {province} --out {Keys} --passphrase-file {File($"{province}.pass")}");
        }

        await IssuerAsync("cq", CqRegulator.Code.Value, CqRegulator.Name, [SampleLicenceTypes.BusinessLicence, SampleLicenceTypes.FoodBusinessPermit]);
        await IssuerAsync("cq", CqHr.Code.Value, CqHr.Name, [SampleLicenceTypes.ProfessionalQualification]);
        await IssuerAsync("sc", ScRegulator.Code.Value, ScRegulator.Name, [SampleLicenceTypes.BusinessLicence, SampleLicenceTypes.FoodBusinessPermit]);
        await IssuerAsync("gz", GzRegulator, "贵州省市场监督管理局", [SampleLicenceTypes.BusinessLicence]);
        await IssuerAsync("gz", GzSecond, "贵州省食品经营许可审批局", [SampleLicenceTypes.FoodBusinessPermit]);
        foreach (var own in Provinces)
        {
            foreach (var peer in Provinces.Where(p => p != own))
            {
                await CliAsync($"keys agreement --keys {Keys} --province {own} --peer {peer} --passphrase-file {File($"{own}.pass")}");
            }
        }

        await CliAsync($"keys list-signer --keys {Keys} --province gz --passphrase-file {File("gz.pass")} {Hsm}", Token);
        Assert.True(System.IO.File.Exists(Path.Combine(Keys, "gz", "list-signer" + KeyDirectory.Pkcs11KeySuffix)));

        // TLS: one CA per province, a server and a client certificate from each, and the bundle of the three for the notice inboxes.
        foreach (var province in Provinces)
        {
            using var ca = TestCertificates.Authority($"{province} TLS CA", File($"{province}-ca.pem"));
            TestCertificates.Leaf(ca, $"{province}.licencetrust.example", server: true, File($"{province}.pem"), File($"{province}.key"));
            TestCertificates.Leaf(ca, $"{province} federation client", server: false, File($"{province}-client.pem"), File($"{province}-client.key"));
        }

        await System.IO.File.WriteAllTextAsync(File("federation-cas.pem"), string.Concat(Provinces.Select(p => System.IO.File.ReadAllText(File($"{p}-ca.pem")))));
        await CliAsync($"keys session --out {File("cq-session.key")}");
        _postgres = PostgresServer.CreateDatabase();

        // Sichuan and Guizhou, then Chongqing's replica A (it migrates the database) and B.
        var started = await Task.WhenAll(StartAsync("sc"), StartAsync("gz"));
        _nodes["sc"] = started[0];
        _nodes["gz"] = started[1];
        _nodes["cq"] = await StartAsync("cq");
        _nodes["cq-b"] = await StartAsync("cq-b");
        foreach (var node in _nodes.Values)
        {
            await WaitReadyAsync(node);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes.Values)
        {
            await node.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A node of the deployed shape: HTTPS with its province's certificate (plain HTTP on another port for the test's own client), encrypted keys, mTLS, pinned peers.</summary>
    private Task<NodeProcess> StartAsync(string name)
    {
        var province = name[..2];
        var publicHttps = _ports[province].Https;
        var peers = Provinces.Where(p => p != province).SelectMany((peer, i) => new[]
        {
            $"--Node:Peers:{i}:Province={peer}", $"--Node:Peers:{i}:BaseUrl=https://127.0.0.1:{_ports[peer].Https}",
            $"--Node:Peers:{i}:RootFingerprint={KeyDirectory.LoadCertificates(Keys, Province.FromNodeId(peer)).Root.Fingerprint}",
            $"--Node:Peers:{i}:TlsCaFile={File($"{peer}-ca.pem")}", $"--Node:Peers:{i}:SyncIntervalSeconds=1",
        });
        string[] settings =
        [
            $"--urls=http://127.0.0.1:{_ports[name].Http};https://127.0.0.1:{_ports[name].Https}",
            $"--Kestrel:Certificates:Default:Path={File($"{province}.pem")}", $"--Kestrel:Certificates:Default:KeyPath={File($"{province}.key")}",
            $"--Node:PublicBaseUrl=https://127.0.0.1:{publicHttps}",
            "--Node:AllowPlaintextKeys=false", $"--Node:KeyPassphraseFile={File($"{province}.pass")}",
            $"--Node:TlsClientCertificateFile={File($"{province}-client.pem")}", $"--Node:TlsClientKeyFile={File($"{province}-client.key")}",
            $"--Node:NoticeInboxClientCaFile={File("federation-cas.pem")}",
            .. peers,
            .. province switch
            {
                "cq" => new[] { $"--Node:SessionKeyFile={File("cq-session.key")}" },
                "gz" => [$"--Node:Pkcs11:Library={Library}", "--Node:Pkcs11:TokenLabel=lt-gz", $"--Node:Pkcs11:PinFile={File("token.pin")}"],
                _ => [],
            },
        ];
        return NodeProcess.StartAsync(province, _ports[name].Http, Keys, province == "cq" ? _postgres : null, province == "gz" ? Token : null, settings);
    }

    private async Task StepAsync(string step, Func<Task> run)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await run();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"step \"{step}\" failed: {e.Message}\n{e.StackTrace}");
        }

        output.WriteLine($"{step}: {clock.ElapsedMilliseconds} ms");
    }

    private async Task<(string Id, string Qr)> IssueAsync(string province, string authority, LicenceType type, int sequence)
    {
        var node = _nodes[province];
        var key = await node.AuthorityKeyAsync(authority);
        var body = NodeFixture.IssueBody(type, sequence, province == "gz" ? SampleProvinces.Sichuan : Province.FromNodeId(province));
        if (province == "gz")
        {
            body["areaCode"] = "520102";
        }

        using var response = await node.Client(key).PostAsJsonAsync("/api/v1/licences", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"issue at {province}: {json}");
        return (json.GetProperty("identifier").GetString()!, json.GetProperty("qrText").GetString()!);
    }

    private async Task ChangeAsync(string province, string authority, string identifier, string action)
    {
        var node = _nodes[province];
        using var response = await node.Client(await node.AuthorityKeyAsync(authority)).PostAsJsonAsync($"/api/v1/licences/{identifier}/{action}", new { reason = "部署形态测试" });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{action} at {province}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<JsonElement> VerifyAsync(string at, string qr) => (await _nodes[at].WaitForVerdictAsync(qr, _ => true, TimeSpan.FromSeconds(5))).Response;

    /// <summary>Waits (20 s, or <paramref name="within"/>) for the verdict at a node, and fails naming what was expected where.</summary>
    private async Task<JsonElement> ExpectAsync(string at, string qr, string verdict, string? reason = null, string because = "", TimeSpan? within = null)
    {
        var answer = (await _nodes[at].WaitForVerdictAsync(qr, r => FederationTests.Verdict(r) == verdict && (reason is null || Reason(r) == reason), within ?? TimeSpan.FromSeconds(20))).Response;
        Assert.True(FederationTests.Verdict(answer) == verdict && (reason is null || Reason(answer) == reason), $"{because}: expected {verdict} {reason}, got {answer}");
        return answer;
    }

    private static string? Reason(JsonElement response) =>
        response.GetProperty("result").GetProperty("reasons") is { ValueKind: JsonValueKind.Array } reasons && reasons.GetArrayLength() > 0 ? reasons[0].GetProperty("code").GetString() : null;

    private static string? Kid(JsonElement response) => response.GetProperty("result").GetProperty("issuer").GetProperty("kid").GetString();

    private async Task IssuerAsync(string province, string authority, string name, LicenceType[] types) =>
        await CliAsync($"keys issuer --keys {Keys} --province {province} --authority {authority} --name {name} " +
            string.Join(' ', types.Select(t => $"--type {t.Code.Value}")) + $" --passphrase-file {File($"{province}.pass")}");

    private async Task CliAsync(string arguments, IReadOnlyDictionary<string, string>? environment = null, string? input = null)
    {
        var run = await Programs.RunWithErrorsAsync(Programs.Cli, arguments, input, environment);
        Assert.True(run.Code == 0, $"licencetrust {arguments}: {run.Output} {run.Error}");
    }

    private async Task<string> RunAsync(string program, string arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in Token)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var text = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {arguments}: {text}");
        return text;
    }

    private static async Task WaitReadyAsync(NodeProcess node)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var ready = await node.Client().GetFromJsonAsync<JsonElement>("/health/ready");
            if (ready.GetProperty("status").GetString() == "ready")
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{node.Province} is not ready: {ready}");
            await Task.Delay(200);
        }
    }
}
