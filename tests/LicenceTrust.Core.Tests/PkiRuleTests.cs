using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Results;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Core.Tests;

/// <summary>Certificate chain rules: who may sign what, and when.</summary>
public class PkiRuleTests
{
    private static readonly ProvinceKeys Sichuan = SampleKeys.Of(SampleProvinces.Sichuan);
    private static readonly ProvinceKeys Chongqing = SampleKeys.Of(SampleProvinces.Chongqing);
    private static readonly SampleAuthority MarketRegulator = SampleAuthorities.For(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence);

    private static (IssuerCertificate Certificate, SigningKey Key) NewIssuer(
        ProvinceKeys under, Province named, SampleAuthority authority, DateTimeOffset from, DateTimeOffset to, SignatureAlgorithm? algorithm = null)
    {
        var key = SigningKey.Generate(algorithm ?? SignatureAlgorithm.Sm2Sm3);
        var profile = new IssuerProfile(authority.Code, authority.Name, [.. authority.Types.Select(t => t.Code)]);
        var der = CertificateFactory.CreateIssuer(named, under.Root.Der.ToArray(), under.RootKey!, key, profile, from, to);
        return (IssuerCertificate.Parse(der), key);
    }

    private static VerificationResult VerifyWith(IssuerCertificate certificate, SigningKey key, Licence licence, DateTimeOffset signedAt, DateTimeOffset now)
    {
        var store = TrustStore.Create(SampleKeys.Provinces.Select(p => p.Root), [certificate]);
        var credential = Credentials.Sign(licence, key, certificate.Kid, signedAt);
        return new CredentialVerifier(store).Verify(credential.QrText, now);
    }

    [Fact]
    public void The_sample_store_trusts_every_sample_issuer_and_rejects_none()
    {
        Assert.Equal(8, SampleKeys.TrustStore.Issuers.Count);
        Assert.Empty(SampleKeys.TrustStore.Rejected);
        Assert.Equal(2, SampleKeys.TrustStore.Roots.Count);
    }

    [Fact]
    public void An_ECDSA_root_and_list_signer_work_like_SM2_ones()
    {
        var rootKey = SigningKey.Generate(SignatureAlgorithm.Es256);
        var rootDer = CertificateFactory.CreateRoot(SampleProvinces.Chongqing, rootKey, "P-256 root", SampleKeyGenerator.RootFrom, SampleKeyGenerator.RootTo);
        var root = new ProvinceKeys(SampleProvinces.Chongqing, TrustAnchor.Create(rootDer), rootKey, null, []);
        var authority = SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence);
        var (certificate, key) = NewIssuer(root, SampleProvinces.Chongqing, authority, SampleKeyGenerator.LeafFrom, SampleKeyGenerator.LeafTo, SignatureAlgorithm.Es256);
        var listSigner = CertificateFactory.CreateListSigner(SampleProvinces.Chongqing, rootDer, rootKey, SigningKey.Generate(SignatureAlgorithm.Es256), "P-256 list signer", SampleKeyGenerator.LeafFrom, SampleKeyGenerator.LeafTo);

