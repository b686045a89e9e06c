namespace LicenceTrust.Core.Identifiers;

/// <summary>
/// A unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-character
/// alphabet (no I, O, Z, S, V); characters 3–8 are an administrative division code; the last is a
/// weighted MOD 31 check character. <c>default</c> is not a valid code (its <see cref="Value"/> is null).
/// </summary>
public readonly record struct UnifiedSocialCreditCode
{
    /// <summary>The code alphabet in value order (GB 32100 table 1).</summary>
    internal const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    private UnifiedSocialCreditCode(string value) => Value = value;

    /// <summary>The 18-character code.</summary>
    public string Value { get; }

    /// <summary>The 6-digit administrative division code of the registering authority (characters 3–8).</summary>
    public string DivisionCode => Value.Substring(2, 6);

    /// <summary>Parses a code; throws <see cref="FormatException"/> naming the rule broken.</summary>
    public static UnifiedSocialCreditCode Parse(string text) =>
        TryParse(text, out var code, out var error) ? code : throw new FormatException(error);

    /// <summary>Parses a code; on failure <paramref name="error"/> names the rule broken.</summary>
    public static bool TryParse(string? text, out UnifiedSocialCreditCode code, out string error)
    {
        code = default;
        if (text is null || text.Length != 18)
        {
            error = "统一社会信用代码必须为18位 (a unified social credit code has 18 characters).";
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var value = Alphabet.IndexOf(text[i]);
            if (value < 0)
            {
                error = $"统一社会信用代码第{i + 1}位字符'{Text.TextPolicy.Reveal(text[i].ToString())}'无效 (character {i + 1} is not in the GB 32100 alphabet).";
                return false;
            }

            sum += value * Weights[i];
        }

        for (var i = 2; i < 8; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                error = "统一社会信用代码第3-8位应为行政区划码 (characters 3-8 must be digits).";
                return false;
            }
        }

        var expected = Alphabet[(31 - sum % 31) % 31];
        if (text[17] != expected)
        {
            error = "统一社会信用代码校验位错误 (check character does not match).";
            return false;
        }

        code = new UnifiedSocialCreditCode(text);
        error = string.Empty;
        return true;
    }

    /// <summary>Appends the GB 32100 check character to 17 characters (for building sample codes).</summary>
    public static UnifiedSocialCreditCode FromBody(string body17)
    {
        ArgumentNullException.ThrowIfNull(body17);
        if (body17.Length != 17)
        {
            throw new ArgumentException("Exactly 17 characters are needed.", nameof(body17));
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var value = Alphabet.IndexOf(body17[i]);
            if (value < 0)
            {
                throw new ArgumentException($"'{body17[i]}' is not in the GB 32100 alphabet.", nameof(body17));
            }

            sum += value * Weights[i];
        }

        return Parse(body17 + Alphabet[(31 - sum % 31) % 31]);
    }

    public override string ToString() => Value ?? string.Empty;
}
