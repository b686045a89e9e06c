namespace LicenceTrust.Core.Identifiers;

/// <summary>
/// A licence type code (证照类型代码): the defining department's 18-character unified social credit
/// code followed by a 3-digit type number, e.g. <c>11100000000013338W050</c>. <c>default</c> is invalid.
/// </summary>
public readonly record struct LicenceTypeCode
{
    private LicenceTypeCode(string value) => Value = value;

    /// <summary>The 21-character code.</summary>
    public string Value { get; }

    /// <summary>The defining department's credit code (characters 1–18).</summary>
    public string DefiningDepartmentCode => Value[..18];

    public static LicenceTypeCode Parse(string text) =>
        TryParse(text, out var code, out var error) ? code : throw new FormatException(error);

    public static bool TryParse(string? text, out LicenceTypeCode code, out string error)
    {
        code = default;
        if (text is null || text.Length != 21
            || !text.AsSpan(0, 18).ToString().All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c))
            || !text.AsSpan(18).ToString().All(char.IsAsciiDigit))
        {
            error = "证照类型代码应为18位定义机构代码加3位序号 (a licence type code is an 18-character department code plus 3 digits).";
            return false;
        }

        code = new LicenceTypeCode(text);
        error = string.Empty;
        return true;
    }

    public override string ToString() => Value ?? string.Empty;
}
