namespace LicenceTrust.Core.Identifiers;

/// <summary>
/// Check-character systems of ISO/IEC 7064 used by the Chinese identifiers.
/// Pure functions; thread-safe.
/// </summary>
public static class Iso7064
{
    private const string Alphanumeric36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>
    /// ISO/IEC 7064 MOD 11-2 check character over decimal digits (used by GB 11643 citizen ID numbers).
    /// Returns '0'–'9' or 'X' (= 10).
    /// </summary>
    /// <exception cref="ArgumentException">A character is not a decimal digit.</exception>
    public static char Mod11_2(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var weight = 1;
        // Weights are 2^(n-i) mod 11, so walk from the right with a running weight.
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var c = digits[i];
            if (c is < '0' or > '9')
            {
                throw new ArgumentException($"'{c}' is not a decimal digit.", nameof(digits));
            }

            weight = weight * 2 % 11;
            sum += (c - '0') * weight;
        }

        var check = (12 - sum % 11) % 11;
        return check == 10 ? 'X' : (char)('0' + check);
    }

    /// <summary>
    /// ISO/IEC 7064 MOD 37,36 (hybrid system) check character over 0–9 and A–Z
    /// (used by the GB/T 36904 licence identifier). Returns one of 0–9, A–Z.
    /// </summary>
    /// <exception cref="ArgumentException">A character is outside 0–9, A–Z.</exception>
    public static char Mod37_36(ReadOnlySpan<char> text)
    {
        const int m = 36;
        var p = m;
        foreach (var c in text)
        {
            var value = Alphanumeric36.IndexOf(c);
            if (value < 0)
            {
                throw new ArgumentException($"'{c}' is not in 0-9, A-Z.", nameof(text));
            }

            var s = (p + value) % m;
            if (s == 0)
            {
                s = m;
            }

            p = s * 2 % (m + 1);
        }

        return Alphanumeric36[(m + 1 - p) % m];
    }
}