        var store = TrustStore.Create([root.Root], [certificate]);
        var licence = ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Chongqing).Build();
        var result = new CredentialVerifier(store).Verify(Credentials.Sign(licence, key, certificate.Kid).QrText, TestClock.Now);

        Assert.Empty(store.Rejected);
        Assert.Equal(Verdict.Valid, result.Verdict);
        Assert.Contains("licence-signing", Assert.Throws<FormatException>(() => IssuerCertificate.Parse(listSigner)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_issuer_certificate_of_an_unknown_root_is_not_trusted()
    {
        var rogueRootKey = SigningKey.Generate(SignatureAlgorithm.Sm2Sm3);
        // Same subject as the real Sichuan root: only the signature tells them apart.
        var rogueRoot = CertificateFactory.CreateRoot(SampleProvinces.Sichuan, rogueRootKey, $"SAMPLE {SampleProvinces.Sichuan.NameZh}电子证照互认根CA", SampleKeyGenerator.RootFrom, SampleKeyGenerator.RootTo);
        var rogue = new ProvinceKeys(SampleProvinces.Sichuan, TrustAnchor.Create(rogueRoot), rogueRootKey, null, []);
        var (certificate, _) = NewIssuer(rogue, SampleProvinces.Sichuan, MarketRegulator, SampleKeyGenerator.LeafFrom, SampleKeyGenerator.LeafTo);

        var store = TrustStore.Create(SampleKeys.Provinces.Select(p => p.Root), [certificate]);

        Assert.Empty(store.Issuers);
        Assert.Contains("signature does not verify", Assert.Single(store.Rejected).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_root_cannot_vouch_for_an_authority_of_the_other_province()
    {
        // The Chongqing root signs a certificate naming a Sichuan authority code.
        var (certificate, _) = NewIssuer(Chongqing, SampleProvinces.Chongqing, MarketRegulator, SampleKeyGenerator.LeafFrom, SampleKeyGenerator.LeafTo);
        var store = TrustStore.Create(SampleKeys.Provinces.Select(p => p.Root), [certificate]);
        Assert.Empty(store.Issuers);
        Assert.Contains("not registered in Chongqing", Assert.Single(store.Rejected).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_licence_signed_after_the_issuer_certificate_expired_is_invalid()
    {
        var (certificate, key) = NewIssuer(Sichuan, SampleProvinces.Sichuan, MarketRegulator, new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), new(2025, 12, 31, 0, 0, 0, TimeSpan.Zero));
        var licence = ALicence.OfType(SampleLicenceTypes.BusinessLicence).Build();

        var late = VerifyWith(certificate, key, licence, TestClock.SignedAt, TestClock.Now);
        var inTime = VerifyWith(certificate, key, licence, new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero), TestClock.Now);

        Assert.Equal(ReasonCode.IssuerCertificateExpired, late.PrimaryReason);
        // Signed while the certificate was valid: still valid later (withdrawal is the trust list's job).
        Assert.Equal(Verdict.Valid, inTime.Verdict);
    }

    [Fact]
    public void A_licence_signed_before_the_issuer_certificate_starts_is_invalid()
    {
        var (certificate, key) = NewIssuer(Sichuan, SampleProvinces.Sichuan, MarketRegulator, new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), SampleKeyGenerator.LeafTo);
        var result = VerifyWith(certificate, key, ALicence.OfType(SampleLicenceTypes.BusinessLicence).Build(), TestClock.SignedAt, TestClock.Now);
        Assert.Equal(ReasonCode.IssuerCertificateNotYetValid, result.PrimaryReason);
    }

    [Fact]
    public void Verification_after_the_root_expires_is_invalid()
    {
        var licence = ALicence.OfType(SampleLicenceTypes.BusinessLicence).Valid(new DateOnly(2025, 1, 1), null).Build();
        var result = new CredentialVerifier(SampleKeys.TrustStore).Verify(Credentials.Sign(licence).QrText, new DateTimeOffset(2045, 6, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(ReasonCode.RootExpired, result.PrimaryReason);
    }

    [Fact]
    public void An_issuer_may_sign_only_the_licence_types_its_certificate_allows()
    {
        // The Sichuan HR department signs a business licence in its own name.
        var hr = SampleKeys.IssuerWith(SampleProvinces.Sichuan, SignatureAlgorithm.Es256);
        var licence = ALicence.OfType(SampleLicenceTypes.BusinessLicence).ClaimingAuthority(hr.Certificate.AuthorityCode).Build();
        var result = new CredentialVerifier(SampleKeys.TrustStore).Verify(Credentials.Sign(licence, hr.Key, hr.Certificate.Kid).QrText, TestClock.Now);
        Assert.Equal(ReasonCode.IssuerNotAllowedForType, result.PrimaryReason);
        Assert.Equal(Verdict.Invalid, result.Verdict);
    }

    [Fact]
    public void An_issuer_cannot_sign_in_another_authority_s_name()
    {
        // Sichuan's market regulator signs a licence that names Chongqing's market regulator.
        var chongqingRegulator = SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence);
        var licence = ALicence.OfType(SampleLicenceTypes.BusinessLicence).ClaimingAuthority(chongqingRegulator.Code.Value).Build();
        var sichuan = SampleKeys.Of(SampleProvinces.Sichuan).Issuers.Single(i => i.Certificate.AuthorityCode == MarketRegulator.Code.Value);
        var result = new CredentialVerifier(SampleKeys.TrustStore).Verify(Credentials.Sign(licence, sichuan.Key, sichuan.Certificate.Kid).QrText, TestClock.Now);
        Assert.Equal(ReasonCode.IssuerMismatch, result.PrimaryReason);
    }

    [Fact]
    public void A_root_must_match_its_pin()
    {
        var der = Sichuan.Root.Der.ToArray();
        Assert.Equal(Sichuan.Root.Fingerprint, TrustAnchor.Create(der, Sichuan.Root.Fingerprint.ToUpperInvariant()).Fingerprint);
        var error = Assert.Throws<FormatException>(() => TrustAnchor.Create(der, Chongqing.Root.Fingerprint));
        Assert.Contains("does not match the pin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_self_signed_CA_certificates_can_be_roots()
    {
        var issuer = Sichuan.Issuers[0].Certificate.Der.ToArray();
        Assert.Contains("self-signed", Assert.Throws<FormatException>(() => TrustAnchor.Create(issuer)).Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => TrustAnchor.Create([1, 2, 3]));
    }

    [Fact]
    public void Certificates_that_are_not_licence_signers_are_refused_as_issuers()
    {
        Assert.Contains("must not be a CA", Assert.Throws<FormatException>(() => IssuerCertificate.Parse(Sichuan.Root.Der.ToArray())).Message, StringComparison.Ordinal);
        Assert.Contains("licence-signing", Assert.Throws<FormatException>(() => IssuerCertificate.Parse(Sichuan.ListSigner!.CertificateDer)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Issuer_certificates_say_what_they_allow()
    {
        var certificate = SampleKeys.IssuerOf(ALicence.OfType(SampleLicenceTypes.FoodBusinessPermit).Build()).Certificate;
        Assert.True(certificate.Allows(SampleLicenceTypes.FoodBusinessPermit.Code));
        Assert.True(certificate.Allows(SampleLicenceTypes.BusinessLicence.Code));
        Assert.False(certificate.Allows(SampleLicenceTypes.ForeignerWorkPermit.Code));
        Assert.Equal(SampleProvinces.Sichuan, certificate.Province);
        Assert.Equal("四川省市场监督管理局", certificate.AuthorityName);
    }

    [Fact]
    public void The_key_directory_refuses_a_key_that_does_not_match_its_certificate()
    {
        var copy = Directory.CreateTempSubdirectory("lt-keys-").FullName;
        try
        {
            CopyDirectory(RepositoryPaths.KeysSample, copy);
            var issuers = Path.Combine(copy, "cq", KeyDirectory.IssuersFolder);
            var keys = Directory.GetFiles(issuers, "*-sm2-sm3.key.pem").Order(StringComparer.Ordinal).ToArray();
            File.Copy(keys[1], keys[0], overwrite: true);

            var error = Assert.Throws<InvalidDataException>(() => KeyDirectory.Load(copy, SampleProvinces.Chongqing));
            Assert.Contains("does not match the certificate", error.Message, StringComparison.Ordinal);

            File.Delete(Path.Combine(copy, "cq", KeyDirectory.RootCertificate));
            Assert.Contains("file not found", Assert.Throws<InvalidDataException>(() => KeyDirectory.Load(copy, SampleProvinces.Chongqing)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(from, to, StringComparison.Ordinal));
        }

        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
        }
    }
}

public class ReceiptTests
{
    private static readonly byte[] Json = """{"result":{"verdict":"VALID"},"checkedAgainst":{"at":"2026-06-01T00:00:00Z"}}"""u8.ToArray();

    private static IReadOnlyList<ListSignerCertificate> Signers(params Province[] provinces) =>
        [.. provinces.Select(p => SampleKeys.Of(p)).Select(k => ListSignerCertificate.Parse(k.ListSigner!.CertificateDer, k.Root))];

    [Fact]
    public void A_receipt_verifies_with_its_node_s_list_signer_only()
    {
        var signer = SampleKeys.Of(SampleProvinces.Sichuan).ListSigner!;
        var receipt = Receipt.Sign(Json, signer.Key, KeyId.ForCertificate(signer.CertificateDer));

        var payload = Receipt.TryVerify(receipt, Signers(SampleProvinces.Chongqing, SampleProvinces.Sichuan), out var signedBy, out _);
        Assert.Equal(Json, payload);
        Assert.Equal(SampleProvinces.Sichuan, signedBy!.Province);

        Assert.Null(Receipt.TryVerify(receipt, Signers(SampleProvinces.Chongqing), out _, out var unknown));
        Assert.Contains("unknown key", unknown, StringComparison.Ordinal);

        var tampered = (byte[])receipt.Clone();
        tampered[Array.IndexOf(tampered, (byte)'V')] = (byte)'I';
        Assert.Null(Receipt.TryVerify(tampered, Signers(SampleProvinces.Sichuan), out _, out var bad));
        Assert.Contains("does not verify", bad, StringComparison.Ordinal);

        Assert.Null(Receipt.TryVerify([0x01, 0x02], Signers(SampleProvinces.Sichuan), out _, out var malformed));
        Assert.Contains("malformed", malformed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_signer_must_come_from_the_root_it_is_checked_against()
    {
        var sichuan = SampleKeys.Of(SampleProvinces.Sichuan);
        var error = Assert.Throws<FormatException>(() => ListSignerCertificate.Parse(sichuan.ListSigner!.CertificateDer, SampleKeys.Of(SampleProvinces.Chongqing).Root));
        Assert.Contains("not issued by the cq root", error.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ListSignerCertificate.Parse(sichuan.Issuers[0].Certificate.Der.ToArray(), sichuan.Root));
    }
}
