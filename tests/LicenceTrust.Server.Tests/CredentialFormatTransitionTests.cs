using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Core.Trust;
using LicenceTrust.QrImages;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Issue 18 with two node processes: Chongqing issues LT1 while set to (Issuance:CredentialFormat=LT1),
/// refuses a format it does not know, then issues LT2. Sichuan reads both; the LT2 licence's status comes
/// from Chongqing's status list, found by the list number through the template in Chongqing's signed
/// trust list, and a revocation reaches Sichuan that way. The LT1 licence issued before stays VALID.
/// </summary>
public class CredentialFormatTransitionTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_node_issues_LT1_during_a_transition_then_LT2_and_the_peer_verifies_both_and_sees_the_LT2_revocation_through_the_signed_template()
    {
        var (chongqing, sichuan) = await NodeProcess.FederatedAsync("--Issuance:CredentialFormat=LT1");
        await using (chongqing)
        await using (sichuan)
        {
            var before = (await chongqing.IssueAsync(chongqing.RegulatorKey, SampleLicenceTypes.BusinessLicence, 1801)).GetProperty("qrText").GetString()!;
            Assert.StartsWith("LT1:", before, StringComparison.Ordinal);

            await chongqing.KillAsync();
            var (code, error) = await chongqing.StartRefusedAsync("--Issuance:CredentialFormat=LT3");
            Assert.NotEqual(0, code);
            Assert.Contains("LicenceTrust node cannot start: Issuance:CredentialFormat is 'LT3': use LT2 (the default) or LT1.", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);

            await chongqing.StartAgainAsync("--Issuance:CredentialFormat=LT2");
            var issued = await chongqing.IssueAsync(chongqing.RegulatorKey, SampleLicenceTypes.BusinessLicence, 1802);
            var after = issued.GetProperty("qrText").GetString()!;
            Assert.StartsWith("LT2:", after, StringComparison.Ordinal);
            Assert.True(QrCodeImages.Version(after) <= 16, $"version {QrCodeImages.Version(after)}");
            Assert.True(after.Length < before.Length * 0.65, $"LT2 {after.Length} characters, LT1 {before.Length}");

            // Chongqing's trust list carries, signed, where its status lists are.
            var token = await chongqing.Client().GetByteArrayAsync("/api/v1/trust-list");
            var list = TrustListToken.TryRead(token, SampleKeys.Of(SampleProvinces.Chongqing).Root, out var why);
            Assert.True(list is not null, why);
            Assert.EndsWith("/api/v1/status-lists/{list}", list.StatusUriTemplate, StringComparison.Ordinal);
            using (var readable = new HttpRequestMessage(HttpMethod.Get, "/api/v1/trust-list"))
            {
                readable.Headers.Accept.ParseAdd("application/json");
                using var response = await chongqing.Client().SendAsync(readable);
                Assert.Equal(list.StatusUriTemplate, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusUriTemplate").GetString());
            }

            var published = await chongqing.Client().GetFromJsonAsync<JsonElement>("/api/v1/status-lists");
            Assert.Contains(published.GetProperty("lists").EnumerateArray(), l => l.GetProperty("uri").GetString() == list.StatusUriTemplate!.Replace("{list}", l.GetProperty("id").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

            // Sichuan: both VALID, the LT2 one from Chongqing's synced status list (not a live call).
            var old = await sichuan.WaitForVerdictAsync(before, r => FederationTests.Verdict(r) == "VALID", Limit);
            Assert.Equal("VALID", FederationTests.Verdict(old.Response));
            var fresh = await sichuan.WaitForVerdictAsync(after, r => FederationTests.Verdict(r) == "VALID" && Source(r) == "cq:status-list", Limit);
            Assert.True(Source(fresh.Response) == "cq:status-list", fresh.Response.ToString());

            using (var revoke = await chongqing.Client(chongqing.RegulatorKey).PostAsJsonAsync($"/api/v1/licences/{issued.GetProperty("identifier").GetString()}/revoke", new { reason = "吊销：格式过渡测试" }))
            {
                Assert.True(revoke.IsSuccessStatusCode, await revoke.Content.ReadAsStringAsync());
            }

            var revoked = await sichuan.WaitForVerdictAsync(after, r => Reason(r) == "REVOKED", Limit);
            Assert.Equal("REVOKED", Reason(revoked.Response));
            Assert.Equal("cq:status-list", Source(revoked.Response));
            Assert.Equal("REVOKED", Reason((await chongqing.WaitForVerdictAsync(after, r => Reason(r) == "REVOKED", Limit)).Response));
            Assert.Equal("VALID", FederationTests.Verdict((await chongqing.WaitForVerdictAsync(before, _ => true, Limit)).Response));
            Assert.Equal("VALID", FederationTests.Verdict((await sichuan.WaitForVerdictAsync(before, _ => true, Limit)).Response));
        }
    }

    /// <summary>The offline batch (`licencetrust issue batch`) issues LT2, and LT1 with --format LT1, as a node does.</summary>
    [Fact]
    public async Task The_CLI_batch_issues_LT2_by_default_and_LT1_with_format_LT1()
    {
        var folder = Directory.CreateTempSubdirectory("lt-format-").FullName;
        try
        {
            var rows = Path.Combine(folder, "rows.csv");
            Assert.Equal(0, (await Programs.RunAsync(Programs.Cli, $"demo csv --province cq --count 3 --out {rows}")).Code);
            foreach (var (format, prefix) in new[] { (string.Empty, "LT2:"), (" --format LT1", "LT1:") })
            {
                var database = Path.Combine(folder, $"batch{prefix[2]}.db");
                var run = await Programs.RunAsync(Programs.Cli, $"issue batch {rows} --sqlite {database} --authority 11500000MB1A00011N --keys {RepositoryPaths.KeysSample}{format}{Programs.NoApproval("11500000MB1A00011N")}");
                Assert.True(run.Code == 0, run.Output);
                using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database}");
                connection.Open();
                using var query = connection.CreateCommand();
                query.CommandText = "SELECT qr_text FROM licences";
                using var reader = query.ExecuteReader();
                var texts = new List<string>();
                while (reader.Read())
                {
                    texts.Add(reader.GetString(0));
                }

                Assert.Equal(3, texts.Count);
                Assert.All(texts, t => Assert.StartsWith(prefix, t, StringComparison.Ordinal));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string? Source(JsonElement response) => response.GetProperty("checkedAgainst").GetProperty("statusSource").GetString();

    private static string? Reason(JsonElement response) =>
        response.GetProperty("result").GetProperty("reasons") is { ValueKind: JsonValueKind.Array } reasons && reasons.GetArrayLength() > 0 ? reasons[0].GetProperty("code").GetString() : null;
}
