using System.Buffers.Binary;
using System.Security.Cryptography;

namespace LicenceTrust.Core.Crypto;

/// <summary>
/// A COSE key identifier: the first 8 bytes of SHA-256 over the issuer certificate's DER.
/// Not unique: verifiers try every certificate that shares it. <c>default</c> is all zeros.
/// </summary>
public readonly record struct KeyId(ulong Value)
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 8;

    public static KeyId ForCertificate(ReadOnlySpan<byte> certificateDer) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(certificateDer).AsSpan(0, Length)));

    public static bool TryRead(ReadOnlySpan<byte> bytes, out KeyId kid)
    {
        kid = bytes.Length == Length ? new KeyId(BinaryPrimitives.ReadUInt64BigEndian(bytes)) : default;
        return bytes.Length == Length;
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[Length];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, Value);
        return bytes;
    }

    /// <summary>Lower-case hex, 16 characters.</summary>
    public override string ToString() => Value.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
