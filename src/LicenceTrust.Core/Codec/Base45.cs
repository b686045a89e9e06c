namespace LicenceTrust.Core.Codec;

/// <summary>Base45 (RFC 9285): the QR alphanumeric alphabet, 2 bytes → 3 characters. Thread-safe.</summary>
public static class Base45
{
    /// <summary>The 45 characters in value order (RFC 9285 table 1).</summary>
    public const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

    private static readonly sbyte[] Values = BuildValues();

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var chars = new char[data.Length / 2 * 3 + data.Length % 2 * 2];
        var o = 0;
        for (var i = 0; i + 1 < data.Length; i += 2)
        {
            var n = data[i] * 256 + data[i + 1];
            chars[o++] = Alphabet[n % 45];
            chars[o++] = Alphabet[n / 45 % 45];
            chars[o++] = Alphabet[n / 2025];
        }

        if (data.Length % 2 == 1)
        {
            var n = data[^1];
            chars[o++] = Alphabet[n % 45];
            chars[o] = Alphabet[n / 45];
        }

        return new string(chars);
    }

    /// <summary>Decodes Base45 text; false (with a reason) for a character outside the alphabet,
    /// a length of 3k+1, or a group whose value is out of range.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] data, out string error)
    {
        data = [];
        var output = new byte[DecodedLength(text.Length)];
        if (!TryDecode(text, output, out error))
        {
            return false;
        }

        data = output;
        return true;
    }

    /// <summary>How many bytes <paramref name="textLength"/> characters of Base45 decode to (a length of 3k+1 is refused by the decoder).</summary>
    public static int DecodedLength(int textLength) => textLength / 3 * 2 + (textLength % 3 == 2 ? 1 : 0);

    /// <summary>
    /// Decodes into <paramref name="destination"/>, which holds at least <see cref="DecodedLength"/> bytes,
    /// so that a caller on the hot path can decode into a pooled buffer. Same rules as the array form.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out string error)
    {
        if (text.Length % 3 == 1)
        {
            error = $"length {text.Length} leaves a single trailing character";
            return false;
        }

        var output = destination[..DecodedLength(text.Length)];
        var o = 0;
        for (var i = 0; i < text.Length; i += 3)
        {
            var remaining = Math.Min(3, text.Length - i);
            var n = 0;
            var factor = 1;
            for (var j = 0; j < remaining; j++)
            {
                var c = text[i + j];
                var v = c < 128 ? Values[c] : -1;
                if (v < 0)
                {
                    error = $"character '{c}' at position {i + j} is not in the Base45 alphabet";
                    return false;
                }

                n += v * factor;
                factor *= 45;
            }

            if (remaining == 3)
            {
                if (n > 0xFFFF)
                {
                    error = $"group at position {i} decodes to {n}, above 65535";
                    return false;
                }

                output[o++] = (byte)(n >> 8);
                output[o++] = (byte)n;
            }
            else
            {
                if (n > 0xFF)
                {
                    error = $"final group decodes to {n}, above 255";
                    return false;
                }

                output[o++] = (byte)n;
            }
        }

        error = string.Empty;
        return true;
    }

    private static sbyte[] BuildValues()
    {
        var values = new sbyte[128];
        Array.Fill(values, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            values[Alphabet[i]] = (sbyte)i;
        }

        return values;
    }
}
