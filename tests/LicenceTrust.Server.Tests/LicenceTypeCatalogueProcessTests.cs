using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// A licence type is added as docs/operations.md ("Adding a licence type") says: an edit of the catalogue
/// file and a restart, then a certificate that allows the type. Two real node processes on a copy of the
/// sample keys: Chongqing with its own catalogue file, Sichuan with the shipped one.
/// </summary>
public sealed class LicenceTypeCatalogueProcessTests : OwnKeysPair
{
    /// <summary>药品经营许可证: a type no shipped catalogue lists (its department is the business licence's, so the code is well formed).</summary>
    private const string DrugPermit = "11100000MB0100001D003";

    private string Catalogue => Path.Combine(Keys, "licence-types.json");

    protected override string[] ChongqingSettings => [$"--Node:LicenceTypes={Catalogue}"];

    protected override Task PrepareAsync() => File.WriteAllTextAsync(Catalogue, WithDrugPermit());

    [Fact]
    public async Task A_type_added_to_the_catalogue_is_issued_once_a_certificate_allows_it_and_verifies_at_a_node_that_does_not_know_it()
    {
        var regulator = SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence);
        var key = await Chongqing.AuthorityKeyAsync(regulator.Code.Value);

        // The node lists the new type with its rules; the other node's catalogue is the shipped one.
        var listed = await Chongqing.Client().GetFromJsonAsync<JsonElement>("/api/v1/licence-types");
        var drug = listed.EnumerateArray().Single(t => t.GetProperty("code").GetString() == DrugPermit);
        Assert.Equal(["批发", "零售连锁", "零售"], drug.GetProperty("attributes")[1].GetProperty("values").EnumerateArray().Select(v => v.GetString()));
        Assert.DoesNotContain((await Sichuan.Client().GetFromJsonAsync<JsonElement>("/api/v1/licence-types")).EnumerateArray(), t => t.GetProperty("code").GetString() == DrugPermit);

        // In the catalogue but in no certificate of the authority: refused before anything is signed.
        var refused = await IssueAsync(key, "零售");
        Assert.Equal((HttpStatusCode.Forbidden, "TYPE_NOT_ALLOWED_FOR_AUTHORITY"), (refused.Status, Code(refused.Body)));

        // The authority's successor certificate allows the new type; Sichuan's agreement accepts it. Both restart.
        await Chongqing.KillAsync();
        await Sichuan.KillAsync();
        await CliAsync($"keys issuer --keys {Keys} --province cq --authority {regulator.Code.Value} --name {regulator.Name} "
            + string.Join(' ', regulator.Types.Select(t => $"--type {t.Code.Value}")) + $" --type {DrugPermit} --plaintext");
        await CliAsync($"keys agreement --keys {Keys} --province sc --peer cq --types {string.Join(',', SampleLicenceTypes.All.Select(t => t.Code.Value))},{DrugPermit}");
        await Task.WhenAll(Chongqing.StartAgainAsync(), Sichuan.StartAgainAsync());

        var notInEnumeration = await IssueAsync(key, "邮购");
        Assert.Equal((HttpStatusCode.BadRequest, "ATTRIBUTE_VALUE_NOT_ALLOWED"), (notInEnumeration.Status, Code(notInEnumeration.Body)));
        Assert.Equal("attributes.mode", notInEnumeration.Body.GetProperty("field").GetString());

        var issued = await IssueAsync(key, "零售");
        Assert.True(issued.Status == HttpStatusCode.Created, issued.Body.ToString());
        var qr = issued.Body.GetProperty("qrText").GetString()!;

        var atChongqing = (await Chongqing.WaitForVerdictAsync(qr, r => FederationTests.Verdict(r) == "VALID", TimeSpan.FromSeconds(10))).Response;
        Assert.Equal("药品经营许可证", atChongqing.GetProperty("result").GetProperty("summary").GetProperty("typeName").GetString());

        // Sichuan does not know the type: VALID by signature, certificate and agreement, with the carried name and no catalogue name.
        var atSichuan = (await Sichuan.WaitForVerdictAsync(qr, r => FederationTests.Verdict(r) == "VALID", TimeSpan.FromSeconds(20))).Response;
        var summary = atSichuan.GetProperty("result").GetProperty("summary");
        Assert.Equal("VALID", FederationTests.Verdict(atSichuan));
        Assert.Equal((DrugPermit, "药品经营许可证", JsonValueKind.Null), (summary.GetProperty("typeCode").GetString(), summary.GetProperty("name").GetString(), summary.GetProperty("typeName").ValueKind));
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> IssueAsync(string key, string mode)
    {
        var body = NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 700 + mode.Length);
        body["typeCode"] = DrugPermit;
        body["validTo"] = "2030-12-31";
        body["attributes"] = new Dictionary<string, string> { ["scope"] = "中成药、化学药制剂", ["mode"] = mode };
        using var response = await Chongqing.Client(key).PostAsJsonAsync("/api/v1/licences", body);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static string? Code(JsonElement problem) => problem.GetProperty("code").GetString();

    /// <summary>The shipped catalogue with one more type, as an operator would edit it.</summary>
    private static string WithDrugPermit()
    {
        var catalogue = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "LicenceTrust.Core", "Licences", "licence-types.json")))!;
        catalogue["types"]!.AsArray().Add(JsonNode.Parse($$"""
            {
              "code": "{{DrugPermit}}", "nameZh": "药品经营许可证", "nameEn": "Drug business licence",
              "definingDepartment": "国家药品监督管理局", "holderCodeTypes": ["001"], "personalHolder": false,
              "attributes": [
                { "key": "scope", "nameZh": "经营范围", "nameEn": "Business scope", "required": true, "maxLength": 40 },
                { "key": "mode", "nameZh": "经营方式", "nameEn": "Mode of business", "required": true, "maxLength": 4, "values": ["批发", "零售连锁", "零售"] }
              ]
            }
            """));
        return catalogue.ToJsonString();
    }

    private static async Task CliAsync(string arguments)
    {
        var (code, text) = await Programs.RunAsync(Programs.Cli, arguments);
        Assert.True(code == 0, $"licencetrust {arguments}: {text}");
    }
}
