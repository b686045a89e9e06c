using System.Text.Json;
using Json.Schema;
using LicenceTrust.Core.Json;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Core.Tests;

/// <summary>The JSON views match the published schemas in schemas/.</summary>
public class SchemaTests
{
    private static readonly Lazy<Dictionary<string, JsonSchema>> Schemas = new(() =>
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        return Directory.GetFiles(RepositoryPaths.Schemas, "*.schema.json").Order(StringComparer.Ordinal).ToDictionary(
            file => Path.GetFileName(file),
            file => JsonSchema.Build(JsonDocument.Parse(File.ReadAllText(file)).RootElement, options, null!));
    });

    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    [Fact]
    public void Every_demo_licence_matches_the_licence_schema_in_full_and_disclosed_form()
    {
        foreach (var licence in DemoLicences.All())
        {
            AssertValid("licence.schema.json", JsonViews.Serialize(licence.ToView(LicenceTypeCatalogue.Shipped)));
            AssertValid("licence.schema.json", JsonViews.Serialize(licence.Disclosed().ToView(LicenceTypeCatalogue.Shipped)));
        }
    }

    [Fact]
    public void Every_sample_issuer_matches_the_trust_list_entry_schema()
    {
        foreach (var issuer in SampleKeys.TrustStore.Issuers)
        {
            AssertValid("trust-list-entry.schema.json", JsonViews.Serialize(issuer.Certificate.ToView()));
        }
    }

    [Fact]
    public void Valid_invalid_and_unreadable_results_match_the_verification_result_schema()
    {
        var verifier = new CredentialVerifier(SampleKeys.TrustStore);
        var credential = Credentials.Sign(ALicence.OfType(SampleLicenceTypes.FoodBusinessPermit).In(SampleProvinces.Chongqing).Build()).QrText;

        var valid = verifier.Verify(credential, TestClock.Now);
        var expired = verifier.Verify(credential, new DateTimeOffset(2034, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var unreadable = verifier.Verify("HC1:XYZ", TestClock.Now);

        Assert.Equal([Verdict.Valid, Verdict.Invalid, Verdict.Unreadable], new[] { valid.Verdict, expired.Verdict, unreadable.Verdict });
        foreach (var result in new[] { valid, expired, unreadable })
        {
            AssertValid("verification-result.schema.json", JsonViews.Serialize(result.ToView(Disclosure.Public, LicenceTypeCatalogue.Shipped)));
            AssertValid("verification-result.schema.json", JsonViews.Serialize(result.ToView(Disclosure.Full, LicenceTypeCatalogue.Shipped)));
        }
    }

    [Theory]
    [InlineData("licence.schema.json", "full citizen ID marked masked", "{masked}", "{full}")]
    [InlineData("licence.schema.json", "unknown field", "\"number\":", "\"extra\":1,\"number\":")]
    [InlineData("verification-result.schema.json", "VALID with a reason", "\"reasons\":[]", "\"reasons\":[{\"code\":\"EXPIRED\",\"messageZh\":\"x\",\"messageEn\":\"x\"}]")]
    public void The_schemas_can_fail(string schema, string what, string find, string replace)
    {
        var verifier = new CredentialVerifier(SampleKeys.TrustStore);
        var licence = ALicence.OfType(SampleLicenceTypes.ProfessionalQualification).In(SampleProvinces.Sichuan).Build();
        var json = schema == "licence.schema.json"
            ? JsonViews.Serialize(licence.Disclosed().ToView(LicenceTypeCatalogue.Shipped))
            : JsonViews.Serialize(verifier.Verify(Credentials.Sign(licence).QrText, TestClock.Now).ToView(Disclosure.Full, LicenceTypeCatalogue.Shipped));
        find = find.Replace("{masked}", $"\"code\":\"{licence.Disclosed().Holder.Code}\"", StringComparison.Ordinal);
        replace = replace.Replace("{full}", $"\"code\":\"{licence.Holder.Code}\"", StringComparison.Ordinal);
        Assert.Contains(find, json, StringComparison.Ordinal);

        var broken = json.Replace(find, replace, StringComparison.Ordinal);

        var result = Schemas.Value[schema].Evaluate(JsonDocument.Parse(broken).RootElement, Evaluation);
        Assert.False(result.IsValid, $"{what} should break {schema}");
    }

    /// <summary>Whether <paramref name="json"/> passes the schema file named <paramref name="schema"/> in schemas/.</summary>
    internal static bool IsValid(string schema, string json) =>
        Schemas.Value[schema].Evaluate(JsonDocument.Parse(json).RootElement, Evaluation).IsValid;

    private static void AssertValid(string schema, string json)
    {
        var result = Schemas.Value[schema].Evaluate(JsonDocument.Parse(json).RootElement, Evaluation);
        Assert.True(result.IsValid, $"{schema}: {json}\n{string.Join("\n", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")))}");
    }
}
