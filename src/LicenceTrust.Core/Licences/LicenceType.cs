using System.Text.RegularExpressions;
using LicenceTrust.Core.Identifiers;

namespace LicenceTrust.Core.Licences;

/// <summary>One licence-type-specific attribute (e.g. 法定代表人 on a business licence).</summary>
/// <param name="Key">Stable short key used in the credential and JSON, e.g. <c>legalRep</c>.</param>
/// <param name="NameZh">Element name as printed on the licence.</param>
/// <param name="NameEn">English name.</param>
/// <param name="Required">Whether every licence of the type must carry it.</param>
/// <param name="MaxLength">Longest value accepted (characters); values are kept short for the QR.</param>
/// <param name="Pattern">A .NET regular expression the whole value must match, or null.</param>
/// <param name="Values">The only values allowed (an enumeration), or null.</param>
public sealed record AttributeDefinition(string Key, string NameZh, string NameEn, bool Required, int MaxLength = 40, string? Pattern = null, IReadOnlyList<string>? Values = null)
{
    // Anchored so that a pattern constrains the whole value, and time-limited so that a catalogue
    // entry with catastrophic backtracking cannot stall an issuing request.
    private readonly Regex? _pattern = Pattern is null ? null
        : new Regex($"^(?:{Pattern})$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    /// <summary>
    /// Whether <paramref name="value"/> matches the pattern; true when there is none. A pattern that runs
    /// out of time on a value counts as a mismatch: the value is refused, never a request hung.
    /// </summary>
    public bool MatchesPattern(string value)
    {
        try
        {
            return _pattern?.IsMatch(value) ?? true;
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="value"/> is one of the enumeration; true when there is none.</summary>
    public bool IsAllowedValue(string value) => Values is null || Values.Contains(value, StringComparer.Ordinal);
}

/// <summary>A licence type (证照类型) and what a licence of that type carries.</summary>
/// <param name="Code">Licence type code (证照类型代码).</param>
/// <param name="NameZh">Licence type name (证照类型名称).</param>
/// <param name="NameEn">English name.</param>
/// <param name="DefiningDepartmentName">证照定义机构 — the department that defines the type.</param>
/// <param name="HolderCodeTypes">Which holder code types the type accepts.</param>
/// <param name="Attributes">Type-specific attributes.</param>
/// <param name="PersonalHolder">True when holders are natural persons (their codes are personal data).</param>
public sealed record LicenceType(
    LicenceTypeCode Code,
    string NameZh,
    string NameEn,
    string DefiningDepartmentName,
    IReadOnlyList<HolderCodeType> HolderCodeTypes,
    IReadOnlyList<AttributeDefinition> Attributes,
    bool PersonalHolder)
{
    /// <summary>The defining department's code (证照定义机构代码), from the type code.</summary>
    public string DefiningDepartmentCode => Code.DefiningDepartmentCode;
}
