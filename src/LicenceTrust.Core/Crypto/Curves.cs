using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC;

namespace LicenceTrust.Core.Crypto;

/// <summary>
/// The two curves, as BouncyCastle's custom (fast) implementations: the generic GM curve is 6–7×
/// slower (docs/performance-history.md), so keys read from files are moved onto these.
/// </summary>
internal static class Curves
{
    public static readonly ECNamedDomainParameters Sm2 = Named(GMObjectIdentifiers.sm2p256v1);
    public static readonly ECNamedDomainParameters P256 = Named(SecObjectIdentifiers.SecP256r1);

    public static ECNamedDomainParameters For(SignatureAlgorithm algorithm) =>
        algorithm == SignatureAlgorithm.Sm2Sm3 ? Sm2 : P256;

    /// <summary>The algorithm for a curve OID, or null when the curve is not on the allow-list.</summary>
    public static SignatureAlgorithm? AlgorithmOf(DerObjectIdentifier? curve) =>
        curve is null ? null
        : curve.Equals(GMObjectIdentifiers.sm2p256v1) ? SignatureAlgorithm.Sm2Sm3
        : curve.Equals(SecObjectIdentifiers.SecP256r1) ? SignatureAlgorithm.Es256
        : null;

    public static ECPublicKeyParameters OnCustomCurve(ECPublicKeyParameters key, SignatureAlgorithm algorithm)
    {
        var domain = For(algorithm);
        ECPoint q = domain.Curve.DecodePoint(key.Q.GetEncoded(false));
        return new ECPublicKeyParameters("EC", q, domain);
    }

    public static ECPrivateKeyParameters OnCustomCurve(ECPrivateKeyParameters key, SignatureAlgorithm algorithm) =>
        new("EC", key.D, For(algorithm));

    /// <summary>
    /// The key on a copy of its domain, for one thread's signer. BouncyCastle locks a point while it reads
    /// or stores that point's precomputed multiples, so threads sharing the generator wait for each other
    /// on every signature; a profile of a batch issue showed 8.5 % of its samples in that lock
    /// (docs/performance-history.md, "Batch issue"). Each copy computes its tables once, for its own thread.
    /// </summary>
    public static ECPrivateKeyParameters ForOneThread(ECPrivateKeyParameters key) => new("EC", key.D, ForOneThread(key.Parameters));

    private static ECDomainParameters ForOneThread(ECDomainParameters domain) =>
        new(domain.Curve, domain.Curve.DecodePoint(domain.G.GetEncoded(false)), domain.N, domain.H, domain.GetSeed());

    private static ECNamedDomainParameters Named(DerObjectIdentifier oid) => new(oid, CustomNamedCurves.GetByOid(oid));
}
