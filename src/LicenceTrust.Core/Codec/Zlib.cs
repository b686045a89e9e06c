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
    /// no more than the cap. Checks the header and the Adler-32 trailer itself, and refuses bytes
    /// after the stream, so a damaged code is never half-read.
    /// </summary>
    public static Outcome TryDecompress(ReadOnlySpan<byte> data, int maxBytes, out byte[] output, out string error)
    {
        output = [];
        if (data.Length < 6 || (data[0] & 0x0F) != 8 || (data[0] << 8 | data[1]) % 31 != 0 || (data[1] & 0x20) != 0)
        {
            error = "no valid zlib header (RFC 1950 CMF/FLG)";
            return Outcome.Corrupt;
        }

        var buffer = new byte[maxBytes + 1];
        var total = 0;
        var input = new MemoryStream(data.ToArray(), writable: false);
        try
        {
            // Raw deflate over the body so the trailer can be checked here, independent of the runtime.
            input.Position = 2;
            using var deflate = new DeflateStream(input, CompressionMode.Decompress, leaveOpen: true);
            int read;
            while (total < buffer.Length && (read = deflate.Read(buffer, total, buffer.Length - total)) > 0)
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
        var trailerAt = FindTrailer(data, inflated);
        if (trailerAt < 0)
        {
            error = "Adler-32 checksum missing or wrong, or bytes follow the stream";
            return Outcome.Corrupt;
        }

        output = inflated.ToArray();
        error = string.Empty;
        return Outcome.Ok;
    }

    /// <summary>
    /// DeflateStream does not say where the deflate data ended, so the 4-byte trailer is taken as the
    /// last 4 bytes: any byte after the stream makes the checksum comparison fail.
    /// </summary>
    private static int FindTrailer(ReadOnlySpan<byte> data, ReadOnlySpan<byte> inflated)
    {
        var expected = BinaryPrimitives.ReadUInt32BigEndian(data[^4..]);
        return Adler32(inflated) == expected ? data.Length - 4 : -1;
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
