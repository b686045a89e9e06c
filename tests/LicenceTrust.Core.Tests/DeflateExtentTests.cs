using System.IO.Compression;
using LicenceTrust.Core.Codec;

namespace LicenceTrust.Core.Tests;

public class DeflateExtentTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(300)]
    [InlineData(70000)]
    public void It_measures_streams_of_every_block_type_exactly(int size)
    {
        var random = new Random(size);
        var text = new byte[size];
        for (var i = 0; i < size; i++)
        {
            text[i] = (byte)"licence LT1 0123456789"[random.Next(20)];
        }

        foreach (var level in new[] { CompressionLevel.NoCompression, CompressionLevel.Fastest, CompressionLevel.SmallestSize })
        {
            using var output = new MemoryStream();
            using (var deflate = new DeflateStream(output, level, leaveOpen: true))
            {
                deflate.Write(text);
            }

            var stream = output.ToArray();
            Assert.True(DeflateExtent.TryMeasure(stream, 0, out var length, out var zeroPadding), $"level {level}");
            Assert.Equal(stream.Length, length);
            Assert.True(zeroPadding);
            Assert.False(DeflateExtent.TryMeasure(stream.AsSpan(0, Math.Max(0, stream.Length - 1)), 0, out _, out _));
        }
    }

    [Fact]
    public void It_sees_set_padding_bits()
    {
        // Fixed-Huffman empty final block: BFINAL=1, BTYPE=01, EOB=0000000 → 10 bits; 6 padding bits.
        Assert.True(DeflateExtent.TryMeasure([0x03, 0x00], 0, out var length, out var zero));
        Assert.Equal(2, length);
        Assert.True(zero);
        Assert.True(DeflateExtent.TryMeasure([0x03, 0x80], 0, out _, out zero));
        Assert.False(zero);
    }

    [Theory]
    [InlineData(new byte[] { 0x07 })] // BTYPE=11 is reserved
    [InlineData(new byte[] { 0x01, 0x05, 0x00, 0xFF, 0xFF })] // stored block whose NLEN is not ~LEN
    [InlineData(new byte[] { })]
    public void It_refuses_malformed_streams(byte[] stream) => Assert.False(DeflateExtent.TryMeasure(stream, 0, out _, out _));
}
