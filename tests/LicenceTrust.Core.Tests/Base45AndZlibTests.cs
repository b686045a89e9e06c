using System.Text;
using LicenceTrust.Core.Codec;

namespace LicenceTrust.Core.Tests;

public class Base45AndZlibTests
{
    // RFC 9285 §4.3 and §4.4 examples.
    [Theory]
    [InlineData("AB", "BB8")]
    [InlineData("Hello!!", "%69 VD92EX0")]
    [InlineData("base-45", "UJCLQE7W581")]
    [InlineData("ietf!", "QED8WEX0")]
    [InlineData("", "")]
    public void Rfc9285_vectors_round_trip(string text, string encoded)
    {
        Assert.Equal(encoded, Base45.Encode(Encoding.UTF8.GetBytes(text)));
        Assert.True(Base45.TryDecode(encoded, out var decoded, out _));
        Assert.Equal(text, Encoding.UTF8.GetString(decoded));
    }

    [Theory]
    [InlineData("GGW", "above 65535")] // RFC 9285 §6: 65536 is not a valid triple
    [InlineData("ZZZ", "above 65535")]
    [InlineData("ABCD", "single trailing character")]
    [InlineData("bb8", "not in the Base45 alphabet")]
    [InlineData("BB#", "not in the Base45 alphabet")]
    [InlineData("B点8", "not in the Base45 alphabet")]
    [InlineData(":::", "above 65535")]
    [InlineData("AB:Z", "single trailing character")]
    [InlineData("ABC::", "above 255")]
    public void Invalid_base45_is_refused_with_its_reason(string text, string expected)
    {
        Assert.False(Base45.TryDecode(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Zlib_round_trips()
    {
        var data = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("川渝通办 ", 50)));
        Assert.Equal(Zlib.Outcome.Ok, Zlib.TryDecompress(Zlib.Compress(data), 16384, out var output, out _));
        Assert.Equal(data, output);
    }

    [Fact]
    public void A_zlib_bomb_stops_at_the_cap()
    {
        var bomb = Zlib.Compress(new byte[2_000_000]);
        Assert.True(bomb.Length < 3000, $"bomb is {bomb.Length} bytes");
        Assert.Equal(Zlib.Outcome.TooLarge, Zlib.TryDecompress(bomb, 16384, out var output, out var error));
        Assert.Empty(output);
        Assert.Contains("16384", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_zlib_is_refused()
    {
        var good = Zlib.Compress(Encoding.UTF8.GetBytes("licence licence licence"));
        var badChecksum = (byte[])good.Clone();
        badChecksum[^1] ^= 1;
        var trailing = good.Concat(new byte[] { 0 }).ToArray();
        var badHeader = (byte[])good.Clone();
        badHeader[0] = 0x79;

        Assert.Equal(Zlib.Outcome.Corrupt, Zlib.TryDecompress(badChecksum, 1024, out _, out _));
        Assert.Equal(Zlib.Outcome.Corrupt, Zlib.TryDecompress(trailing, 1024, out _, out _));
        Assert.Equal(Zlib.Outcome.Corrupt, Zlib.TryDecompress(badHeader, 1024, out _, out _));
        Assert.Equal(Zlib.Outcome.Corrupt, Zlib.TryDecompress(good.AsSpan(0, 5), 1024, out _, out _));
        Assert.Equal(Zlib.Outcome.Corrupt, Zlib.TryDecompress(good.AsSpan(0, good.Length - 3), 1024, out _, out _));
    }
}
