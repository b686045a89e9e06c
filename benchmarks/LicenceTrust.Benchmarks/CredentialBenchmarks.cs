using LicenceTrust.Samples;
using BenchmarkDotNet.Attributes;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Json;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.KeyStore;
using LicenceTrust.Testing;

namespace LicenceTrust.Benchmarks;

/// <summary>
/// The costs that bound issuance and verification: raw SM2 and ES256 sign/verify over a real
/// Sig_structure, credential encode (incl. signing), decode, and the full Core verification; LT1 unless
/// the name says LT2.
/// </summary>
[MemoryDiagnoser]
public class CredentialBenchmarks
{
    private CredentialClaims _sm2Claims = null!;
    private CredentialClaims _es256Claims = null!;
    private IssuerKey _sm2 = null!;
    private IssuerKey _es256 = null!;
    private byte[] _toBeSigned = null!;
    private byte[] _sm2Signature = null!;
    private byte[] _es256Signature = null!;
    private string _sm2Text = null!;
    private string _es256Text = null!;
    private string _sm2CompactText = null!;
    private CredentialVerifier _verifier = null!;
    private CredentialVerifier _memoVerifier = null!;
    private VerificationResult _result = null!;
    private Org.BouncyCastle.Crypto.Signers.SM2Signer _bouncyCastleSm2 = null!;

    [GlobalSetup]
    public void Setup()
    {
        var sm2Licence = ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Sichuan).Build();
        var es256Licence = ALicence.OfType(SampleLicenceTypes.ProfessionalQualification).In(SampleProvinces.Sichuan).Build();
        _sm2 = SampleKeys.IssuerOf(sm2Licence);
        _es256 = SampleKeys.IssuerOf(es256Licence);
        _sm2Claims = CredentialClaims.Create(sm2Licence, TestClock.SignedAt, Credentials.Status());
        _es256Claims = CredentialClaims.Create(es256Licence, TestClock.SignedAt, Credentials.Status());
        _sm2Text = CredentialWriter.Write(_sm2Claims, _sm2.Key, _sm2.Certificate.Kid, CredentialEncoding.Lt1).QrText;
        _es256Text = CredentialWriter.Write(_es256Claims, _es256.Key, _es256.Certificate.Kid, CredentialEncoding.Lt1).QrText;
        _sm2CompactText = CredentialWriter.Write(_sm2Claims, _sm2.Key, _sm2.Certificate.Kid, CredentialEncoding.Lt2).QrText;
        _toBeSigned = CredentialReader.Read(_sm2Text).Credential!.ToBeSigned();
        _sm2Signature = _sm2.Key.Sign(_toBeSigned);
        _es256Signature = _es256.Key.Sign(_toBeSigned);
        _verifier = new CredentialVerifier(SampleKeys.TrustStore);
        _memoVerifier = new CredentialVerifier(SampleKeys.TrustStore, memo: new SignatureMemo());
        _result = _memoVerifier.Verify(_sm2Text, TestClock.Now);
        _bouncyCastleSm2 = BouncyCastleSm2Verifier(_sm2.Certificate.Key.SubjectPublicKeyInfo.ToArray());
    }

    [Benchmark]
    public byte[] Sm2Sign() => _sm2.Key.Sign(_toBeSigned);

    [Benchmark]
    public bool Sm2Verify() => _sm2.Certificate.Key.Verify(_toBeSigned, _sm2Signature);

    /// <summary>
    /// The same verification with BouncyCastle's SM2Signer on its custom curve, initialised once: the
    /// verifier LicenceTrust used before its own (docs/performance-history.md, "An SM2 verifier that allocates nothing").
    /// </summary>
    [Benchmark]
    public bool Sm2VerifyBouncyCastle()
    {
        _bouncyCastleSm2.BlockUpdate(_toBeSigned);
        return _bouncyCastleSm2.VerifySignature(_sm2Signature);
    }

    [Benchmark]
    public byte[] Es256Sign() => _es256.Key.Sign(_toBeSigned);

    [Benchmark]
    public bool Es256Verify() => _es256.Certificate.Key.Verify(_toBeSigned, _es256Signature);

    [Benchmark]
    public string EncodeSm2() => CredentialWriter.Write(_sm2Claims, _sm2.Key, _sm2.Certificate.Kid, CredentialEncoding.Lt1).QrText;

    [Benchmark]
    public string EncodeEs256() => CredentialWriter.Write(_es256Claims, _es256.Key, _es256.Certificate.Kid, CredentialEncoding.Lt1).QrText;

    [Benchmark]
    public ReadResult Decode() => CredentialReader.Read(_sm2Text);

    /// <summary>The same licence as LT2: the preset-dictionary inflate (SharpZipLib) and the compact claims.</summary>
    [Benchmark]
    public ReadResult DecodeLt2() => CredentialReader.Read(_sm2CompactText);

    [Benchmark]
    public string EncodeSm2Lt2() => CredentialWriter.Write(_sm2Claims, _sm2.Key, _sm2.Certificate.Kid, CredentialEncoding.Lt2).QrText;

    [Benchmark]
    public VerificationResult VerifySm2Credential() => _verifier.Verify(_sm2Text, TestClock.Now);

    /// <summary>The same SM2 credential scanned again: the signature result comes from the memo.</summary>
    [Benchmark]
    public VerificationResult VerifySm2CredentialRepeated() => _memoVerifier.Verify(_sm2Text, TestClock.Now);

    [Benchmark]
    public VerificationResult VerifyEs256Credential() => _verifier.Verify(_es256Text, TestClock.Now);

    /// <summary>The answer's view of a VALID result and its JSON, as /verify writes it for a partner (full disclosure).</summary>
    [Benchmark]
    public void AnswerJson() => System.Text.Json.JsonSerializer.Serialize(Stream.Null, _result.ToView(Disclosure.Full, LicenceTypeCatalogue.Shipped), JsonViews.Options);

    private static Org.BouncyCastle.Crypto.Signers.SM2Signer BouncyCastleSm2Verifier(byte[] spki)
    {
        var oid = Org.BouncyCastle.Asn1.GM.GMObjectIdentifiers.sm2p256v1;
        var curve = Org.BouncyCastle.Crypto.EC.CustomNamedCurves.GetByOid(oid);
        var generic = (Org.BouncyCastle.Crypto.Parameters.ECPublicKeyParameters)Org.BouncyCastle.Security.PublicKeyFactory.CreateKey(spki);
        var domain = new Org.BouncyCastle.Crypto.Parameters.ECNamedDomainParameters(oid, curve);
        var key = new Org.BouncyCastle.Crypto.Parameters.ECPublicKeyParameters("EC", curve.Curve.DecodePoint(generic.Q.GetEncoded(false)), domain);
        var verifier = new Org.BouncyCastle.Crypto.Signers.SM2Signer(
            Org.BouncyCastle.Crypto.Signers.PlainDsaEncoding.Instance, new Org.BouncyCastle.Crypto.Digests.SM3Digest());
        verifier.Init(false, new Org.BouncyCastle.Crypto.Parameters.ParametersWithID(key, SigningKey.Sm2UserId));
        return verifier;
    }
}
