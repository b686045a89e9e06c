using LicenceTrust.Samples;
using System.Formats.Cbor;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Results;
using LicenceTrust.Testing;

namespace LicenceTrust.Core.Tests;

/// <summary>Attacks on the COSE headers: alg placement, alg/key mismatch, kid collisions, crit.</summary>
public class HeaderAttackTests
{
    private static readonly CredentialVerifier Verifier = new(SampleKeys.TrustStore);
    private static readonly Licence BusinessLicence = ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Sichuan).Build();

    private static (byte[] Payload, IssuerCertificate Certificate, SigningKey Key) Parts()
    {
        var issuer = SampleKeys.IssuerOf(BusinessLicence);
        var payload = CredentialWriter.Payload(CredentialClaims.Create(BusinessLicence, TestClock.SignedAt, Credentials.Status()), CredentialEncoding.Lt1);
        return (payload, issuer.Certificate, (SigningKey)issuer.Key);
    }

    [Fact]
    public void Alg_only_in_the_unprotected_header_is_refused()
    {
        var (payload, certificate, key) = Parts();
        var cose = CoseForge.Sign1(
            CoseForge.Map((4, certificate.Kid.ToBytes())),
            CoseForge.Map((1, key.Algorithm.CoseId)),
            payload, key);

        var result = Verifier.Verify(Credentials.Wrap(cose), TestClock.Now);

        Assert.Equal(ReasonCode.AlgorithmUnprotected, result.PrimaryReason);
        Assert.Equal(Verdict.Invalid, result.Verdict);
    }

    [Fact]
    public void A_header_both_protected_and_unprotected_is_refused()
    {
        var (payload, certificate, key) = Parts();
        var cose = CoseForge.Sign1(
            CoseForge.Map((1, key.Algorithm.CoseId), (4, certificate.Kid.ToBytes())),
            CoseForge.Map((1, SignatureAlgorithm.Es256.CoseId)),
            payload, key);

        Assert.Equal(ReasonCode.CoseMalformed, Verifier.Verify(Credentials.Wrap(cose), TestClock.Now).PrimaryReason);
    }

    [Fact]
    public void Alg_that_does_not_match_the_certificate_key_is_refused()
    {
        // Claims ES256 with the kid of an SM2 certificate: the verifier must not try the SM2 key as ECDSA.
        var (payload, certificate, _) = Parts();
        var es256Key = SampleKeys.IssuerWith(SampleProvinces.Sichuan, SignatureAlgorithm.Es256).Key;
        var cose = CoseForge.Sign1(
            CoseForge.Map((1, SignatureAlgorithm.Es256.CoseId), (4, certificate.Kid.ToBytes())),
            CoseForge.Map(),
            payload, es256Key);

        Assert.Equal(SignatureAlgorithm.Sm2Sm3, certificate.Algorithm);
        Assert.Equal(ReasonCode.AlgorithmKeyMismatch, Verifier.Verify(Credentials.Wrap(cose), TestClock.Now).PrimaryReason);
    }

    [Theory]
    [InlineData(-8)] // EdDSA
    [InlineData(-35)] // ES384
    [InlineData(0)] // reserved
    [InlineData(-65539)] // a neighbour of our private-use id
    public void Algorithms_off_the_allow_list_are_refused(int alg)
    {
        var (payload, certificate, key) = Parts();
        var cose = CoseForge.Sign1(CoseForge.Map((1, alg), (4, certificate.Kid.ToBytes())), CoseForge.Map(), payload, key);
        Assert.Equal(ReasonCode.AlgorithmNotAllowed, Verifier.Verify(Credentials.Wrap(cose), TestClock.Now).PrimaryReason);
    }

    [Fact]
    public void Missing_alg_and_missing_kid_have_their_own_reasons()
    {
        var (payload, certificate, key) = Parts();
        var noAlg = CoseForge.Sign1(CoseForge.Map((4, certificate.Kid.ToBytes())), CoseForge.Map(), payload, key);
        var noKid = CoseForge.Sign1(CoseForge.Map((1, key.Algorithm.CoseId)), CoseForge.Map(), payload, key);
        var shortKid = CoseForge.Sign1(CoseForge.Map((1, key.Algorithm.CoseId), (4, new byte[] { 1, 2, 3 })), CoseForge.Map(), payload, key);

        Assert.Equal(ReasonCode.AlgorithmMissing, Verifier.Verify(Credentials.Wrap(noAlg), TestClock.Now).PrimaryReason);
        Assert.Equal(ReasonCode.KidMissing, Verifier.Verify(Credentials.Wrap(noKid), TestClock.Now).PrimaryReason);
        Assert.Equal(ReasonCode.KidMissing, Verifier.Verify(Credentials.Wrap(shortKid), TestClock.Now).PrimaryReason);
    }

    [Fact]
    public void Kid_in_the_unprotected_header_is_only_a_hint_and_still_verifies()
    {
        var (payload, certificate, key) = Parts();
        var cose = CoseForge.Sign1(CoseForge.Map((1, key.Algorithm.CoseId)), CoseForge.Map((4, certificate.Kid.ToBytes())), payload, key);
        Assert.Equal(Verdict.Valid, Verifier.Verify(Credentials.Wrap(cose), TestClock.Now).Verdict);
    }

    [Fact]
    public void An_unknown_critical_header_is_refused_and_a_known_one_accepted()
    {
        var (payload, certificate, key) = Parts();
        var unknown = CoseForge.Sign1(CoseForge.Map((1, key.Algorithm.CoseId), (4, certificate.Kid.ToBytes()), (2, new[] { 99 }), (99, 1)), CoseForge.Map(), payload, key);
        var known = CoseForge.Sign1(CoseForge.Map((1, key.Algorithm.CoseId), (4, certificate.Kid.ToBytes()), (2, new[] { 1 })), CoseForge.Map(), payload, key);

        Assert.Equal(ReasonCode.UnknownCriticalHeader, Verifier.Verify(Credentials.Wrap(unknown), TestClock.Now).PrimaryReason);
        Assert.Equal(Verdict.Valid, Verifier.Verify(Credentials.Wrap(known), TestClock.Now).Verdict);
    }

    [Fact]
    public void With_a_kid_shared_by_two_certificates_the_one_that_verifies_is_used()
    {
        var credential = Credentials.Sign(BusinessLicence);
        var genuine = SampleKeys.TrustStore.Issuers.Single(i => i.Certificate.AuthorityCode == BusinessLicence.AuthorityCode);
        var other = SampleKeys.TrustStore.Issuers.First(i => i != genuine && i.Certificate.Algorithm == genuine.Certificate.Algorithm);

        var firstWrong = new CollidingDirectory(other, genuine);
        var onlyWrong = new CollidingDirectory(other);

        var ok = new CredentialVerifier(firstWrong).Verify(credential.QrText, TestClock.Now);
        Assert.Equal(Verdict.Valid, ok.Verdict);
        Assert.Equal(genuine.Certificate.Fingerprint, ok.Issuer!.Fingerprint);
        Assert.Equal(ReasonCode.SignatureInvalid, new CredentialVerifier(onlyWrong).Verify(credential.QrText, TestClock.Now).PrimaryReason);
    }

    [Fact]
    public void An_unknown_kid_is_an_unknown_issuer()
    {
        var stranger = SigningKey.Generate(SignatureAlgorithm.Sm2Sm3);
        var credential = Credentials.Sign(BusinessLicence, stranger, new KeyId(0x0102030405060708));
        Assert.Equal(ReasonCode.UnknownIssuer, Verifier.Verify(credential.QrText, TestClock.Now).PrimaryReason);
    }

    [Fact]
    public void A_trusted_kid_with_a_stranger_signature_is_a_bad_signature()
    {
        var stranger = SigningKey.Generate(SignatureAlgorithm.Sm2Sm3);
        var credential = Credentials.Sign(BusinessLicence, stranger, SampleKeys.IssuerOf(BusinessLicence).Certificate.Kid);
        Assert.Equal(ReasonCode.SignatureInvalid, Verifier.Verify(credential.QrText, TestClock.Now).PrimaryReason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    [InlineData(65)]
    public void Signatures_of_the_wrong_length_are_bad_signatures(int length)
    {
        var (payload, certificate, key) = Parts();
        var cose = CoseForge.Sign1(CoseForge.Map((1, key.Algorithm.CoseId), (4, certificate.Kid.ToBytes())), CoseForge.Map(), payload, null, new byte[length]);
        Assert.Equal(ReasonCode.SignatureInvalid, Verifier.Verify(Credentials.Wrap(cose), TestClock.Now).PrimaryReason);
    }

    [Fact]
    public void Deep_nesting_in_an_unknown_header_is_refused()
    {
        var (payload, certificate, key) = Parts();
        var protectedHeader = new CborWriter();
        protectedHeader.WriteStartMap(3);
        protectedHeader.WriteInt32(1);
        protectedHeader.WriteInt32(key.Algorithm.CoseId);
        protectedHeader.WriteInt32(4);
        protectedHeader.WriteByteString(certificate.Kid.ToBytes());
        protectedHeader.WriteInt32(77);
        for (var i = 0; i < 40; i++)
        {
            protectedHeader.WriteStartArray(1);
        }

        protectedHeader.WriteInt32(0);
        for (var i = 0; i < 40; i++)
        {
            protectedHeader.WriteEndArray();
        }

        protectedHeader.WriteEndMap();
        var bytes = protectedHeader.Encode();
        var cose = CoseForge.Sign1(w => w.WriteEncodedValue(bytes), CoseForge.Map(), payload, key);
        Assert.Equal(ReasonCode.CborTooDeep, Verifier.Verify(Credentials.Wrap(cose), TestClock.Now).PrimaryReason);
    }

    [Fact]
    public void Duplicate_map_keys_are_refused()
    {
        var (payload, certificate, key) = Parts();
        var cose = CoseForge.Sign1(CoseForge.Map((1, key.Algorithm.CoseId), (4, certificate.Kid.ToBytes()), (4, certificate.Kid.ToBytes())), CoseForge.Map(), payload, key);
        Assert.Equal(ReasonCode.CoseMalformed, Verifier.Verify(Credentials.Wrap(cose), TestClock.Now).PrimaryReason);
    }

    [Theory]
    [InlineData("", ReasonCode.Empty)]
    [InlineData(null, ReasonCode.Empty)]
    [InlineData("HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH", ReasonCode.PrefixMissing)]
    [InlineData("lt1:ABC", ReasonCode.PrefixMissing)]
    [InlineData("LT1:abc", ReasonCode.Base45Invalid)]
    [InlineData("LT1:A", ReasonCode.Base45Invalid)]
    [InlineData("LT1:", ReasonCode.DecompressionFailed)]
    [InlineData("LT1:BB8", ReasonCode.DecompressionFailed)]
    [InlineData("https://example.com/licence/123", ReasonCode.PrefixMissing)]
    public void Text_that_is_not_a_credential_has_a_specific_reason(string? text, ReasonCode expected)
    {
        var result = Verifier.Verify(text, TestClock.Now);
        Assert.Equal(expected, result.PrimaryReason);
        Assert.Equal(Verdict.Unreadable, result.Verdict);
    }

    [Fact]
    public void Text_over_the_length_cap_is_refused_before_decoding()
    {
        Assert.Equal(ReasonCode.TooLong, Verifier.Verify("LT1:" + new string('0', 5000), TestClock.Now).PrimaryReason);
    }

    private sealed class CollidingDirectory(params TrustedIssuer[] issuers) : IIssuerDirectory
    {
        public IReadOnlyList<TrustedIssuer> FindByKid(KeyId kid) => issuers;
    }
}
