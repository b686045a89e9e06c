using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace LicenceTrust.Core.Crypto.Sm2;

/// <summary>
/// The curve's constants, read from BouncyCastle's sm2p256v1 domain rather than typed in again, and the
/// conversions between its big integers and <see cref="U256"/>.
/// </summary>
internal static class Sm2Constants
{
    /// <summary>The group order n.</summary>
    public static readonly U256 N = FromBouncyCastle(Curves.Sm2.N);

    public static U256 FromBouncyCastle(BcBigInteger value) =>
        U256.FromBigEndian(Org.BouncyCastle.Utilities.BigIntegers.AsUnsignedByteArray(32, value));

    public static BcBigInteger ToBouncyCastle(in U256 value)
    {
        Span<byte> bytes = stackalloc byte[32];
        value.WriteBigEndian(bytes);
        return new BcBigInteger(1, bytes);
    }
}
