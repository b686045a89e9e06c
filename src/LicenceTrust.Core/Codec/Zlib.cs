using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using ICSharpCode.SharpZipLib;
using ICSharpCode.SharpZipLib.Zip.Compression;

namespace LicenceTrust.Core.Codec;

/// <summary>
/// zlib (RFC 1950) framing with a hard cap on the inflated size, without a preset dictionary (LT1) or
/// with one (LT2). Thread-safe.
/// </summary>
public static class Zlib
{
    [ThreadStatic]
    private static Inflater? t_inflater;

    public static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>
    /// Compresses with a preset dictionary: the zlib header has FDICT set and the dictionary's Adler-32
    /// (DICTID). The system's zlib does it (<see cref="SystemZlibDeflater"/>), since .NET's ZLibStream
    /// cannot take a dictionary.
    /// </summary>
    public static byte[] Compress(ReadOnlySpan<byte> data, PresetDictionary dictionary)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        return SystemZlibDeflater.Current.Compress(data, dictionary.Bytes);
    }

    /// <summary>Outcome of TryDecompress.</summary>
    public enum Outcome
    {
        Ok,
        Corrupt,
        TooLarge,
    }

    /// <summary>Inflates a zlib stream that has no preset dictionary (LT1); see the other overload.</summary>
    public static Outcome TryDecompress(ReadOnlySpan<byte> data, int maxBytes, out byte[] output, out string error) =>
        TryDecompress(data, maxBytes, presetDictionary: false, out output, out _, out error);

    /// <summary>
    /// Inflates a zlib stream, reading at most <paramref name="maxBytes"/> + 1 bytes so a bomb costs
    /// no more than the cap. Accepts exactly one encoding of each stream's bits: header check, the
    /// deflate data ending at the trailer with zero padding and no reference before its window, and the
    /// Adler-32 trailer. With <paramref name="presetDictionary"/> the header must name a known dictionary
    /// (FDICT and its DICTID), returned in <paramref name="dictionary"/>; without, it must name none.
    /// </summary>
    public static Outcome TryDecompress(ReadOnlySpan<byte> data, int maxBytes, bool presetDictionary, out byte[] output, out PresetDictionary? dictionary, out string error)
    {
        output = [];
        dictionary = null;
        if (data.Length < 6 || (data[0] & 0x0F) != 8 || (data[0] << 8 | data[1]) % 31 != 0)
        {
            error = "no valid zlib header (RFC 1950 CMF/FLG)";
            return Outcome.Corrupt;
        }

        if (data[0] >> 4 > 7)
        {
            // RFC 1950 §2.2: CINFO above 7 (a window over 32 KiB) is not allowed; an inflater that ignores it would read a second text.
            error = "the zlib header's CINFO is above 7 (RFC 1950 §2.2)";
            return Outcome.Corrupt;
        }

        if (((data[1] & 0x20) != 0) != presetDictionary)
        {
            error = presetDictionary ? "the zlib header names no preset dictionary (FDICT)" : "the zlib header asks for a preset dictionary (FDICT), which this format has none of";
            return Outcome.Corrupt;
        }

        if (presetDictionary)
        {
            if (data.Length < 10 || PresetDictionary.ByAdler32(BinaryPrimitives.ReadUInt32BigEndian(data[2..6])) is not { } known)
            {
                error = "the zlib header names an unknown preset dictionary (DICTID)";
                return Outcome.Corrupt;
            }

            dictionary = known;
        }

        // The deflate data must end exactly where the 4-byte Adler-32 trailer begins, with zero padding
        // bits: otherwise different QR texts could inflate to the same signed bytes.
        var body = data[(dictionary is null ? 2 : 6)..];
        if (!DeflateExtent.TryMeasure(body, dictionary?.Length ?? 0, out var deflateLength, out var zeroPadding))
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
        // was most of what decoding a credential allocated (docs/performance-history.md, "Less garbage").
        var input = ArrayPool<byte>.Shared.Rent(data.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes + 1);
        try
        {
            data.CopyTo(input);
            int total;
            try
            {
                total = dictionary is null ? Inflate(input, data.Length, buffer, maxBytes) : Inflate(input, data.Length, buffer, maxBytes, dictionary);
                if (total > maxBytes)
                {
                    error = $"inflates past {maxBytes} bytes";
                    return Outcome.TooLarge;
                }
            }
            catch (Exception e) when (e is InvalidDataException or SharpZipBaseException or InvalidOperationException)
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

    /// <summary>Raw deflate over the body, so the trailer is checked by the caller, independent of the runtime.</summary>
    private static int Inflate(byte[] input, int length, byte[] buffer, int maxBytes)
    {
        using var deflate = new DeflateStream(new MemoryStream(input, 2, length - 2, writable: false), CompressionMode.Decompress);
        int read, total = 0;
        while (total <= maxBytes && (read = deflate.Read(buffer, total, maxBytes + 1 - total)) > 0)
        {
            total += read;
        }

        return total;
    }

    /// <summary>
    /// The whole zlib stream through SharpZipLib's inflater, which asks for the dictionary after the header.
    /// One inflater per thread, reset for each stream (a new one allocates a 32 KB window; this is the verify path).
    /// </summary>
    private static int Inflate(byte[] input, int length, byte[] buffer, int maxBytes, PresetDictionary dictionary)
    {
        var inflater = t_inflater ??= new Inflater();
        inflater.Reset();
        inflater.SetInput(input, 0, length);
        var total = 0;
        while (total <= maxBytes && !inflater.IsFinished)
        {
            var read = inflater.Inflate(buffer, total, maxBytes + 1 - total);
            total += read;
            if (read == 0 && inflater.IsNeedingDictionary)
            {
                inflater.SetDictionary(dictionary.Bytes);
            }
            else if (read == 0 && !inflater.IsFinished)
            {
                throw new InvalidDataException("deflate data ends early");
            }
        }

        return total;
    }

    internal static uint Adler32(ReadOnlySpan<byte> data)
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
