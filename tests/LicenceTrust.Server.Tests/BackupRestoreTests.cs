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
        async Task WriterAsync(int writer)
        {
            for (var i = 0; i < 25; i++)
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

        // Restore over Chongqing's database, and restart it.
        await Chongqing.KillAsync();
        var restored = await Programs.RunAsync(Programs.Cli, $"db restore {backup} --sqlite {Chongqing.DatabasePath} --force");
        Assert.True(restored.Code == 0, restored.Output);
        Assert.Contains("Audit chain OK", restored.Output, StringComparison.Ordinal);

        var refused = await Chongqing.StartRefusedAsync();
        Assert.Equal(1, refused.Code);
        Assert.Contains($"sc holds trust list #{after} of this province", refused.Error, StringComparison.Ordinal);
        Assert.Contains("Node:AcceptRestoredDatabase=true", refused.Error, StringComparison.Ordinal);

        await Chongqing.StartAgainAsync("--Node:AcceptRestoredDatabase=true");

        // Every licence of the backup verifies at the restored node with the status it had there, from its own status list.
        foreach (var (qr, status) in held)
        {
            var answer = (await Chongqing.WaitForVerdictAsync(qr, _ => true, TimeSpan.FromSeconds(5))).Response;
            Assert.Equal(status == LicenceStatus.Valid ? "VALID" : "INVALID", FederationTests.Verdict(answer));
            Assert.StartsWith("cq", answer.GetProperty("checkedAgainst").GetProperty("statusSource").GetString(), StringComparison.Ordinal);
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
