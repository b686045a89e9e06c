using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Json;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Results;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Core.Tests;

/// <summary>
/// A province outside the sample pair (贵州省, 52, node id gz) works like the two sample provinces:
/// certificates name it, its identifiers and area codes belong to it, and its credentials verify
/// against its root. Nothing in Core had to change for it: the province registry holds it.
/// </summary>
public class RegistryProvinceTests
{
    private static readonly Province Guizhou = Province.FromNodeId("gz");
    private static readonly DateTimeOffset From = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2035, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_guizhou_root_and_issuer_sign_a_guizhou_licence_that_verifies_and_names_its_province()
    {
        var rootKey = SigningKey.Generate(SignatureAlgorithm.Sm2Sm3);
        var root = CertificateFactory.CreateRoot(Guizhou, rootKey, "TEST 贵州省电子证照互认根CA", From, To);
        var issuerKey = SigningKey.Generate(SignatureAlgorithm.Sm2Sm3);
        var authority = UnifiedSocialCreditCode.FromBody("11520000MB3C00011");
        var issuer = IssuerCertificate.Parse(CertificateFactory.CreateIssuer(
            Guizhou, root, rootKey, issuerKey, new IssuerProfile(authority, "贵州省市场监督管理局", [SampleLicenceTypes.BusinessLicence.Code]), From, To));
        var demo = DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 1);
        var licence = Licence.Create(
            LicenceIdentifier.Create(demo.TypeCode, authority, "202600000001"), demo.Name, demo.Number, demo.Holder,
            "贵州省市场监督管理局", "520102", demo.IssueDate, demo.ValidFrom, demo.ValidTo, demo.Attributes);
        var text = CredentialWriter.Write(CredentialClaims.Create(licence, TestClock.SignedAt, new StatusReference(7, "https://gz.lt.example/s/1", 1)), issuerKey, issuer.Kid, CredentialEncoding.Lt2).QrText;

        var result = new CredentialVerifier(TrustStore.Create([TrustAnchor.Create(root)], [issuer])).Verify(text, TestClock.Now);

        Assert.Equal(Guizhou, issuer.Province);
        Assert.Equal(Guizhou, licence.Province);
        Assert.Equal(Verdict.Valid, result.Verdict);
        Assert.Equal(("gz", "贵州省"), (result.Issuer!.Province.NodeId, result.Issuer.Province.NameZh));
        Assert.Equal(Verdict.Invalid, new CredentialVerifier(SampleKeys.TrustStore).Verify(text, TestClock.Now).Verdict);
    }

    [Fact]
    public void An_area_code_outside_the_registry_is_refused_with_a_message_naming_no_province_pair()
    {
        var demo = DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 1);

        var error = Assert.Throws<FormatException>(() => Licence.Create(
            demo.Identifier, demo.Name, demo.Number, demo.Holder, demo.AuthorityName, "990101", demo.IssueDate, demo.ValidFrom, demo.ValidTo, demo.Attributes));

        Assert.StartsWith("areaCode:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("重庆", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>
/// A credential of a licence type this node's catalogue does not know (docs/format.md, "Types outside the
/// catalogue"): it verifies by signature and trust like any other, and the answer shows the type code and
/// the name the credential carries.
/// </summary>
public class UnknownTypeTests
{
    [Fact]
    public void A_type_outside_the_catalogue_that_the_issuer_certificate_allows_is_valid_and_shows_its_carried_name()
    {
        var unknown = LicenceTypeCode.Parse("11100000MB0100001D003");
        Assert.False(LicenceTypeCatalogue.Shipped.TryGet(unknown, out _));
        var sichuan = SampleKeys.Of(SampleProvinces.Sichuan);
        var regulator = SampleAuthorities.For(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence);
        var key = SigningKey.Generate(SignatureAlgorithm.Sm2Sm3);
        var issuer = IssuerCertificate.Parse(CertificateFactory.CreateIssuer(SampleProvinces.Sichuan, sichuan.Root.Der.ToArray(), sichuan.RootKey!, key,
            new IssuerProfile(regulator.Code, regulator.Name, [unknown]), new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2035, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var demo = DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 1);
        var licence = Licence.Create(LicenceIdentifier.Create(unknown, regulator.Code, "202600000009"), "药品经营许可证", demo.Number, demo.Holder,
            regulator.Name, demo.AreaCode, demo.IssueDate, demo.ValidFrom, demo.ValidTo, new Dictionary<string, string> { ["scope"] = "中药饮片" });
        var text = CredentialWriter.Write(CredentialClaims.Create(licence, TestClock.SignedAt, Credentials.Status()), key, issuer.Kid, CredentialEncoding.Lt1).QrText;
        var trust = TrustStore.Create([sichuan.Root], [issuer]);

        var result = new CredentialVerifier(trust).Verify(text, TestClock.Now);
        var view = result.ToView(Disclosure.Full, LicenceTypeCatalogue.Shipped);
        var unallowed = new CredentialVerifier(SampleKeys.TrustStore).Verify(
            CredentialWriter.Write(CredentialClaims.Create(licence, TestClock.SignedAt, Credentials.Status()), SampleKeys.IssuerOf(demo).Key, SampleKeys.IssuerOf(demo).Certificate.Kid, CredentialEncoding.Lt1).QrText, TestClock.Now);

        Assert.Equal(Verdict.Valid, result.Verdict);
        Assert.Equal(("11100000MB0100001D003", null, "药品经营许可证"), (view.Summary!.TypeCode, view.Summary.TypeName, view.Summary.Name));
        Assert.Equal("中药饮片", view.Licence!.Attributes["scope"]);
        Assert.Equal(ReasonCode.IssuerNotAllowedForType, unallowed.PrimaryReason);
    }
}
