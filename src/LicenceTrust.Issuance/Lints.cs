using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Text;

namespace LicenceTrust.Issuance;

/// <summary>
/// The rules a draft must pass before it reaches a signer. Each throws a validation error naming the
/// field and the rule; the clause each enforces is in its comment.
/// </summary>
public static class Lints
{
    /// <summary>GB/T 36903: the type must be a type of the node's catalogue.</summary>
    public static LicenceType KnownType(LicenceTypeCatalogue catalogue, string typeCode) =>
        LicenceTypeCode.TryParse(typeCode, out var code, out var error)
            ? catalogue.TryGet(code, out var type) ? type
                : throw LicenceTrustException.Validation("TYPE_UNKNOWN", $"证照类型{TextPolicy.Quote(typeCode)}不在目录中 (licence type {TextPolicy.Quote(typeCode)} is not in the catalogue).", "typeCode")
            : throw LicenceTrustException.Validation("TYPE_CODE_INVALID", error, "typeCode");

    /// <summary>
    /// The text policy (<see cref="TextPolicy"/>, docs/api.md "Text policy") for one field that will be
    /// signed or stored: the value in NFC, or TEXT_CHARACTER_NOT_ALLOWED naming the field and the code point.
    /// Null stays null (a missing field is the other lints' to judge).
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    public static string? CleanText(string? value, string field) => TextPolicy.Clean(value, field);

    /// <summary>Every text of an issue request through <see cref="CleanText"/>; the attributes' keys and values too.</summary>
    public static IssueCommand CleanText(IssueCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in command.Attributes ?? new Dictionary<string, string>())
        {
            var cleanKey = CleanText(key, "attributes");
            attributes[cleanKey] = CleanText(value, $"attributes.{cleanKey}") ?? string.Empty;
        }

