using System.Globalization;

namespace LicenceTrust.Core.Identifiers;

/// <summary>
/// A citizen ID number (公民身份号码, GB 11643-1999): 6-digit division code, 8-digit birth date,
/// 3-digit sequence and an ISO 7064 MOD 11-2 check character ('X' = 10).
/// Never put the full value in a credential, a log or a public response: use <see cref="Masked"/>.
/// <c>default</c> is not a valid number.
/// </summary>
public readonly record struct CitizenIdNumber
{
    private CitizenIdNumber(string value) => Value = value;

    /// <summary>The 18-character number. Personal data.</summary>
    public string Value { get; }

    /// <summary>The number with the birth date and sequence hidden, e.g. <c>510104********1234</c>.</summary>
    public string Masked => PersonalDataMask.MaskCitizenId(Value);

    public static CitizenIdNumber Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new FormatException(error);

    public static bool TryParse(string? text, out CitizenIdNumber id, out string error)
    {
        id = default;
        if (text is null || text.Length != 18)
        {
            error = "公民身份号码必须为18位 (a citizen ID number has 18 characters).";
            return false;
        }

        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                error = $"公民身份号码第{i + 1}位应为数字 (character {i + 1} must be a digit).";
                return false;
            }
        }

        if (!DateOnly.TryParseExact(text.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            error = "公民身份号码中的出生日期无效 (characters 7-14 are not a valid date).";
            return false;
        }

        if (text[17] != Iso7064.Mod11_2(text.AsSpan(0, 17)))
        {
            error = "公民身份号码校验位错误 (check character does not match).";
            return false;
        }

        id = new CitizenIdNumber(text);
        error = string.Empty;
        return true;
    }

    /// <summary>Shows the masked form only, so that an accidental log line leaks nothing.</summary>
    public override string ToString() => Value is null ? string.Empty : Masked;
}
