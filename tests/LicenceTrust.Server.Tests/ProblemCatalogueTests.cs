using System.Text.RegularExpressions;
using LicenceTrust.Core.Results;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// One error catalogue (<see cref="ProblemCatalogue"/>): every problem code the source can answer with is
/// in it, every entry is used, and docs/api.md's error table lists exactly its codes with their statuses,
/// so a code cannot ship undocumented.
/// </summary>
public partial class ProblemCatalogueTests
{
    /// <summary>UPPER_SNAKE literals in src/ that are not problem codes.</summary>
    private static readonly HashSet<string> NotProblemCodes = ["OTEL_BSP_SCHEDULE_DELAY", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "LICENCETRUST_KEY_PASSPHRASE", "LICENCETRUST_PKCS11_PIN"];

    /// <summary>Codes written without an underscore, which the literal scan cannot tell from other words.</summary>
    private static readonly string[] OneWordCodes = ["UNAUTHENTICATED", "FORBIDDEN"];

    private static IReadOnlySet<string> CodesInSource()
    {
        var source = Path.Combine(RepositoryPaths.Root, "src");
        // Pages too: a console page answers with a code of its own (PASSWORD_MISMATCH) like a service does.
        return Directory.GetFiles(source, "*.cs", SearchOption.AllDirectories).Concat(Directory.GetFiles(source, "*.razor", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains("LicenceTrust.Client", StringComparison.Ordinal)
                && Path.GetFileName(f) != "ProblemCatalogue.cs")
            .SelectMany(f => Literal().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Where(code => !NotProblemCodes.Contains(code))
            .Concat(OneWordCodes)
            .ToHashSet();
    }

    [Fact]
    public void Every_code_the_source_uses_is_in_the_catalogue() =>
        Assert.Empty(CodesInSource().Where(code => ProblemCatalogue.Find(code) is null).Order());

    [Fact]
    public void Every_catalogue_entry_is_used_and_has_both_meanings()
    {
        var used = CodesInSource();
        Assert.Empty(ProblemCatalogue.All.Where(p => !used.Contains(p.Code)).Select(p => p.Code));
        Assert.All(ProblemCatalogue.All, p =>
        {
            Assert.Matches("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$", p.Code);
            Assert.InRange(p.Status, 400, 599);
            Assert.False(string.IsNullOrWhiteSpace(p.MeaningZh));
            Assert.False(string.IsNullOrWhiteSpace(p.MeaningEn));
        });
    }

    [Fact]
    public void A_problem_passed_on_from_another_node_keeps_its_kind_and_so_its_status()
    {
        foreach (var entry in ProblemCatalogue.All.Where(e => e.Status is not (405 or 500)))
        {
            Assert.Equal(entry.Status, ProblemCatalogue.StatusOf(ProblemCatalogue.KindOf(entry)));
        }
    }

    [Fact]
    public void Docs_api_md_lists_exactly_the_catalogue_with_its_statuses()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "api.md"));
        var table = docs[docs.IndexOf("## Error codes", StringComparison.Ordinal)..];
        var documented = DocRow().Matches(table).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(ProblemCatalogue.All.ToDictionary(p => p.Code, p => p.Status).OrderBy(p => p.Key), documented.OrderBy(p => p.Key));
    }

    [GeneratedRegex("\"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\"")]
    private static partial Regex Literal();

    [GeneratedRegex(@"^\| `([A-Z0-9_]+)` \| (\d{3}) \|", RegexOptions.Multiline)]
    private static partial Regex DocRow();
}
