using System.Text;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Sharing;

namespace LicenceTrust.Federation.Tests;

/// <summary>The matter catalogue (事项清单, docs/federation.md §9.1): the shipped file, and each rule a deployment's file is held to at start.</summary>
public class MatterCatalogueTests
{
    private const string Business = "11100000MB0100001D001";
    private const string Qualification = "11100000MB0300003Q001";

    private static MatterCatalogue Read(string json) => MatterCatalogue.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), "test catalogue", LicenceTypeCatalogue.Shipped);

    private static string One(string code, string licences) => $$"""{"matters": [{"code": "{{code}}", "nameZh": "事项", "nameEn": "Matter", "licences": [{{licences}}]}]}""";

    [Fact]
    public void The_shipped_catalogue_loads_and_every_personal_licence_in_it_needs_consent()
    {
        var shipped = MatterCatalogue.Shipped(LicenceTypeCatalogue.Shipped);

        Assert.True(shipped.All.Count >= 5);
        Assert.All(shipped.All.SelectMany(m => m.Licences).Where(l => l.Type.PersonalHolder), l => Assert.True(l.Consent));
        Assert.Equal(3, shipped.Get("CYTB-SC-0103").Licences.Count);
    }

    [Theory]
    [InlineData("a personal licence without consent", "CYTB-1", $$"""{"type": "{{Qualification}}", "consent": false}""", "needs \"consent\": true")]
    [InlineData("a type outside the licence-type catalogue", "CYTB-1", """{"type": "11100000MB0100001D009", "consent": false}""", "not a licence type")]
    [InlineData("a type listed twice", "CYTB-1", $$"""{"type": "{{Business}}", "consent": false}, {"type": "{{Business}}", "consent": true}""", "listed twice")]
    [InlineData("a code in lower case", "cytb-1", $$"""{"type": "{{Business}}", "consent": false}""", "capital letters")]
    [InlineData("no licence", "CYTB-1", "", "at least one licence type")]
    public void A_catalogue_breaking_a_rule_is_refused_naming_the_entry_and_the_rule(string what, string code, string licences, string expected)
    {
        var refused = Assert.Throws<InvalidDataException>(() => Read(One(code, licences)));

        Assert.True(refused.Message.Contains(expected, StringComparison.Ordinal), $"{what}: {refused.Message}");
        Assert.StartsWith("test catalogue: matters[0]", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_matters_of_one_code_and_unknown_fields_are_refused_and_an_unknown_matter_is_MATTER_UNKNOWN()
    {
        var twice = $$"""{"matters": [{"code": "CYTB-1", "nameZh": "甲", "nameEn": "A", "licences": [{"type": "{{Business}}", "consent": false}]},""" +
            $$"""{"code": "CYTB-1", "nameZh": "乙", "nameEn": "B", "licences": [{"type": "{{Business}}", "consent": false}]}]}""";

        Assert.Contains("listed twice", Assert.Throws<InvalidDataException>(() => Read(twice)).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => Read(One("CYTB-1", $$"""{"type": "{{Business}}", "consent": false, "public": true}""")));
        Assert.Equal("MATTER_UNKNOWN", Assert.Throws<LicenceTrustException>(() => Read(One("CYTB-1", $$"""{"type": "{{Business}}", "consent": false}""")).Get("CYTB-2")).Error.Code);
    }
}
