using LicenceTrust.Samples;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Testing;

namespace LicenceTrust.Core.Tests;

public class CredentialRoundTripTests
{
    public static TheoryData<string, string> EveryTypeInEveryProvince()
    {
        var data = new TheoryData<string, string>();
        foreach (var province in SampleProvinces.All)
        {
            foreach (var type in SampleLicenceTypes.All)
            {
                data.Add(province.NodeId, type.Code.Value);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryTypeInEveryProvince))]
    public void Issue_encode_decode_verify_round_trips(string node, string typeCode)
    {
        Province.TryFromNodeId(node, out var province);
        var licence = ALicence.OfType(LicenceTypeCatalogue.Shipped.Get(LicenceTypeCode.Parse(typeCode))).In(province).Build();

        var credential = Credentials.Sign(licence);
        var result = new CredentialVerifier(SampleKeys.TrustStore).Verify(credential.QrText, TestClock.Now);

        Assert.Equal(Verdict.Valid, result.Verdict);
        Assert.Empty(result.Reasons);
        Assert.All(result.Checks, c => Assert.Equal(CheckOutcome.Passed, c.Outcome));
        var read = result.Licence!;
        Assert.Equal(licence.Identifier, read.Identifier);
        Assert.Equal(licence.Name, read.Name);
        Assert.Equal(licence.Number, read.Number);
        Assert.Equal(licence.Holder.Name, read.Holder.Name);
        Assert.Equal(licence.Holder.Disclosed().Code, read.Holder.Code);
        Assert.Equal(licence.AuthorityName, read.AuthorityName);
        Assert.Equal(licence.AreaCode, read.AreaCode);
        Assert.Equal(licence.IssueDate, read.IssueDate);
        Assert.Equal(licence.ValidFrom, read.ValidFrom);
        Assert.Equal(licence.ValidTo, read.ValidTo);
        Assert.Equal(licence.Attributes, read.Attributes);
        Assert.Equal(province, result.Issuer!.Province);
    }

    [Fact]
    public void Both_algorithms_are_exercised_in_both_provinces()
    {
        var algorithms = DemoAlgorithms().ToList();
        Assert.Contains((SampleProvinces.Chongqing, SignatureAlgorithm.Sm2Sm3), algorithms);
        Assert.Contains((SampleProvinces.Chongqing, SignatureAlgorithm.Es256), algorithms);
        Assert.Contains((SampleProvinces.Sichuan, SignatureAlgorithm.Sm2Sm3), algorithms);
        Assert.Contains((SampleProvinces.Sichuan, SignatureAlgorithm.Es256), algorithms);
    }

    [Fact]
    public void A_full_citizen_id_never_reaches_the_QR_code()
    {
        var licence = ALicence.OfType(SampleLicenceTypes.ProfessionalQualification).In(SampleProvinces.Sichuan).Build();
        Assert.False(licence.Holder.IsMasked);

        var decoded = CredentialReader.Read(Credentials.Sign(licence).QrText).Credential!;

        Assert.True(decoded.Claims.Licence.Holder.IsMasked);
        Assert.Equal(PersonalDataMask.MaskCitizenId(licence.Holder.Code), decoded.Claims.Licence.Holder.Code);
        Assert.DoesNotContain(licence.Holder.Code, System.Text.Encoding.UTF8.GetString(decoded.Payload.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_term_licence_has_no_exp()
    {
        var licence = ALicence.OfType(SampleLicenceTypes.BusinessLicence).Valid(new DateOnly(2025, 1, 1), null).Build();
        var decoded = CredentialReader.Read(Credentials.Sign(licence).QrText).Credential!;
        Assert.Null(decoded.Claims.Expires);
        Assert.Null(decoded.Claims.Licence.ValidTo);
    }

    [Fact]
    public void Validity_claims_follow_the_licence_dates_in_China_time()
    {
        var licence = ALicence.OfType(SampleLicenceTypes.FoodBusinessPermit).Valid(new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 28)).Build();
        var claims = CredentialReader.Read(Credentials.Sign(licence).QrText).Credential!.Claims;
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 16, 0, 0, TimeSpan.Zero), claims.NotBefore);
        Assert.Equal(new DateTimeOffset(2026, 2, 28, 16, 0, 0, TimeSpan.Zero), claims.Expires);
        Assert.Equal(licence.AuthorityCode, claims.Issuer);
    }

    [Fact]
    public void A_name_other_than_the_type_name_is_carried()
    {
        var demo = ALicence.OfType(SampleLicenceTypes.BusinessLicence).Build();
        var renamed = Licence.Create(demo.Identifier, "营业执照（副本）", demo.Number, demo.Holder, demo.AuthorityName, demo.AreaCode, demo.IssueDate, demo.ValidFrom, demo.ValidTo, demo.Attributes);
        var read = CredentialReader.Read(Credentials.Sign(renamed).QrText).Credential!.Claims.Licence;
        Assert.Equal("营业执照（副本）", read.Name);
    }

    private static IEnumerable<(Province, SignatureAlgorithm)> DemoAlgorithms() =>
        from province in SampleProvinces.All
        from type in SampleLicenceTypes.All
        select (province, SampleKeys.IssuerOf(ALicence.OfType(type).In(province).Build()).Key.Algorithm);
}
