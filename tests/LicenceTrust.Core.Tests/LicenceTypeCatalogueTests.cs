using System.Text;
using System.Text.Json.Nodes;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Testing;

namespace LicenceTrust.Core.Tests;

/// <summary>
/// The licence-type catalogue file (schemas/licence-types.schema.json): the shipped file, and every rule a
/// deployment's file is held to, each refused with the entry and the rule named, by the loader and, where a
/// schema can say it, by the published schema too.
/// </summary>
public class LicenceTypeCatalogueTests
{
    private static readonly string ShippedFile = Path.Combine(RepositoryPaths.Root, "src", "LicenceTrust.Core", "Licences", "licence-types.json");

    [Fact]
    public void The_shipped_catalogue_holds_the_five_types_of_the_format_table_and_passes_the_schema()
    {
        var shipped = LicenceTypeCatalogue.Shipped;

        Assert.Equal(5, shipped.All.Count);
        // LT1 leaves a type's name out only for these five, by a table fixed in the format: it must agree with the catalogue shipped with it.
        Assert.Equal(CredentialFormat.ImpliedTypeNames.OrderBy(p => p.Key, StringComparer.Ordinal),
            shipped.All.Select(t => KeyValuePair.Create(t.Code.Value, t.NameZh)).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.True(SchemaTests.IsValid("licence-types.schema.json", File.ReadAllText(ShippedFile)));
    }

    [Fact]
    public void Finding_a_type_takes_its_code_or_either_name()
    {
        var catalogue = LicenceTypeCatalogue.Shipped;

        Assert.True(catalogue.TryFind("11100000MB0400004E001", out var byCode));
        Assert.True(catalogue.TryFind("外国人工作许可证", out var byChinese));
        Assert.True(catalogue.TryFind("foreigner's WORK permit", out var byEnglish));
        Assert.Same(byCode, byChinese);
        Assert.Same(byCode, byEnglish);
        Assert.False(catalogue.TryFind("药品经营许可证", out _));
    }

    [Fact]
    public void Patterns_match_the_whole_value_and_enumerations_the_exact_value()
    {
        var permit = LicenceTypeCatalogue.Shipped.Get(LicenceTypeCode.Parse("11100000MB0400004E001"));
        var category = permit.Attributes.Single(a => a.Key == "category");
        var capital = LicenceTypeCatalogue.Shipped.Get(LicenceTypeCode.Parse("11100000MB0100001D001")).Attributes.Single(a => a.Key == "capital");

        Assert.True(category.IsAllowedValue("B"));
        Assert.False(category.IsAllowedValue("b"));
        Assert.False(category.IsAllowedValue("B "));
        Assert.True(capital.MatchesPattern("伍佰万元整"));
        Assert.True(capital.MatchesPattern("500万元"));
        // Anchored: a matching part inside a longer value is not a match.
        Assert.False(capital.MatchesPattern("约500万元"));
        Assert.False(capital.MatchesPattern("five million"));
        Assert.True(permit.Attributes.Single(a => a.Key == "employer").MatchesPattern("anything"));
    }

    public static TheoryData<string, string, string, bool> BadFiles => new()
    {
        // what, edit (a path and a JSON value, or a removal), the message must contain, the schema refuses it too
        { "no types", "types=[]", "lists no type", true },
        { "unknown field", "types/0/colour=\"red\"", "colour", true },
        { "missing field", "types/0/nameEn-", "nameEn", true },
        { "code not 21 characters", "types/0/code=\"11100000MB0100001D01\"", "types[0].code", true },
        { "department check character wrong", "types/0/code=\"11100000MB0100001E001\"", "not a valid credit code", false },
        { "duplicate code", "types/1/code=\"11100000MB0100001D001\"", "type code '11100000MB0100001D001' appears twice", false },
        { "duplicate Chinese name", "types/1/nameZh=\"营业执照\"", "Chinese name '营业执照' appears twice", false },
        { "name with a bidi control", "types/0/nameZh=\"营业\u202E执照\"", "text policy", false },
        { "name too long", $"types/0/nameZh=\"{new string('证', 61)}\"", "nameZh: must be 1-60", true },
        { "unknown holder code type", "types/0/holderCodeTypes=[\"002\"]", "'002' is not a holder code type", true },
        { "no holder code type", "types/0/holderCodeTypes=[]", "at least one holder code type", true },
        { "personal flag contradicts codes", "types/0/personalHolder=true", "personalHolder is true", false },
        { "attribute key with a dash", "types/0/attributes/0/key=\"entity-type\"", "key 'entity-type'", true },
        { "duplicate attribute key", "types/0/attributes/1/key=\"entityType\"", "key 'entityType' appears twice", false },
        { "max length zero", "types/0/attributes/0/maxLength=0", "maxLength 0", true },
        { "max length over 200", "types/0/attributes/0/maxLength=201", "maxLength 201", true },
        { "pattern that does not compile", "types/0/attributes/0/pattern=\"([a-z\"", "not a valid regular expression", false },
        { "empty enumeration", "types/0/attributes/0/values=[]", "at least one value", true },
        { "enumerated value too long", "types/4/attributes/1/values=[\"ABCDE\"]", "must be 1-4", false },
        { "enumerated value outside the pattern", "types/0/attributes/2/values=[\"five million\"]", "does not match the attribute's pattern", false },
        { "not JSON", "!{", "licence-type catalogue", true },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_catalogue_is_refused_naming_the_entry_and_the_rule(string what, string edit, string expected, bool schemaRefuses)
    {
        var json = Edit(File.ReadAllText(ShippedFile), edit);

        var refused = Assert.Throws<InvalidDataException>(() => LicenceTypeCatalogue.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), "licence-type catalogue test.json"));

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        Assert.StartsWith("licence-type catalogue test.json", refused.Message, StringComparison.Ordinal);
        if (edit.StartsWith('!'))
        {
            return; // not JSON: nothing for a schema to evaluate
        }

        if (schemaRefuses)
        {
            Assert.False(SchemaTests.IsValid("licence-types.schema.json", json), $"{what}: the schema should refuse it too");
        }
        else
        {
            // What a schema cannot say, the loader must: the published schema lets it through, the node does not.
            Assert.True(SchemaTests.IsValid("licence-types.schema.json", json), $"{what}: expected only the loader to refuse it");
        }
    }

    /// <summary>Applies "path=json" (set), "path-" (remove) or "!text" (replace the whole file) to the catalogue.</summary>
    private static string Edit(string json, string edit)
    {
        if (edit.StartsWith('!'))
        {
            return edit[1..];
        }

        var root = JsonNode.Parse(json)!;
        var remove = edit.EndsWith('-') && !edit.Contains('=');
        var (path, value) = remove ? (edit[..^1], null) : (edit[..edit.IndexOf('=')], edit[(edit.IndexOf('=') + 1)..]);
        var steps = path.Split('/');
        var node = root;
        foreach (var step in steps[..^1])
        {
            node = int.TryParse(step, out var index) ? node[index]! : node[step]!;
        }

        var last = steps[^1];
        if (remove)
        {
            node.AsObject().Remove(last);
        }
        else if (int.TryParse(last, out var index))
        {
            node[index] = JsonNode.Parse(value!);
        }
        else
        {
            node[last] = JsonNode.Parse(value!);
        }

        return root.ToJsonString();
    }
}