        return command with
        {
            TypeCode = CleanText(command.TypeCode, "typeCode") ?? string.Empty,
            Name = CleanText(command.Name, "name"),
            Number = CleanText(command.Number, "number") ?? string.Empty,
            HolderName = CleanText(command.HolderName, "holder.name") ?? string.Empty,
            HolderCodeType = CleanText(command.HolderCodeType, "holder.codeType") ?? string.Empty,
            HolderCode = CleanText(command.HolderCode, "holder.code") ?? string.Empty,
            AuthorityName = CleanText(command.AuthorityName, "authorityName"),
            AreaCode = CleanText(command.AreaCode, "areaCode") ?? string.Empty,
            Attributes = attributes,
            IdempotencyKey = CleanText(command.IdempotencyKey, "Idempotency-Key"),
        };
    }

    /// <summary>A reason for a status change or a supersede: the text policy, then 1–200 characters.</summary>
    public static string Reason(string? reason)
    {
        var clean = CleanText(reason ?? string.Empty, "reason");
        return string.IsNullOrWhiteSpace(clean) || TextPolicy.Length(clean) > 200
            ? throw LicenceTrustException.Validation("REASON_REQUIRED", "请填写1-200字的原因 (give a reason of 1-200 characters).", "reason")
            : clean;
    }

    /// <summary>GB/T 36903 持证主体代码类型: each type takes only its holder code types.</summary>
    public static HolderCodeType HolderCodeTypeAllowed(LicenceType type, string holderCodeType)
    {
        if (!HolderCodeTypes.TryParse(holderCodeType, out var codeType))
        {
            throw LicenceTrustException.Validation("HOLDER_CODE_TYPE_INVALID", "持证主体代码类型应为001、111或414 (holderCodeType must be 001, 111 or 414).", "holder.codeType");
        }

        return type.HolderCodeTypes.Contains(codeType)
            ? codeType
            : throw LicenceTrustException.Validation("HOLDER_CODE_TYPE_NOT_ALLOWED", $"{type.NameZh}的持证主体代码类型应为{string.Join("/", type.HolderCodeTypes.Select(t => t.ToCode()))} (this type takes holder code type {string.Join("/", type.HolderCodeTypes.Select(t => t.ToCode()))}).", "holder.codeType");
    }

    /// <summary>GB 32100 / GB 11643: the holder code passes its check digit.</summary>
    public static LicenceHolder Holder(string name, HolderCodeType codeType, string code)
    {
        try
        {
            return LicenceHolder.Create(name, codeType, code);
        }
        catch (FormatException e)
        {
            var field = e.Message.Contains("名称", StringComparison.Ordinal) ? "holder.name" : "holder.code";
            throw LicenceTrustException.Validation(field == "holder.name" ? "HOLDER_NAME_INVALID" : "HOLDER_CODE_INVALID", e.Message, field);
        }
    }

    /// <summary>GB/T 2260: the area code belongs to this node's province.</summary>
    public static void AreaInProvince(string areaCode, Province province)
    {
        if (areaCode is null || areaCode.Length != 6 || !areaCode.All(char.IsAsciiDigit) || !areaCode.StartsWith(province.Code.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            throw LicenceTrustException.Validation("AREA_CODE_INVALID", $"行政区划代码应为{province.NameZh}的6位代码 (areaCode must be a 6-digit division code of {province.NameEn}).", "areaCode");
        }
    }

    /// <summary>The type's entry in the catalogue: required attributes present, no unknown ones, values within length, pattern and enumeration.</summary>
    public static void Attributes(LicenceType type, IReadOnlyDictionary<string, string> attributes)
    {
        foreach (var definition in type.Attributes)
        {
            var present = attributes.TryGetValue(definition.Key, out var value) && !string.IsNullOrWhiteSpace(value);
            if (definition.Required && !present)
            {
                throw LicenceTrustException.Validation("ATTRIBUTE_MISSING", $"缺少{definition.NameZh} ({definition.NameEn} is required).", $"attributes.{definition.Key}");
            }

            if (present && TextPolicy.Length(value!) > definition.MaxLength)
            {
                throw LicenceTrustException.Validation("ATTRIBUTE_TOO_LONG", $"{definition.NameZh}最多{definition.MaxLength}个字符 ({definition.NameEn} is at most {definition.MaxLength} characters).", $"attributes.{definition.Key}");
            }

            if (present && !definition.IsAllowedValue(value!))
            {
                throw LicenceTrustException.Validation("ATTRIBUTE_VALUE_NOT_ALLOWED", $"{definition.NameZh}应为以下之一：{string.Join("、", definition.Values!)} ({definition.NameEn} must be one of {string.Join(", ", definition.Values!)}).", $"attributes.{definition.Key}");
            }

            if (present && !definition.MatchesPattern(value!))
            {
                throw LicenceTrustException.Validation("ATTRIBUTE_PATTERN_MISMATCH", $"{definition.NameZh}的格式不符合证照类型的规定 ({definition.NameEn} is not in the form the licence type defines).", $"attributes.{definition.Key}");
            }
        }

        var unknown = attributes.Keys.FirstOrDefault(k => type.Attributes.All(d => d.Key != k));
        if (unknown is not null)
        {
            throw LicenceTrustException.Validation("ATTRIBUTE_UNKNOWN", $"{type.NameZh}没有属性{TextPolicy.Quote(unknown)} ({type.NameEn} has no attribute '{TextPolicy.Quote(unknown)}').", $"attributes.{unknown}");
        }
    }

    /// <summary>
    /// GB/T 36903 有效期 and 颁发日期: the window is ordered and plausible, and the issue date is not in
    /// the future. (An issue date after the start is normal: e-licences are issued for licences in force.)
    /// </summary>
    public static void Validity(DateOnly issueDate, DateOnly validFrom, DateOnly? validTo, DateOnly today)
    {
        if (validTo is { } to && to < validFrom)
        {
            throw LicenceTrustException.Validation("VALIDITY_INVALID", "有效期截止日期早于起始日期 (validTo is before validFrom).", "validTo");
        }

        if (validFrom.Year < 1949 || validTo?.Year > 2199)
        {
            throw LicenceTrustException.Validation("VALIDITY_INVALID", "有效期超出合理范围 (validity must lie between 1949 and 2199).", "validFrom");
        }

        if (issueDate > today.AddDays(1))
        {
            throw LicenceTrustException.Validation("ISSUE_DATE_INVALID", "颁发日期不能晚于今天 (issueDate is in the future).", "issueDate");
        }
    }

    /// <summary>GB/T 36903 证照编号 and 证照名称: present and short enough for the QR code (length in characters, <see cref="TextPolicy.Length"/>).</summary>
    public static void Text(string? value, int max, string field, string nameZh)
    {
        if (string.IsNullOrWhiteSpace(value) || TextPolicy.Length(value) > max)
        {
            throw LicenceTrustException.Validation("FIELD_INVALID", $"{nameZh}应为1-{max}个字符 ({field} must be 1-{max} characters).", field);
        }
    }
}
