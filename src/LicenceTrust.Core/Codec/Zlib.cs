using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace LicenceTrust.Core.Codec;

/// <summary>zlib (RFC 1950) framing with a hard cap on the inflated size. Thread-safe.</summary>
public static class Zlib
{
    public static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Outcome of <see cref="TryDecompress"/>.</summary>
    public enum Outcome
    {
        Ok,
        Corrupt,
        TooLarge,
    }

    /// <summary>
    /// Inflates a zlib stream, reading at most <paramref name="maxBytes"/> + 1 bytes so a bomb costs
    /// no more than the cap. Accepts exactly one encoding of each stream's bits: header check, the
    /// deflate data ending at the trailer with zero padding, and the Adler-32 trailer.
    /// </summary>
    public static Outcome TryDecompress(ReadOnlySpan<byte> data, int maxBytes, out byte[] output, out string error)
    {
        output = [];
        if (data.Length < 6 || (data[0] & 0x0F) != 8 || (data[0] << 8 | data[1]) % 31 != 0 || (data[1] & 0x20) != 0)
        {
            error = "no valid zlib header (RFC 1950 CMF/FLG)";
            return Outcome.Corrupt;
        }

        // The deflate data must end exactly where the 4-byte Adler-32 trailer begins, with zero padding
        // bits: otherwise different QR texts could inflate to the same signed bytes.
        var body = data[2..];
        if (!DeflateExtent.TryMeasure(body, out var deflateLength, out var zeroPadding))
        {
            error = "deflate data is malformed or truncated";
            return Outcome.Corrupt;
        }

        if (deflateLength != body.Length - 4)
        {
            error = $"{body.Length - 4 - deflateLength} bytes between the deflate data and the trailer";
            return Outcome.Corrupt;
        }

        if (!zeroPadding)
        {
            error = "non-zero padding bits after the final deflate block";
            return Outcome.Corrupt;
        }

        // Both buffers are pooled: this runs on every verification, and a fresh 16 KB output buffer
        // was most of what decoding a credential allocated (docs/performance.md, "Less garbage").
        var input = ArrayPool<byte>.Shared.Rent(data.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes + 1);
        try
        {
            data.CopyTo(input);
            var total = 0;
            try
            {
                // Raw deflate over the body so the trailer can be checked here, independent of the runtime.
                using var deflate = new DeflateStream(new MemoryStream(input, 2, data.Length - 2, writable: false), CompressionMode.Decompress);
                int read;
                while (total <= maxBytes && (read = deflate.Read(buffer, total, maxBytes + 1 - total)) > 0)
                {
                    total += read;
                }

                if (total > maxBytes)
                {
                    error = $"inflates past {maxBytes} bytes";
                    return Outcome.TooLarge;
                }
            }
            catch (InvalidDataException e)
            {
                error = "deflate data is corrupt: " + e.Message;
                return Outcome.Corrupt;
            }

            var inflated = buffer.AsSpan(0, total);
            if (Adler32(inflated) != BinaryPrimitives.ReadUInt32BigEndian(data[^4..]))
            {
                error = "Adler-32 checksum does not match";
                return Outcome.Corrupt;
            }

            output = inflated.ToArray();
            error = string.Empty;
            return Outcome.Ok;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static uint Adler32(ReadOnlySpan<byte> data)
    {
        const uint mod = 65521;
        uint a = 1, b = 0;
        foreach (var d in data)
        {
            a = (a + d) % mod;
            b = (b + a) % mod;
        }

        return b << 16 | a;
    }
}
