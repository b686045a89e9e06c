namespace LicenceTrust.Core.Codec;

/// <summary>
/// Finds where a raw DEFLATE stream (RFC 1951) ends, to the bit, without producing output.
/// DeflateStream ignores the padding bits after the final block and does not say where it stopped,
/// so without this a QR text whose padding bits were changed would inflate to the same signed bytes
/// and verify — a changed code must never verify. Walks block structure only; cost is linear in the
/// input, independent of how far the data would inflate. Modelled on zlib's puff.c.
/// </summary>
internal static class DeflateExtent
{
    private const int MaxBits = 15;
    private static readonly byte[] CodeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
    private static readonly byte[] LengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
    private static readonly byte[] DistanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
    private static readonly short[] LengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
    private static readonly int[] DistanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
    private static readonly Huffman FixedLiterals = FixedLiteralCode();
    private static readonly Huffman FixedDistances = Huffman.Build([.. Enumerable.Repeat((byte)5, 30)]);

    /// <summary>
    /// Reads the stream's structure. Returns false for a malformed or truncated stream, or one whose
    /// back-reference reaches before the start of its output and the <paramref name="dictionaryLength"/>
    /// bytes of a preset dictionary (zlib's "distance too far back": some inflaters would read zeros there,
    /// giving a second encoding of the same bytes); otherwise the byte length it occupies and whether the
    /// padding bits of its last byte are all zero.
    /// </summary>
    public static bool TryMeasure(ReadOnlySpan<byte> data, int dictionaryLength, out int length, out bool zeroPadding)
    {
        length = 0;
        zeroPadding = false;
        var bits = new BitReader(data);
        long available = dictionaryLength;
        try
        {
            bool last;
            do
            {
                last = bits.Read(1) == 1;
                switch (bits.Read(2))
                {
                    case 0:
                        bits.AlignToByte();
                        var len = bits.Read(16);
                        if ((len ^ 0xFFFF) != bits.Read(16))
                        {
                            return false;
                        }

                        bits.SkipBytes(len);
                        available += len;
                        break;
                    case 1:
                        SkipCodes(ref bits, FixedLiterals, FixedDistances, ref available);
                        break;
                    case 2:
                        var (literals, distances) = ReadDynamicCodes(ref bits);
                        SkipCodes(ref bits, literals, distances, ref available);
                        break;
                    default:
                        return false;
                }
            }
            while (!last);
        }
        catch (InvalidDataException)
        {
            return false;
        }

        length = (bits.Position + 7) / 8;
        zeroPadding = bits.Position % 8 == 0 || data[length - 1] >> (bits.Position % 8) == 0;
        return true;
    }

    private static void SkipCodes(ref BitReader bits, Huffman literals, Huffman distances, ref long available)
    {
        while (true)
        {
            var symbol = literals.Decode(ref bits);
            if (symbol < 256)
            {
                available++;
                continue;
            }

            if (symbol == 256)
            {
                return;
            }

            symbol -= 257;
            if (symbol >= LengthExtra.Length)
            {
                throw new InvalidDataException("bad length symbol");
            }

            var length = LengthBase[symbol] + bits.Read(LengthExtra[symbol]);
            var code = distances.Decode(ref bits);
            if (code >= DistanceExtra.Length)
            {
                throw new InvalidDataException("bad distance symbol");
            }

            if (DistanceBase[code] + bits.Read(DistanceExtra[code]) > available)
            {
                throw new InvalidDataException("distance too far back");
            }

            available += length;
        }
    }

