namespace LicenceTrust.Core.Crypto;

/// <summary>
/// A signature algorithm on the allow-list, with its COSE algorithm identifier. Only the two
/// instances below exist; an identifier that maps to neither is refused.
/// </summary>
public sealed class SignatureAlgorithm
{
    /// <summary>
    /// SM2 with SM3 (GB/T 32918, GM/T 0003), user ID 1234567812345678, 64-byte r‖s signature.
    /// COSE has no registered identifier for it, so LicenceTrust uses the private-use value -65538
    /// (COSE reserves values below -65536 for private use); see docs/format.md.
    /// </summary>
    public static readonly SignatureAlgorithm Sm2Sm3 = new("SM2-SM3", -65538, "sm2p256v1");

    /// <summary>ECDSA on P-256 with SHA-256 (COSE ES256, -7), 64-byte r‖s signature.</summary>
    public static readonly SignatureAlgorithm Es256 = new("ES256", -7, "P-256");

    private SignatureAlgorithm(string name, int coseId, string curve)
    {
        Name = name;
        CoseId = coseId;
        Curve = curve;
    }

    /// <summary>Display and JSON name: <c>SM2-SM3</c> or <c>ES256</c>.</summary>
    public string Name { get; }

    /// <summary>The COSE <c>alg</c> value.</summary>
    public int CoseId { get; }

    /// <summary>The curve the key must be on.</summary>
    public string Curve { get; }

    /// <summary>Length of an r‖s signature in bytes (both algorithms: 64).</summary>
    public int SignatureLength => 64;

    /// <summary>The allow-list.</summary>
    public static IReadOnlyList<SignatureAlgorithm> All { get; } = [Sm2Sm3, Es256];

    /// <summary>Looks up an allowed algorithm by its COSE identifier; anything else is refused.</summary>
    public static bool TryFromCoseId(long id, out SignatureAlgorithm algorithm)
    {
        algorithm = id == Sm2Sm3.CoseId ? Sm2Sm3 : id == Es256.CoseId ? Es256 : null!;
        return algorithm is not null;
    }

    public static bool TryFromName(string? name, out SignatureAlgorithm algorithm)
    {
        algorithm = All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))!;
        return algorithm is not null;
    }

    public override string ToString() => Name;
}
