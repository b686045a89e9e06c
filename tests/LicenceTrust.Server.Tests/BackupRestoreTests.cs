using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;
using LicenceTrust.Samples;
using LicenceTrust.Storage;
using LicenceTrust.Storage.Sqlite;
using LicenceTrust.Testing;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Backup and restore as docs/operations.md says, on real processes and files: <c>licencetrust db backup</c>
/// while Chongqing issues and revokes, <c>db restore</c> over its database, and a restart that the node
/// refuses until told to, because Sichuan has seen a newer trust list of Chongqing than the backup holds.
/// </summary>
public sealed class BackupRestoreTests(ITestOutputHelper output) : OwnKeysPair
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-backup-").FullName;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_backup_taken_during_a_burst_restores_to_a_node_that_verifies_what_it_held_and_starts_behind_its_peers_only_when_told()
    {
        var backup = Path.Combine(_folder, "cq-backup.db");
        var issued = new ConcurrentBag<string>();
        var client = Chongqing.Client(Chongqing.RegulatorKey);
        var backedUp = false;
        async Task WriterAsync(int writer)
        {
            // At least 25 each, and on until the backup is written: on a busy machine the backup's process may
            // start only after 25, and a backup after the burst would prove nothing.
            for (var i = 0; i < 25 || (!Volatile.Read(ref backedUp) && i < 99); i++)
            {
                var licence = await Chongqing.IssueAsync(Chongqing.RegulatorKey, SampleLicenceTypes.BusinessLicence, 3000 + (writer * 100) + i);
                var id = licence.GetProperty("identifier").GetString()!;
                issued.Add(licence.GetProperty("qrText").GetString()!);
                if (i % 3 == 0)
                {
                    using var revoke = await client.PostAsJsonAsync($"/api/v1/licences/{id}/revoke", new { reason = "吊销：备份测试" });
                    Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
                }
            }
        }

        // Three writers issue and revoke; the backup is taken while they run.
        var writers = Enumerable.Range(0, 3).Select(WriterAsync).ToList();
        while (issued.Count < 15)
        {
            await Task.Delay(50);
        }

        var taken = await Programs.RunAsync(Programs.Cli, $"db backup --sqlite {Chongqing.DatabasePath} --out {backup}");
        Volatile.Write(ref backedUp, true);
        await Task.WhenAll(writers);
        output.WriteLine(taken.Output);
        Assert.True(taken.Code == 0, taken.Output);
        Assert.Contains("Audit chain OK", taken.Output, StringComparison.Ordinal);
        Assert.Contains("consistent", taken.Output, StringComparison.Ordinal);

        // What the backup holds, and the status each licence had in it.
        var held = await HeldAsync(backup);
        output.WriteLine($"{held.Count} of {issued.Count} licences are in the backup");
        Assert.InRange(held.Count, 15, issued.Count - 1);

        // After the backup, Chongqing withdraws an issuer: its trust list moves on, and Sichuan takes it.
        var hr = SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.ProfessionalQualification);
        var fingerprint = SampleKeys.Of(SampleProvinces.Chongqing).Issuers.First(i => i.Certificate.AuthorityCode == hr.Code.Value).Certificate.Fingerprint;
        using (var withdraw = await Chongqing.Client(Chongqing.AdminKey).PostAsJsonAsync($"/api/v1/trust/issuers/{fingerprint}/withdraw", new { reason = "备份测试" }))
        {
            Assert.Equal(HttpStatusCode.OK, withdraw.StatusCode);
        }

        var after = await TrustListSequenceAsync(Chongqing);
        await WaitAsync(async () => await SichuanHoldsAsync() == after);

        // What each licence of the backup became before the restore, once Sichuan holds Chongqing's lists as they end.
        var final = new List<(string Qr, LicenceStatus Status)>();
        foreach (var (qr, _) in held)
        {
            var id = Core.Codec.CredentialReader.Read(qr).Credential!.Claims.Licence.Identifier.Value;
            final.Add((qr, (await Chongqing.Store.FindAsync(id, CancellationToken.None))!.Status));
        }

        foreach (var (qr, status) in final.Where(f => f.Status != LicenceStatus.Valid))
        {
            await Sichuan.WaitForVerdictAsync(qr, r => FederationTests.Verdict(r) == "INVALID", TimeSpan.FromSeconds(20));
        }

        // Restore over Chongqing's database, and restart it.
        await Chongqing.KillAsync();
        var restored = await Programs.RunAsync(Programs.Cli, $"db restore {backup} --sqlite {Chongqing.DatabasePath} --force");
        Assert.True(restored.Code == 0, restored.Output);
        Assert.Contains("Audit chain OK", restored.Output, StringComparison.Ordinal);

        var refused = await Chongqing.StartRefusedAsync();
        Assert.True(refused.Code == 1, refused.Error);
        Assert.Contains($"sc holds trust list #{after} of this province", refused.Error, StringComparison.Ordinal);
        Assert.Contains("Node:AcceptRestoredDatabase=true", refused.Error, StringComparison.Ordinal);

        await Chongqing.StartAgainAsync("--Node:AcceptRestoredDatabase=true");
        var restore = (await Chongqing.Client().GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("restore");
        Assert.True(restore.GetProperty("restored").GetBoolean(), $"{restore}\n{string.Join('\n', Chongqing.Output.TakeLast(20))}");

        // Every licence of the backup verifies at the restored node with the status it had before the restore
        // (changes made after the backup are taken back from Sichuan's copies), from the node's own data.
        foreach (var (qr, status) in final)
        {
            var answer = (await Chongqing.WaitForVerdictAsync(qr, _ => true, TimeSpan.FromSeconds(5))).Response;
            Assert.Equal(status == LicenceStatus.Valid ? "VALID" : "INVALID", FederationTests.Verdict(answer));
            Assert.StartsWith("cq", answer.GetProperty("checkedAgainst").GetProperty("statusSource").GetString(), StringComparison.Ordinal);
        }

        // The withdrawal made after the backup is taken back from Sichuan's copy of its notice: the issuer stays out of the list.
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/trust-list"))
        {
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await Chongqing.Client().SendAsync(request);
            Assert.DoesNotContain(fingerprint, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        // The peers take the restored node's next trust list (a higher sequence, not a rollback), and new serials do not repeat old ones.
        Assert.True(await TrustListSequenceAsync(Chongqing) > after);
        await WaitAsync(async () => await SichuanHoldsAsync() > after);
        var fresh = await Chongqing.IssueAsync(Chongqing.RegulatorKey, SampleLicenceTypes.BusinessLicence, 3999);
        Assert.DoesNotContain(fresh.GetProperty("qrText").GetString(), issued);
        var serial = long.Parse(fresh.GetProperty("identifier").GetString()!.Split('.')[^3][4..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(serial > 100_000, $"serial {serial} did not skip ahead");

        var check = await Programs.RunAsync(Programs.Cli, $"db check --sqlite {Chongqing.DatabasePath}");
        Assert.True(check.Code == 0, check.Output);
    }

    [Fact]
    public async Task A_restore_with_no_new_trust_list_is_found_from_the_status_lists_and_never_reissues_or_forgets()
    {
        // Before the backup: licences valid, one suspended, one to be revoked after it.
        var client = Chongqing.Client(Chongqing.RegulatorKey);
        var before = new List<(string Id, string Qr)>();
        for (var i = 0; i < 6; i++)
        {
            var licence = await Chongqing.IssueAsync(Chongqing.RegulatorKey, SampleLicenceTypes.BusinessLicence, 5000 + i);
            before.Add((licence.GetProperty("identifier").GetString()!, licence.GetProperty("qrText").GetString()!));
        }

        await ChangeAsync(client, before[1].Id, "suspend");
        var backup = Path.Combine(_folder, "cq-quiet.db");
        var taken = await Programs.RunAsync(Programs.Cli, $"db backup --sqlite {Chongqing.DatabasePath} --out {backup}");
        Assert.True(taken.Code == 0, taken.Output);

        // After the backup, no issuer changes (the trust list stays #1): issues, a revocation, a reinstatement,
        // and a licence issued and revoked, all seen by Sichuan.
        var after = new List<(string Id, string Qr)>();
        for (var i = 0; i < 4; i++)
        {
            var licence = await Chongqing.IssueAsync(Chongqing.RegulatorKey, SampleLicenceTypes.BusinessLicence, 5100 + i);
            after.Add((licence.GetProperty("identifier").GetString()!, licence.GetProperty("qrText").GetString()!));
        }

        await ChangeAsync(client, before[0].Id, "revoke");
        await ChangeAsync(client, before[1].Id, "reinstate");
        await ChangeAsync(client, before[2].Id, "suspend");
        await ChangeAsync(client, after[0].Id, "revoke");
        await ChangeAsync(client, after[1].Id, "suspend");
        var sequence = await TrustListSequenceAsync(Chongqing);
        await Sichuan.WaitForVerdictAsync(after[0].Qr, r => FederationTests.Verdict(r) == "INVALID", TimeSpan.FromSeconds(20));
        await Sichuan.WaitForVerdictAsync(after[1].Qr, r => FederationTests.Verdict(r) == "INVALID", TimeSpan.FromSeconds(20));
        await Sichuan.WaitForVerdictAsync(before[0].Qr, r => FederationTests.Verdict(r) == "INVALID", TimeSpan.FromSeconds(20));

        await Chongqing.KillAsync();
        var restored = await Programs.RunAsync(Programs.Cli, $"db restore {backup} --sqlite {Chongqing.DatabasePath} --force");
        Assert.True(restored.Code == 0, restored.Output);

        // Found from the status lists alone: the trust list did not move.
        Assert.Equal(sequence, await TrustListSequenceAsync(Sichuan, "cq"));
        var refused = await Chongqing.StartRefusedAsync();
        output.WriteLine(refused.Error);
        Assert.True(refused.Code == 1, refused.Error);
        Assert.Matches("sc holds status list [0-9]+ at change [0-9]+, this database has it at change [0-9]+", refused.Error);
        Assert.Contains("Node:AcceptRestoredDatabase=true", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Error, StringComparison.Ordinal);

        await Chongqing.StartAgainAsync("--Node:AcceptRestoredDatabase=true");
        var ready = await Chongqing.Client().GetFromJsonAsync<JsonElement>("/health/ready");
        var restore = ready.GetProperty("restore");
        output.WriteLine(restore.ToString());
        Assert.True(restore.GetProperty("restored").GetBoolean());
        Assert.Contains("re-applied", restore.GetProperty("done").GetString(), StringComparison.Ordinal);

        // Every status change made after the backup is in force at home, from the restored node's own data.
        async Task ExpectAsync(NodeProcess node, string qr, string verdict, string? reason = null)
        {
            var answer = (await node.WaitForVerdictAsync(qr, r => FederationTests.Verdict(r) == verdict, TimeSpan.FromSeconds(10))).Response;
            Assert.True(FederationTests.Verdict(answer) == verdict, $"{node.Province}: {answer}");
            if (reason is not null)
            {
                Assert.Equal(reason, answer.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
            }
        }

        await ExpectAsync(Chongqing, before[0].Qr, "INVALID", "REVOKED");
        await ExpectAsync(Chongqing, before[1].Qr, "VALID");
        await ExpectAsync(Chongqing, before[2].Qr, "INVALID", "SUSPENDED");
        await ExpectAsync(Chongqing, after[0].Qr, "INVALID", "REVOKED");
        await ExpectAsync(Chongqing, after[1].Qr, "INVALID", "SUSPENDED");
        var history = await Chongqing.Client(Chongqing.RegulatorKey).GetFromJsonAsync<JsonElement>($"/api/v1/licences/{before[0].Id}/status");
        Assert.Contains("sc", history.ToString(), StringComparison.Ordinal);

        // The restored node changes things; the peers still hold every change made after the backup.
        var fresh = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var licence = await Chongqing.IssueAsync(Chongqing.RegulatorKey, SampleLicenceTypes.BusinessLicence, 5200 + i);
            fresh.Add(licence.GetProperty("identifier").GetString()!);
        }

        await ChangeAsync(client, before[3].Id, "revoke");
        var revokedNow = before[3].Qr;
        await ExpectAsync(Sichuan, revokedNow, "INVALID");
        await ExpectAsync(Sichuan, before[0].Qr, "INVALID");
        await ExpectAsync(Sichuan, after[0].Qr, "INVALID");
        await ExpectAsync(Sichuan, after[1].Qr, "INVALID");
        await ExpectAsync(Sichuan, before[2].Qr, "INVALID");
        await ExpectAsync(Sichuan, before[1].Qr, "VALID");

        // No identifier or slot used after the backup is used again.
        var used = after.Select(a => a.Id).Concat(before.Select(b => b.Id)).ToHashSet();
        Assert.DoesNotContain(fresh, used.Contains);
        var slotsAfter = after.Select(a => SlotOf(a.Qr)).ToHashSet();
        Assert.DoesNotContain(fresh.Select(id => Chongqing.Store.FindAsync(id, CancellationToken.None).Result!).Select(r => (r.StatusList, r.StatusIndex)), slotsAfter.Contains);

        var check = await Programs.RunAsync(Programs.Cli, $"db check --sqlite {Chongqing.DatabasePath}");
        Assert.True(check.Code == 0, check.Output);
        var audit = await Programs.RunAsync(Programs.Cli, $"audit verify --sqlite {Chongqing.DatabasePath}");
        Assert.True(audit.Code == 0, audit.Output);

        // A second start with the setting still on finds nothing to do.
        await Chongqing.KillAsync();
        await Chongqing.StartAgainAsync("--Node:AcceptRestoredDatabase=true");
        var again = await Chongqing.Client().GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.False(again.GetProperty("restore").GetProperty("restored").GetBoolean());
    }

    private static (int List, int Index) SlotOf(string qr)
    {
        var credential = Core.Codec.CredentialReader.Read(qr).Credential!;
        var reference = credential.Claims.Status;
        var uri = reference.Uri ?? string.Empty;
        return (reference.List ?? int.Parse(uri[(uri.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture), (int)reference.Index);
    }

    private static async Task ChangeAsync(HttpClient client, string id, string action)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/licences/{id}/{action}", new { reason = "备份恢复测试" });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{action} {id}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<long> TrustListSequenceAsync(NodeProcess node, string province)
    {
        var peers = await node.Client().GetFromJsonAsync<JsonElement>("/api/v1/federation/peers");
        return peers.GetProperty("peers").EnumerateArray().Single(p => p.GetProperty("province").GetString() == province).GetProperty("trustListSequence").GetInt64();
    }

    private static async Task<List<(string Qr, LicenceStatus Status)>> HeldAsync(string backup)
    {
        var store = new IssuanceStore(new SqliteDatabase(backup));
        var page = await store.ListAsync(new LicenceQuery(null, null, null, 1, 500), CancellationToken.None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return [.. page.Items.Select(r => (r.QrText, r.Status))];
    }

    private static async Task<long> TrustListSequenceAsync(NodeProcess node)
    {
        using var client = node.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/trust-list");
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await client.SendAsync(request);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sequence").GetInt64();
    }

    private async Task<long?> SichuanHoldsAsync()
    {
        var peers = await Sichuan.Client().GetFromJsonAsync<JsonElement>("/api/v1/federation/peers");
        var chongqing = peers.GetProperty("peers").EnumerateArray().Single(p => p.GetProperty("province").GetString() == "cq");
        return chongqing.GetProperty("trustListSequence") is { ValueKind: JsonValueKind.Number } sequence ? sequence.GetInt64() : null;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(100);
        }
    }
}
