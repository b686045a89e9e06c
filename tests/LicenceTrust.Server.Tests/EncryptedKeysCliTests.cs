using LicenceTrust.Core.Identifiers;
using LicenceTrust.Samples;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The command-line tool on a key folder made as a province makes it (issue 32): every key encrypted, the
/// passphrase in <c>LICENCETRUST_KEY_PASSPHRASE</c> or a file. Commands that sign open the keys with either;
/// commands that only verify read certificates and need neither.
/// </summary>
public sealed class EncryptedKeysCliTests(ITestOutputHelper output) : IDisposable
{
    private const string Passphrase = "guizhou-key-passphrase-2026";
    private static readonly string Regulator = UnifiedSocialCreditCode.FromBody("11520000MB3C00011").Value;
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-encrypted-").FullName;

    private string Keys => Path.Combine(_folder, "keys");

    private static Dictionary<string, string> WithPassphrase => new() { ["LICENCETRUST_KEY_PASSPHRASE"] = Passphrase };

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Signing_commands_open_encrypted_keys_with_the_environment_or_a_file_and_verify_needs_no_passphrase()
    {
        var business = SampleLicenceTypes.BusinessLicence.Code.Value;
        await CliAsync($"keys init --province gz --out {Keys}", WithPassphrase);
        await CliAsync($"keys issuer --keys {Keys} --province gz --authority {Regulator} --name 贵州省市场监督管理局 --type {business}", WithPassphrase);
        Assert.All(Directory.GetFiles(Path.Combine(Keys, "gz"), "*.key.pem", SearchOption.AllDirectories),
            file => Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", File.ReadAllText(file), StringComparison.Ordinal));

        var rows = Path.Combine(_folder, "rows.csv");
        var holder = UnifiedSocialCreditCode.FromBody("91520102MA6U00011").Value;
        var other = UnifiedSocialCreditCode.FromBody("91520102MA6U00021").Value;
        await File.WriteAllTextAsync(rows,
            "typeCode,number,holderName,holderCodeType,holderCode,areaCode,issueDate,validFrom,validTo,attr.entityType,attr.legalRep\n" +
            $"{business},{holder},贵阳示例有限公司,001,{holder},520102,2026-01-05,2026-01-05,,有限责任公司,王一\n" +
            $"{business},{other},遵义示例有限公司,001,{other},520102,2026-01-05,2026-01-05,,有限责任公司,王二\n");
        var db = Path.Combine(_folder, "gz.db");
        var batch = $"issue batch {rows} --sqlite {db} --authority {Regulator} --keys {Keys} --province gz{Programs.NoApproval(Regulator)}";

        // No passphrase: refused, saying how to give one.
        var refused = await Programs.RunWithErrorsAsync(Programs.Cli, batch);
        output.WriteLine(refused.Error);
        Assert.Equal(2, refused.Code);
        Assert.Contains("LICENCETRUST_KEY_PASSPHRASE", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Error, StringComparison.Ordinal);

        // The passphrase in the environment: issued.
        var issued = await Programs.RunWithErrorsAsync(Programs.Cli, batch, environment: WithPassphrase);
        Assert.True(issued.Code == 0, issued.Output + issued.Error);
        Assert.Contains("issued 2", issued.Output, StringComparison.Ordinal);

        // In a file: the same rows again are replays, nothing new.
        var file = Path.Combine(_folder, "passphrase.txt");
        await File.WriteAllTextAsync(file, Passphrase + "\n");
        var again = await Programs.RunWithErrorsAsync(Programs.Cli, batch + $" --passphrase-file {file}");
        Assert.True(again.Code == 0, again.Output + again.Error);
        Assert.Contains("already issued 2", again.Output, StringComparison.Ordinal);

        // Offline verification reads certificates only: no passphrase needed.
        var qr = (await new LicenceTrust.Storage.IssuanceStore(new LicenceTrust.Storage.Sqlite.SqliteDatabase(db)).ListAsync(new Issuance.LicenceQuery(null, null, null, 1, 1), CancellationToken.None)).Items[0].QrText;
        var verified = await Programs.RunWithErrorsAsync(Programs.Cli, $"verify - --keys {Keys} --json", input: qr);
        output.WriteLine(verified.Output + verified.Error);
        Assert.DoesNotContain("passphrase", verified.Output + verified.Error, StringComparison.OrdinalIgnoreCase);
        var checks = System.Text.Json.JsonDocument.Parse(verified.Output).RootElement;
        var result = checks.ValueKind == System.Text.Json.JsonValueKind.Array ? checks[0] : checks;
        Assert.Contains(result.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "signature" && c.GetProperty("outcome").GetString() == "PASSED");

        // Standard input is read as a node reads QR text: a no-break space before it is not whitespace to trim.
        var spaced = await Programs.RunWithErrorsAsync(Programs.Cli, $"verify - --keys {Keys} --json", input: "\u00A0" + qr);
        Assert.Equal(1, spaced.Code);
        var unread = System.Text.Json.JsonDocument.Parse(spaced.Output).RootElement;
        Assert.Equal("UNREADABLE", (unread.ValueKind == System.Text.Json.JsonValueKind.Array ? unread[0] : unread).GetProperty("verdict").GetString());
    }

    private static async Task CliAsync(string arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var run = await Programs.RunWithErrorsAsync(Programs.Cli, arguments, environment: environment);
        Assert.True(run.Code == 0, $"licencetrust {arguments}: {run.Output} {run.Error}");
    }
}
