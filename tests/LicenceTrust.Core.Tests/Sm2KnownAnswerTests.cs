using System.Text;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Crypto.Sm2;
using Org.BouncyCastle.Crypto.Digests;

namespace LicenceTrust.Core.Tests;

/// <summary>
/// SM2 and SM3 against the standards' own printed examples, not against BouncyCastle: the curve
/// sm2p256v1 of GB/T 32918.5 (its text), SM3's examples of GB/T 32905 Annex A, and the signature example
/// on the recommended curve of GB/T 32918.5 / GM/T 0003.5 Annex A (its published key d and public key,
/// message "message digest", user ID 1234567812345678, k and the signature (r, s) it gives). The values
/// were also checked with a throw-away Python program of plain modular arithmetic (the public key is
/// d·G, and k gives exactly this r and s), which shares no code with either library.
/// </summary>
public class Sm2KnownAnswerTests
{
    // GB/T 32918.5-2017, §2 (recommended curve parameters), as printed.
    private const string P = "FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFF";
    private const string A = "FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFC";
    private const string B = "28E9FA9E 9D9F5E34 4D5A9E4B CF6509A7 F39789F5 15AB8F92 DDBCBD41 4D940E93";
    private const string N = "FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF 7203DF6B 21C6052B 53BBF409 39D54123";
    private const string Gx = "32C4AE2C 1F198119 5F990446 6A39C994 8FE30BBF F2660BE1 715A4589 334C74C7";
    private const string Gy = "BC3736A2 F4F6779C 59BDCEE3 6B692153 D0A9877C C62A4740 02DF32E5 2139F0A0";

    // The signature example on the recommended curve (Annex A): public key of d = 3945208F 7B2144B1 3F36E38A C6D39F95 88939369 2860B51A 42FB81EF 4DF7C5B8,
    // k = 59276E27 D506861A 16680F3A D9C02DCC EF3CC1FA 3CDBE4CE 6D54B80D EAC1BC21.
    private const string PublicX = "09F9DF31 1E5421A1 50DD7D16 1E4BC5C6 72179FAD 1833FC07 6BB08FF3 56F35020";
    private const string PublicY = "CCEA490C E26775A5 2DC6EA71 8CC1AA60 0AED05FB F35E084A 6632F607 2DA9AD13";
    private const string R = "F5A03B06 48D2C463 0EEAC513 E1BB81A1 5944DA38 27D5B741 43AC7EAC EEE720B3";
    private const string S = "B1B6AA29 DF212FD8 763182BC 0D421CA1 BB9038FD 1F7F42D4 840B69C4 85BBC1AA";
    private static readonly byte[] Message = Encoding.ASCII.GetBytes("message digest");

    [Fact]
    public void The_curve_is_the_one_the_standard_prints()
    {
        var domain = Curves.Sm2;
        Assert.Equal(Hex(P), Unsigned(domain.Curve.Field.Characteristic));
        Assert.Equal(Hex(A), Unsigned(domain.Curve.A.ToBigInteger()));
        Assert.Equal(Hex(B), Unsigned(domain.Curve.B.ToBigInteger()));
        Assert.Equal(Hex(N), Unsigned(domain.N));
        Assert.Equal(Hex(Gx), Unsigned(domain.G.Normalize().AffineXCoord.ToBigInteger()));
        Assert.Equal(Hex(Gy), Unsigned(domain.G.Normalize().AffineYCoord.ToBigInteger()));

        // Our verifier's own constants: the prime's limbs are typed in (Sm2Field), the order is read from the domain.
        Assert.Equal(Hex(P), BigEndian(Sm2Field.P));
        Assert.Equal(Hex(N), BigEndian(Sm2Constants.N));
    }

    [Theory]
    [InlineData("abc", "66C7F0F4 62EEEDD9 D1F2D46B DC10E4E2 4167C487 5CF2F7A2 297DA02B 8F4BA8E0")]
    [InlineData("abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd", "DEBE9FF9 2275B8A1 38604889 C18E5A4D 6FDB70E5 387E5765 293DCBA3 9C0C5732")]
    public void SM3_gives_the_standards_examples(string input, string digest)
    {
        var sm3 = new SM3Digest();
        var bytes = Encoding.ASCII.GetBytes(input);
        sm3.BlockUpdate(bytes, 0, bytes.Length);
        var output = new byte[32];
        sm3.DoFinal(output, 0);

        Assert.Equal(Hex(digest), output);
    }

    [Fact]
    public void The_standards_signature_example_verifies_and_a_changed_bit_does_not()
    {
        var key = VerificationKey.FromSubjectPublicKeyInfo(Sm2SubjectPublicKeyInfo(Hex(PublicX), Hex(PublicY)));
        byte[] signature = [.. Hex(R), .. Hex(S)];

        Assert.True(key.Verify(Message, signature));
        for (var bit = 0; bit < 512; bit += 37)
        {
            var changed = (byte[])signature.Clone();
            changed[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(key.Verify(Message, changed));
        }

        Assert.False(key.Verify(Encoding.ASCII.GetBytes("message digesT"), signature));
    }

    /// <summary>DER SubjectPublicKeyInfo of an uncompressed point on sm2p256v1 (OIDs 1.2.840.10045.2.1 and 1.2.156.10197.1.301), written out by hand.</summary>
    private static byte[] Sm2SubjectPublicKeyInfo(byte[] x, byte[] y) =>
        [0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06, 0x08, 0x2A, 0x81, 0x1C, 0xCF, 0x55, 0x01, 0x82, 0x2D,
         0x03, 0x42, 0x00, 0x04, .. x, .. y];

    private static byte[] Hex(string spaced) => Convert.FromHexString(spaced.Replace(" ", string.Empty, StringComparison.Ordinal));

    private static byte[] Unsigned(Org.BouncyCastle.Math.BigInteger value) => Org.BouncyCastle.Utilities.BigIntegers.AsUnsignedByteArray(32, value);

    private static byte[] BigEndian(in U256 value)
    {
        var bytes = new byte[32];
        value.WriteBigEndian(bytes);
        return bytes;
    }
}
