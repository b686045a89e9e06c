using System.Text.Json.Nodes;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// A deployment's catalogue file, as an operator meets it: <c>licencetrust types check</c> at the desk, and
/// a node that will not start on a bad file and says which entry and which rule.
/// </summary>
public sealed class LicenceTypeFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-types-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Types_check_passes_the_shipped_file_and_names_the_entry_and_rule_of_a_bad_one()
    {
        var good = await Programs.RunWithErrorsAsync(Programs.Cli, $"types check {ShippedFile}");
        var bad = await Programs.RunWithErrorsAsync(Programs.Cli, $"types check {await BadFileAsync()}");
        var missing = await Programs.RunWithErrorsAsync(Programs.Cli, $"types check {Path.Combine(_folder, "none.json")}");

        Assert.True(good.Code == 0, good.Error);
        Assert.Contains("OK: 5 licence types.", good.Output, StringComparison.Ordinal);
        Assert.Contains("category* ∈ {A, B, C}", good.Output, StringComparison.Ordinal);
        Assert.Equal(1, bad.Code);
        Assert.Contains("types[4] (11100000MB0400004E001).attributes[1] (category).values: 'ABCDE'", bad.Error, StringComparison.Ordinal);
        Assert.Equal(2, missing.Code);
        Assert.Contains("file not found", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_given_a_bad_catalogue_does_not_start_and_names_the_entry_and_rule()
    {
        var refused = await Programs.NodeRefusalAsync(_folder, $"--Node:LicenceTypes={await BadFileAsync()}");

        Assert.Contains("LicenceTrust node cannot start: licence-type catalogue", refused, StringComparison.Ordinal);
        Assert.Contains("(category).values: 'ABCDE': must be 1-4 characters", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_given_a_matter_catalogue_with_a_personal_licence_without_consent_does_not_start_and_names_the_entry()
    {
        var matters = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "src", "LicenceTrust.Sharing", "matters.json")))!;
        var qualification = matters["matters"]!.AsArray().First(m => m!["code"]!.GetValue<string>() == "CYTB-RS-0301")!;
        qualification["licences"]![0]!["consent"] = false;
        var file = Path.Combine(_folder, "matters.json");
        await File.WriteAllTextAsync(file, matters.ToJsonString());

        var refused = await Programs.NodeRefusalAsync(_folder, $"--Node:Matters={file}");

        Assert.Contains($"LicenceTrust node cannot start: matter catalogue {file}: matters[", refused, StringComparison.Ordinal);
        Assert.Contains("(CYTB-RS-0301).licences: 专业技术资格证书 is a personal licence and needs \"consent\": true", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_CLI_batch_checks_rows_against_the_catalogue_file_it_is_given()
    {
        // The deployment's file narrows 法定代表人 to 2-4 Chinese characters; the shipped catalogue takes any text.
        var catalogue = JsonNode.Parse(await File.ReadAllTextAsync(ShippedFile))!;
        catalogue["types"]![0]!["attributes"]![1]!["pattern"] = "\\p{IsCJKUnifiedIdeographs}{2,4}";
        var narrowed = Path.Combine(_folder, "narrowed.json");
        await File.WriteAllTextAsync(narrowed, catalogue.ToJsonString());
        var body = NodeFixture.IssueBody(Samples.SampleLicenceTypes.BusinessLicence, 931);
        var holder = (Dictionary<string, object?>)body["holder"]!;
        var row = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["typeCode"] = body["typeCode"], ["number"] = body["number"], ["holderName"] = holder["name"], ["holderCodeType"] = holder["codeType"],
            ["holderCode"] = holder["code"], ["areaCode"] = body["areaCode"], ["validFrom"] = body["validFrom"],
            ["attributes"] = new Dictionary<string, string> { ["entityType"] = "有限责任公司", ["legalRep"] = "John SMITH" },
        });
        var file = Path.Combine(_folder, "rows.jsonl");
        await File.WriteAllLinesAsync(file, [row]);
        string Batch(string database, string extra) => $"issue batch {file} --sqlite {Path.Combine(_folder, database)} --authority 11500000MB1A00011N --keys {RepositoryPaths.KeysSample}{Programs.NoApproval("11500000MB1A00011N")}{extra}";

        var refused = await Programs.RunAsync(Programs.Cli, Batch("narrowed.db", $" --licence-types {narrowed}"));
        var report = await File.ReadAllLinesAsync(file + ".errors.csv");
        var issued = await Programs.RunAsync(Programs.Cli, Batch("shipped.db", string.Empty));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        Assert.Contains("issued 0,", refused.Output, StringComparison.Ordinal);
        Assert.StartsWith("1,ATTRIBUTE_PATTERN_MISMATCH,attributes.legalRep,", report[1], StringComparison.Ordinal);
        Assert.True(issued.Code == 0, issued.Output);
        Assert.Contains("issued 1,", issued.Output, StringComparison.Ordinal);
    }

    private static string ShippedFile => Path.Combine(RepositoryPaths.Root, "src", "LicenceTrust.Core", "Licences", "licence-types.json");

    /// <summary>The shipped file with an enumerated value longer than its attribute allows.</summary>
    private async Task<string> BadFileAsync()
    {
        var catalogue = JsonNode.Parse(await File.ReadAllTextAsync(ShippedFile))!;
        catalogue["types"]![4]!["attributes"]![1]!["values"] = new JsonArray("A", "ABCDE");
        var path = Path.Combine(_folder, "bad-types.json");
        await File.WriteAllTextAsync(path, catalogue.ToJsonString());
        return path;
    }
}