    private static (Huffman Literals, Huffman Distances) ReadDynamicCodes(ref BitReader bits)
    {
        var literalCount = bits.Read(5) + 257;
        var distanceCount = bits.Read(5) + 1;
        var codeLengthCount = bits.Read(4) + 4;
        if (literalCount > 286 || distanceCount > 30)
        {
            throw new InvalidDataException("too many codes");
        }

        var codeLengths = new byte[19];
        for (var i = 0; i < codeLengthCount; i++)
        {
            codeLengths[CodeLengthOrder[i]] = (byte)bits.Read(3);
        }

        var lengthCode = Huffman.Build(codeLengths);
        var lengths = new byte[literalCount + distanceCount];
        for (var i = 0; i < lengths.Length;)
        {
            var symbol = lengthCode.Decode(ref bits);
            if (symbol < 16)
            {
                lengths[i++] = (byte)symbol;
                continue;
            }

            byte value = 0;
            int repeat;
            if (symbol == 16)
            {
                if (i == 0)
                {
                    throw new InvalidDataException("repeat with no previous length");
                }

                value = lengths[i - 1];
                repeat = 3 + bits.Read(2);
            }
            else
            {
                repeat = symbol == 17 ? 3 + bits.Read(3) : 11 + bits.Read(7);
            }

            if (i + repeat > lengths.Length)
            {
                throw new InvalidDataException("too many lengths");
            }

            lengths.AsSpan(i, repeat).Fill(value);
            i += repeat;
        }

        if (lengths[256] == 0)
        {
            throw new InvalidDataException("no end-of-block code");
        }

        return (Huffman.Build(lengths.AsSpan(0, literalCount)), Huffman.Build(lengths.AsSpan(literalCount)));
    }

    private static Huffman FixedLiteralCode()
    {
        var lengths = new byte[288];
        lengths.AsSpan(0, 144).Fill(8);
        lengths.AsSpan(144, 112).Fill(9);
        lengths.AsSpan(256, 24).Fill(7);
        lengths.AsSpan(280, 8).Fill(8);
        return Huffman.Build(lengths);
    }

    /// <summary>A canonical Huffman code: symbol counts per length and symbols in code order.</summary>
    private sealed class Huffman(short[] counts, short[] symbols)
    {
        public static Huffman Build(ReadOnlySpan<byte> lengths)
        {
            var counts = new short[MaxBits + 1];
            foreach (var length in lengths)
            {
                counts[length]++;
            }

            var left = 1;
            for (var len = 1; len <= MaxBits; len++)
            {
                left = (left << 1) - counts[len];
                if (left < 0)
                {
                    throw new InvalidDataException("over-subscribed code");
                }
            }

            var offsets = new short[MaxBits + 2];
            for (var len = 1; len <= MaxBits; len++)
            {
                offsets[len + 1] = (short)(offsets[len] + counts[len]);
            }

            var symbols = new short[lengths.Length];
            for (short symbol = 0; symbol < lengths.Length; symbol++)
            {
                if (lengths[symbol] != 0)
                {
                    symbols[offsets[lengths[symbol]]++] = symbol;
                }
            }

            return new Huffman(counts, symbols);
        }

        public int Decode(ref BitReader bits)
        {
            int code = 0, first = 0, index = 0;
            for (var len = 1; len <= MaxBits; len++)
            {
                code |= bits.Read(1);
                int count = counts[len];
                if (code - count < first)
                {
                    return symbols[index + (code - first)];
                }

                index += count;
                first = (first + count) << 1;
                code <<= 1;
            }

            throw new InvalidDataException("incomplete code");
        }
    }

    private ref struct BitReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;

        /// <summary>Bits consumed so far.</summary>
        public int Position { get; private set; }

        public int Read(int count)
        {
            var value = 0;
            for (var i = 0; i < count; i++)
            {
                var at = Position >> 3;
                if (at >= _data.Length)
                {
                    throw new InvalidDataException("stream is truncated");
                }

                value |= (_data[at] >> (Position & 7) & 1) << i;
                Position++;
            }

            return value;
        }

        public void AlignToByte() => Position = (Position + 7) & ~7;

        public void SkipBytes(int count)
        {
            Position += count * 8;
            if (Position > _data.Length * 8)
            {
                throw new InvalidDataException("stored block is truncated");
            }
        }
    }
}
