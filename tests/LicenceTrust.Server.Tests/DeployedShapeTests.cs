using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;
using LicenceTrust.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The shape a province deploys (issue 32), in one suite that docs/deploy.md's checklist points at: three
/// provinces (cq, sc, gz) on keys made by the CLI, each encrypted under its province's own passphrase;
/// HTTPS between them with one CA per province, each peer pinned to its CA, and mTLS on every notice inbox
/// (a bundle of the three CAs); Chongqing on PostgreSQL with two replicas sharing a session key; Guizhou's
/// list signer in a SoftHSM2 token. Every node is a real process of the built server. Steps run in order,
/// each named in the failure message.
/// </summary>
public sealed class DeployedShapeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Library = "/usr/lib/softhsm/libsofthsm2.so";
    private const string TokenPin = "4321-pin";
    private static readonly SampleAuthority CqRegulator = SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence);
    private static readonly SampleAuthority ScRegulator = SampleAuthorities.For(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence);
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

    [Fact]
    public async Task Three_provinces_as_deployed_issue_verify_approve_withdraw_rotate_and_restore()
    {
        var issued = new List<string>();
        (string Id, string Qr) cqFirst = ("", ""), scFirst = ("", ""), gzFirst = ("", ""), gzSecondLicence = ("", "");

        await StepAsync("1. issue in each province, verify across, revoke and see it everywhere", async () =>
        {
            cqFirst = await IssueAsync("cq", CqRegulator.Code.Value, SampleLicenceTypes.BusinessLicence, 1);
            scFirst = await IssueAsync("sc", ScRegulator.Code.Value, SampleLicenceTypes.BusinessLicence, 1);
            gzFirst = await IssueAsync("gz", GzRegulator, SampleLicenceTypes.BusinessLicence, 1);
            gzSecondLicence = await IssueAsync("gz", GzSecond, SampleLicenceTypes.FoodBusinessPermit, 2);
            issued.AddRange([cqFirst.Id, scFirst.Id, gzFirst.Id, gzSecondLicence.Id]);
            foreach (var (home, licence) in new[] { ("cq", cqFirst), ("sc", scFirst), ("gz", gzFirst), ("gz", gzSecondLicence) })
            {
                foreach (var at in _nodes.Keys)
                {
                    await ExpectAsync(at, licence.Qr, "VALID", because: $"{home}'s licence at {at}");
                }
            }

            await ChangeAsync("sc", ScRegulator.Code.Value, scFirst.Id, "revoke");
            foreach (var at in _nodes.Keys)
            {
                await ExpectAsync(at, scFirst.Qr, "INVALID", "REVOKED", $"sc's revocation at {at}");
            }
        });

        await StepAsync("2. a console approval on replica B after signing in on replica A", async () =>
        {
            foreach (var (username, name, role) in new[] { ("li.si", "李四", "clerk"), ("zhao.liu", "赵六", "approver") })
            {
                await CliAsync($"officer create --username {username} --name {name} --authority {CqRegulator.Code.Value} --role {role} --postgres {_postgres}", input: ConsoleFixture.Password);
            }

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox"] });
            string At(string replica, string path) => $"http://127.0.0.1:{_ports[replica].Http}{path}";
            await using var clerkContext = await browser.NewContextAsync(new() { BaseURL = At("cq", "/"), Locale = "zh-CN" });
            var clerk = await ConsoleFixture.SignInAsync(clerkContext, "li.si", ConsoleFixture.Password);
            var draft = await ConsoleFixture.SubmitBusinessLicenceDraftAsync(clerk, UnifiedSocialCreditCode.FromBody("91500103MA5U0D0P2").Value, "重庆部署示例有限公司", "王部署");
            await using var approverContext = await browser.NewContextAsync(new() { BaseURL = At("cq", "/"), Locale = "zh-CN" });
            var approver = await ConsoleFixture.SignInAsync(approverContext, "zhao.liu", ConsoleFixture.Password);
            var qr = await ConsoleFixture.ApproveAsync(approver, At("cq-b", draft));
            Assert.StartsWith(At("cq-b", "/console/licences/"), approver.Url, StringComparison.Ordinal);
            foreach (var at in new[] { "sc", "gz", "cq" })
            {
                await ExpectAsync(at, qr, "VALID", because: $"the console's licence at {at}");
            }
        });

        await StepAsync("3. a new issuer's first licence is VALID at the peers at once", async () =>
        {
            await _nodes["sc"].KillAsync();
            await IssuerAsync("sc", ScHr.Code.Value, ScHr.Name, [SampleLicenceTypes.ProfessionalQualification]);
            await _nodes["sc"].StartAgainAsync();
            var first = await IssueAsync("sc", ScHr.Code.Value, SampleLicenceTypes.ProfessionalQualification, 3);
            issued.Add(first.Id);
            foreach (var at in new[] { "cq", "gz" })
            {
                var clock = Stopwatch.StartNew();
                await ExpectAsync(at, first.Qr, "VALID", because: $"the new issuer's first licence at {at}", within: TimeSpan.FromSeconds(5));
                output.WriteLine($"new issuer's first licence VALID at {at} after {clock.ElapsedMilliseconds} ms");
            }
        });

        await StepAsync("4. an issuer rotation: the successor signs, the old key's licences stay valid", async () =>
        {
            var oldKid = Kid(await VerifyAsync("sc", cqFirst.Qr));
            await _nodes["cq"].KillAsync();
            await _nodes["cq-b"].KillAsync();
            await IssuerAsync("cq", CqRegulator.Code.Value, CqRegulator.Name, [SampleLicenceTypes.BusinessLicence, SampleLicenceTypes.FoodBusinessPermit]);
            await _nodes["cq"].StartAgainAsync();
            await _nodes["cq-b"].StartAgainAsync();
            var successor = await IssueAsync("cq", CqRegulator.Code.Value, SampleLicenceTypes.BusinessLicence, 4);
            issued.Add(successor.Id);
            foreach (var at in new[] { "sc", "gz", "cq-b" })
            {
                Assert.NotEqual(oldKid, Kid(await ExpectAsync(at, successor.Qr, "VALID", because: $"the successor's licence at {at}")));
                Assert.Equal(oldKid, Kid(await ExpectAsync(at, cqFirst.Qr, "VALID", because: $"the old key's licence at {at}")));
            }
        });

        await StepAsync("5. an emergency withdrawal (list signer in the token) reaches both peers over mTLS", async () =>
        {
            var fingerprint = KeyDirectory.LoadCertificates(Keys, Province.FromNodeId("gz")).Issuers.Single(i => i.AuthorityCode == GzSecond).Fingerprint;
            using var withdraw = await _nodes["gz"].Client(_nodes["gz"].AdminKey).PostAsJsonAsync($"/api/v1/trust/issuers/{fingerprint}/withdraw", new { reason = "密钥泄露演练" });
            var answer = await withdraw.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(withdraw.IsSuccessStatusCode, answer.ToString());
            Assert.All(answer.GetProperty("peers").EnumerateArray(), p => Assert.True(p.GetProperty("delivered").GetBoolean(), answer.ToString()));
            foreach (var at in new[] { "cq", "sc" })
            {
                await ExpectAsync(at, gzSecondLicence.Qr, "INVALID", "ISSUER_WITHDRAWN", $"the withdrawn issuer's licence at {at}", within: TimeSpan.FromSeconds(3));
            }
        });

        await StepAsync("6. backup, more issues and revocations, restore: no identifier reused, the revocations in force everywhere", async () =>
        {
            var backup = File("cq-backup.dump");
            await CliAsync($"db backup --postgres {_postgres} --out {backup}");
            var after = new[] { await IssueAsync("cq", CqRegulator.Code.Value, SampleLicenceTypes.BusinessLicence, 6), await IssueAsync("cq", CqRegulator.Code.Value, SampleLicenceTypes.BusinessLicence, 7) };
            issued.AddRange(after.Select(a => a.Id));
            await ChangeAsync("cq", CqRegulator.Code.Value, after[0].Id, "revoke");
            await ChangeAsync("cq", CqRegulator.Code.Value, cqFirst.Id, "revoke");
            foreach (var at in new[] { "sc", "gz" })
            {
                await ExpectAsync(at, after[0].Qr, "INVALID", "REVOKED", $"the revocation after the backup at {at}");
                await ExpectAsync(at, cqFirst.Qr, "INVALID", "REVOKED", $"the revocation after the backup at {at}");
            }

            await _nodes["cq"].KillAsync();
            await _nodes["cq-b"].KillAsync();
            await CliAsync($"db restore {backup} --postgres {_postgres} --force");
            var refused = await _nodes["cq"].StartRefusedAsync();
            Assert.True(refused.Code == 1 && refused.Error.Contains("Node:AcceptRestoredDatabase=true", StringComparison.Ordinal), refused.Error);
            await _nodes["cq"].StartAgainAsync("--Node:AcceptRestoredDatabase=true");
            await _nodes["cq-b"].StartAgainAsync("--Node:AcceptRestoredDatabase=true");
            var restore = (await _nodes["cq"].Client().GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("restore");
            output.WriteLine(restore.ToString());
            Assert.True(restore.GetProperty("restored").GetBoolean(), restore.ToString());

            var fresh = await IssueAsync("cq", CqRegulator.Code.Value, SampleLicenceTypes.BusinessLicence, 8);
            Assert.DoesNotContain(fresh.Id, issued);
            foreach (var at in _nodes.Keys)
            {
                await ExpectAsync(at, after[0].Qr, "INVALID", "REVOKED", $"the revocation after the backup at {at}, after the restore");
                await ExpectAsync(at, cqFirst.Qr, "INVALID", "REVOKED", $"the revocation after the backup at {at}, after the restore");
                await ExpectAsync(at, fresh.Qr, "VALID", because: $"a licence issued after the restore at {at}");
            }

            var check = await RunAsync("dotnet", $"{Programs.Cli} db check --postgres {_postgres}");
            Assert.Contains("consistent", check, StringComparison.Ordinal);
        });

        await StepAsync("7. node check on a good and on a broken configuration", async () =>
        {
            var good = await _nodes["gz"].CheckAsync();
            output.WriteLine(good.Output);
            Assert.True(good.Code == 0, good.Output);
            Assert.Contains("[ok] peer cq", good.Output, StringComparison.Ordinal);
            Assert.Contains("[ok] TLS", good.Output, StringComparison.Ordinal);

            await System.IO.File.WriteAllTextAsync(File("wrong.pin"), "0000-wrong\n");
            var broken = await _nodes["gz"].CheckAsync($"--Node:Pkcs11:PinFile={File("wrong.pin")}", $"--Node:Peers:0:TlsCaFile={File("sc-ca.pem")}");
            output.WriteLine(broken.Output);
            Assert.Equal(1, broken.Code);
            Assert.Contains("[FAIL]", broken.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", broken.Output, StringComparison.Ordinal);
        });

        await StepAsync("8. push as deployed: pulls every 300 s, a revocation on replica B and one by Guizhou's token-held list signer seen everywhere within 2 s", async () =>
        {
            // Every node again with its pulls 300 s apart, so only a change notice (over HTTPS, through the inbox's
            // client-CA gate) can bring a change in time. The peers' URL is Chongqing's replica A: replica B's own
            // commit is announced by B, and what A takes from a notice reaches B through their database.
            string[] slowPulls = [.. Enumerable.Range(0, Provinces.Length - 1).Select(i => $"--Node:Peers:{i}:SyncIntervalSeconds=300")];
            foreach (var node in _nodes.Values)
            {
                await node.KillAsync();
            }

            foreach (var node in _nodes.Values)
            {
                await node.StartAgainAsync(node.Province == "cq" ? ["--Node:AcceptRestoredDatabase=true", .. slowPulls] : slowPulls);
            }

            foreach (var node in _nodes.Values)
            {
                await WaitReadyAsync(node);
            }

            var licence = await IssueAsync("cq", CqRegulator.Code.Value, SampleLicenceTypes.BusinessLicence, 9);
            issued.Add(licence.Id);
            foreach (var at in _nodes.Keys)
            {
                await ExpectAsync(at, licence.Qr, "VALID", because: $"Chongqing's new licence at {at}");
                await ExpectAsync(at, gzFirst.Qr, "VALID", because: $"Guizhou's licence at {at}");
            }

            await ChangeAsync("cq-b", CqRegulator.Code.Value, licence.Id, "revoke");
            await ChangeAsync("gz", GzRegulator, gzFirst.Id, "suspend");
            var clock = Stopwatch.StartNew();
            foreach (var (at, qr, reason) in new[]
            {
                ("sc", licence.Qr, "REVOKED"), ("gz", licence.Qr, "REVOKED"),
                ("cq", gzFirst.Qr, "SUSPENDED"), ("cq-b", gzFirst.Qr, "SUSPENDED"), ("sc", gzFirst.Qr, "SUSPENDED"),
            })
            {
                var answer = await ExpectAsync(at, qr, "INVALID", reason, $"a change pushed to {at}", within: TimeSpan.FromSeconds(2) - clock.Elapsed);
                output.WriteLine($"{reason} at {at} after {clock.ElapsedMilliseconds} ms: {answer.GetProperty("result").GetProperty("reasons")[0]}");
            }
        });
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
