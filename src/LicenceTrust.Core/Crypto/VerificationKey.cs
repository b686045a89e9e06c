using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace LicenceTrust.Core.Crypto;

/// <summary>
/// A public key that checks r‖s signatures. Never throws on a bad signature: it returns false.
/// Thread-safe; cache instances, they are costly to build (an SM2 key builds a table of its multiples on first use).
/// </summary>
public abstract class VerificationKey
{
    private protected VerificationKey(SignatureAlgorithm algorithm, byte[] spki)
    {
        Algorithm = algorithm;
        SubjectPublicKeyInfo = spki;
    }

    /// <summary>The only algorithm this key verifies.</summary>
    public SignatureAlgorithm Algorithm { get; }

    /// <summary>DER SubjectPublicKeyInfo.</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; }

    /// <summary>True when <paramref name="signature"/> (64-byte r‖s) is a valid signature of <paramref name="data"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == Algorithm.SignatureLength && VerifyCore(data, signature);

    private protected abstract bool VerifyCore(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);

    /// <summary>Builds a key from DER SubjectPublicKeyInfo on sm2p256v1 or P-256.</summary>
    /// <exception cref="FormatException">Not an EC key on an allowed curve.</exception>
    public static VerificationKey FromSubjectPublicKeyInfo(byte[] spki)
    {
        ArgumentNullException.ThrowIfNull(spki);
        ECPublicKeyParameters key;
        SignatureAlgorithm? algorithm;
        try
        {
            var info = Org.BouncyCastle.Asn1.X509.SubjectPublicKeyInfo.GetInstance(spki);
            var curve = X962Parameters.GetInstance(info.Algorithm.Parameters).Parameters as Org.BouncyCastle.Asn1.DerObjectIdentifier;
            algorithm = Curves.AlgorithmOf(curve);
            key = PublicKeyFactory.CreateKey(info) as ECPublicKeyParameters ?? throw new FormatException("Not an EC public key.");
        }
        catch (Exception e) when (e is not FormatException)
        {
            throw new FormatException("The public key cannot be read.", e);
        }

        if (algorithm is null)
        {
            throw new FormatException("The public key's curve is not sm2p256v1 or P-256.");
        }

        return algorithm == SignatureAlgorithm.Sm2Sm3
            ? new Sm2VerificationKey(Curves.OnCustomCurve(key, algorithm), spki)
            : new Es256VerificationKey(spki);
    }

    /// <summary>Reads a <c>PUBLIC KEY</c> PEM block.</summary>
    /// <exception cref="FormatException">Not a PEM public key on an allowed curve.</exception>
    public static VerificationKey FromPem(string pem)
    {
        var fields = PemEncoding.Find(pem);
        return FromSubjectPublicKeyInfo(Convert.FromBase64String(pem[fields.Base64Data]));
    }

    private sealed class Sm2VerificationKey(ECPublicKeyParameters key, byte[] spki) : VerificationKey(SignatureAlgorithm.Sm2Sm3, spki)
    {
        private readonly Sm2.Sm2Verifier _verifier = new(key, SigningKey.Sm2UserId);

        private protected override bool VerifyCore(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
            _verifier.Verify(data, signature);
    }

    private sealed class Es256VerificationKey : VerificationKey
    {
        private readonly ThreadLocal<ECDsa> _ecdsa;

        public Es256VerificationKey(byte[] spki)
            : base(SignatureAlgorithm.Es256, spki)
        {
            _ecdsa = new ThreadLocal<ECDsa>(() =>
            {
                var ecdsa = ECDsa.Create();
                ecdsa.ImportSubjectPublicKeyInfo(spki, out _);
                return ecdsa;
            });
        }

        private protected override bool VerifyCore(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
            _ecdsa.Value!.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
