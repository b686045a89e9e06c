using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace LicenceTrust.Core.Crypto;

/// <summary>
/// An in-memory private key that signs credentials and certificates. Created from PKCS#8 (PEM or DER)
/// or generated. Thread-safe: each thread gets its own initialised signer.
/// </summary>
public abstract class SigningKey : ICredentialSigner
{
    /// <summary>The SM2 user ID (distinguishing identifier) of GM/T 0009 used by LicenceTrust.</summary>
    public static readonly byte[] Sm2UserId = "1234567812345678"u8.ToArray();

    private protected SigningKey(AsymmetricCipherKeyPair pair, SignatureAlgorithm algorithm)
    {
        Algorithm = algorithm;
        PrivateKey = (ECPrivateKeyParameters)pair.Private;
        PublicKey = (ECPublicKeyParameters)pair.Public;
        SubjectPublicKeyInfo = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(PublicKey).GetDerEncoded();
    }

    public SignatureAlgorithm Algorithm { get; }

    public ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; }

    /// <summary>The BouncyCastle private key (for certificate signing inside Core).</summary>
    internal ECPrivateKeyParameters PrivateKey { get; }

    internal ECPublicKeyParameters PublicKey { get; }

    public abstract byte[] Sign(ReadOnlySpan<byte> data);

    /// <summary>The key as unencrypted PKCS#8 PEM (<c>-----BEGIN PRIVATE KEY-----</c>). Secret.</summary>
    public string ToPkcs8Pem() => PemEncoding.WriteString("PRIVATE KEY", ToPkcs8());

    /// <summary>The key as unencrypted DER PKCS#8 (to encrypt it into a key file). Secret.</summary>
    public byte[] ToPkcs8() => PrivateKeyInfoFactory.CreatePrivateKeyInfo(PrivateKey).GetDerEncoded();

    /// <summary>The public key as PEM (<c>-----BEGIN PUBLIC KEY-----</c>).</summary>
    public string ToPublicKeyPem() => PemEncoding.WriteString("PUBLIC KEY", SubjectPublicKeyInfo.Span);

    /// <summary>Generates a fresh key for the algorithm.</summary>
    public static SigningKey Generate(SignatureAlgorithm algorithm)
    {
        var generator = new ECKeyPairGenerator("EC");
        generator.Init(new ECKeyGenerationParameters(Curves.For(algorithm), new SecureRandom()));
        return Create(generator.GenerateKeyPair(), algorithm);
    }

    /// <summary>Reads a PKCS#8 PEM private key on sm2p256v1 or P-256.</summary>
    /// <exception cref="FormatException">Not a PKCS#8 EC key on an allowed curve.</exception>
    public static SigningKey FromPkcs8Pem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var fields = PemEncoding.Find(pem);
        if (!pem.AsSpan()[fields.Label].SequenceEqual("PRIVATE KEY"))
        {
            throw new FormatException("Expected a PKCS#8 'PRIVATE KEY' PEM block.");
        }

        return FromPkcs8(Convert.FromBase64String(pem[fields.Base64Data]));
    }

    /// <summary>Reads a DER PKCS#8 private key on sm2p256v1 or P-256.</summary>
    /// <exception cref="FormatException">Not a PKCS#8 EC key on an allowed curve.</exception>
    public static SigningKey FromPkcs8(byte[] der)
    {
        ECPrivateKeyParameters key;
        try
        {
            key = PrivateKeyFactory.CreateKey(der) as ECPrivateKeyParameters
                ?? throw new FormatException("The key is not an EC private key.");
        }
        catch (Exception e) when (e is not FormatException)
        {
            throw new FormatException("The PKCS#8 key cannot be read.", e);
        }

        var curve = (key.Parameters as ECNamedDomainParameters)?.Name ?? key.PublicKeyParamSet;
        var algorithm = Curves.AlgorithmOf(curve) ?? throw new FormatException("The key's curve is not sm2p256v1 or P-256.");
        var privateKey = Curves.OnCustomCurve(key, algorithm);
        var q = new Org.BouncyCastle.Math.EC.Multiplier.FixedPointCombMultiplier().Multiply(privateKey.Parameters.G, privateKey.D).Normalize();
        return Create(new AsymmetricCipherKeyPair(new ECPublicKeyParameters("EC", q, privateKey.Parameters), privateKey), algorithm);
    }

    private static SigningKey Create(AsymmetricCipherKeyPair pair, SignatureAlgorithm algorithm) =>
        algorithm == SignatureAlgorithm.Sm2Sm3 ? new Sm2SigningKey(pair) : new Es256SigningKey(pair);

    private sealed class Sm2SigningKey : SigningKey
    {
        private readonly ThreadLocal<SM2Signer> _signer;

        public Sm2SigningKey(AsymmetricCipherKeyPair pair)
            : base(pair, SignatureAlgorithm.Sm2Sm3)
        {
            _signer = new ThreadLocal<SM2Signer>(() =>
            {
                var signer = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
                signer.Init(true, new ParametersWithID(new ParametersWithRandom(Curves.ForOneThread(PrivateKey), new SecureRandom()), Sm2UserId));
                return signer;
            });
        }

        public override byte[] Sign(ReadOnlySpan<byte> data)
        {
            var signer = _signer.Value!;
            signer.BlockUpdate(data);
            return signer.GenerateSignature();
        }
    }

    private sealed class Es256SigningKey : SigningKey
    {
        private readonly ThreadLocal<ECDsa> _ecdsa;

        public Es256SigningKey(AsymmetricCipherKeyPair pair)
            : base(pair, SignatureAlgorithm.Es256)
        {
            var pkcs8 = PrivateKeyInfoFactory.CreatePrivateKeyInfo(PrivateKey).GetDerEncoded();
            _ecdsa = new ThreadLocal<ECDsa>(() =>
            {
                var ecdsa = ECDsa.Create();
                ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
                return ecdsa;
            });
        }

        /// <summary>
        /// ECDSA P-256 over SHA-256, r‖s, with s in the lower half of the group order ("low S"): (r, s)
        /// and (r, n − s) both verify, so the writer picks one, and a credential this node signs has one
        /// signature. Verifiers accept both (docs/format.md §1: ES256 credentials signed before are high S
        /// half the time).
        /// </summary>
        public override byte[] Sign(ReadOnlySpan<byte> data)
        {
            var signature = _ecdsa.Value!.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            return LowS(signature);
        }

        /// <summary>(r, s) with s replaced by n − s when s is above n / 2.</summary>
        internal static byte[] LowS(byte[] signature)
        {
            var s = new BigInteger(1, signature, 32, 32);
            if (s.CompareTo(HalfOrder) <= 0)
            {
                return signature;
            }

            var low = P256Order.Subtract(s).ToByteArrayUnsigned();
            Array.Clear(signature, 32, 32);
            low.CopyTo(signature, 64 - low.Length);
            return signature;
        }

        private static readonly BigInteger P256Order = Org.BouncyCastle.Asn1.Nist.NistNamedCurves.GetByName("P-256").N;
        private static readonly BigInteger HalfOrder = P256Order.ShiftRight(1);
    }
}
