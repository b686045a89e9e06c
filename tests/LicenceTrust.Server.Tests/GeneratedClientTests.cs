using System.Net.Http.Headers;
using LicenceTrust.Client;
using LicenceTrust.ClientGenerator;
using LicenceTrust.Samples;

namespace LicenceTrust.Server.Tests;

/// <summary>The NSwag-generated client: current with docs/openapi.json, and working against a real node.</summary>
public class GeneratedClientTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task The_committed_client_is_what_NSwag_generates_from_the_committed_document()
    {
        var generated = await ClientCode.GenerateAsync();
        var committed = await File.ReadAllTextAsync(ClientCode.ClientPath);
        Assert.True(generated == committed, "src/LicenceTrust.Client is out of date: run dotnet run --project tests/LicenceTrust.ClientGenerator");
    }

    [Fact]
    public async Task An_authority_issues_and_a_partner_verifies_through_the_generated_client()
    {
        var authority = Client(node.RegulatorKey);
        var body = NodeFixture.IssueBody(LicenceTrust.Samples.SampleLicenceTypes.BusinessLicence, 901);
        var holder = (Dictionary<string, object?>)body["holder"]!;
        var issued = await authority.IssueLicenceAsync(new IssueRequest
        {
            TypeCode = (string)body["typeCode"]!,
            Number = (string)body["number"]!,
            Holder = new HolderRequest { Name = (string)holder["name"]!, CodeType = (string)holder["codeType"]!, Code = (string)holder["code"]! },
            AreaCode = (string)body["areaCode"]!,
            ValidFrom = DateTimeOffset.Parse((string)body["validFrom"]!, System.Globalization.CultureInfo.InvariantCulture),
            Attributes = ((IReadOnlyDictionary<string, string>)body["attributes"]!).ToDictionary(),
        });

        var verified = await Client(node.PartnerKey).VerifyAsync(new VerifyRequest { QrText = issued.QrText }, receipt: true);

        Assert.Equal("VALID", issued.Status);
        Assert.Equal("VALID", verified.Result.Verdict);
        Assert.False(string.IsNullOrEmpty(verified.Receipt));
        var missing = await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => authority.GetLicenceAsync("1.2.156.3005.2.nope"));
        Assert.Equal(404, missing.StatusCode);
    }

    [Fact]
    public async Task A_photo_is_verified_through_the_generated_client()
    {
        var qr = (await node.IssueAsync(node.RegulatorKey, LicenceTrust.Samples.SampleLicenceTypes.BusinessLicence, 902)).GetProperty("qrText").GetString()!;

        using var photo = new MemoryStream(Testing.PrintedLicencePhoto.Jpeg(qr));
        var verified = await Client(node.PartnerKey).VerifyImageAsync(photo);

        Assert.Equal(1, verified.Found);
        Assert.Equal("VALID", verified.Results.Single().Result.Verdict);
    }

    [Fact]
    public async Task A_window_system_fetches_a_holders_licence_for_a_case_through_the_generated_client()
    {
        // A holder of the node's own province: the same rules, answered here (docs/federation.md §9.2).
        await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 903);
        var holder = DemoLicences.Create(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence, 903).Holder.Code;

        var fetched = await Client(node.PartnerKey).FetchEvidenceAsync(new EvidenceFetchRequest { HolderCode = holder, Matter = "CYTB-SC-0101", CaseNumber = "CQ-CLIENT-0001", Officer = "窗口01" });
        var refused = await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => Client(node.PartnerKey).FetchEvidenceAsync(new EvidenceFetchRequest { HolderCode = holder, Matter = "CYTB-XX-0000", CaseNumber = "CQ-CLIENT-0002" }));

        Assert.Equal("cq", fetched.Province);
        Assert.Equal("VALID", Assert.Single(fetched.Licences).Verification.Result.Verdict);
        Assert.Equal(400, refused.StatusCode);
    }

    private LicenceTrustClient Client(string key)
    {
        var http = new HttpClient { BaseAddress = node.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return new LicenceTrustClient(http);
    }
}
