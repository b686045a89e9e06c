using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Issuance;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;
using LicenceTrust.Storage;
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
public sealed partial class DeployedShapeTests(ITestOutputHelper output) : IAsyncLifetime
{
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
            await using var browser = await HeadlessChromium.LaunchAsync(playwright);
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

        await StepAsync("9. evidence exchange as deployed: a Sichuan window fetches a Chongqing company's licence over mTLS, both audits hold it; a citizen's with consent made on replica B", async () =>
        {
            var holder = Samples.DemoLicences.Create(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence, 8).Holder.Code;
            using var window = _nodes["sc"].Client(_nodes["sc"].PartnerKey);
            using var fetched = await window.PostAsJsonAsync("/api/v1/evidence/fetch", new { holderCode = holder, matter = "CYTB-SC-0101", caseNumber = "SC-DEPLOYED-0001" });
            var answer = await fetched.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(fetched.IsSuccessStatusCode, answer.ToString());
            Assert.Equal("VALID", Assert.Single(answer.GetProperty("licences").EnumerateArray()).GetProperty("verification").GetProperty("result").GetProperty("verdict").GetString());
            var id = answer.GetProperty("requestId").GetString();
            // Chongqing's side is in its PostgreSQL database, Sichuan's in its SQLite one.
            Assert.Single((await new IssuanceStore(_nodes["cq"].Database).SearchAuditAsync(new AuditQuery(Subject: id), CancellationToken.None)).Items, e => e.EventId == AuditEvents.EvidenceProvided);
            Assert.Single((await new IssuanceStore(_nodes["sc"].Database).SearchAuditAsync(new AuditQuery(Subject: id), CancellationToken.None)).Items, e => e.EventId == AuditEvents.EvidenceRequested);

            // A personal licence with the holder's consent: the code made on replica B, used once by the request replica A
            // answers (one PostgreSQL transaction), refused when read out again, and the holder's log on B shows the fetch.
            var person = await IssueAsync("cq", CqHr.Code.Value, SampleLicenceTypes.ProfessionalQualification, 10);
            issued.Add(person.Id);
            var citizen = Samples.DemoLicences.Create(SampleProvinces.Chongqing, SampleLicenceTypes.ProfessionalQualification, 10).Holder.Code;
            await ExpectAsync("sc", person.Qr, "VALID", because: "Chongqing's qualification at Sichuan");
            using var app = _nodes["cq-b"].Client(await _nodes["cq-b"].HolderAppKeyAsync());
            using var made = await app.PostAsJsonAsync("/api/v1/consents", new { holderCode = citizen, types = new[] { SampleLicenceTypes.ProfessionalQualification.Code.Value }, province = "sc", minutes = 5 });
            var code = (await made.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
            var ask = new { holderCode = citizen, matter = "CYTB-RS-0301", caseNumber = "SC-DEPLOYED-0002", consentCode = code };
            using var withConsent = await window.PostAsJsonAsync("/api/v1/evidence/fetch", ask);
            var consented = await withConsent.Content.ReadFromJsonAsync<JsonElement>();
            using var again = await window.PostAsJsonAsync("/api/v1/evidence/fetch", ask with { caseNumber = "SC-DEPLOYED-0003" });
            Assert.True(withConsent.IsSuccessStatusCode, consented.ToString());
            Assert.Equal(person.Id, Assert.Single(consented.GetProperty("licences").EnumerateArray()).GetProperty("identifier").GetString());
            Assert.Equal("CONSENT_USED", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
            var usage = await app.GetFromJsonAsync<JsonElement>($"/api/v1/holders/{citizen}/usage");
            Assert.Equal("SC-DEPLOYED-0002", Assert.Single(usage.GetProperty("entries").EnumerateArray()).GetProperty("caseNumber").GetString());

            // The inbox takes a request only over a connection with a federation client certificate.
            using var bare = new ByteArrayContent([0xD2, 0x84]);
            bare.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(Core.Trust.EvidenceRequest.MediaType);
            using var refused = await _nodes["cq"].Client().PostAsync(Sharing.EvidenceRequester.InboxPath, bare);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("CLIENT_CERTIFICATE_REQUIRED", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        });
    }
}
