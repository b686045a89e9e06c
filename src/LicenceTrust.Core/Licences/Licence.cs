using LicenceTrust.Core.Identifiers;

namespace LicenceTrust.Core.Licences;

/// <summary>
/// An electronic licence's metadata: the documented GB/T 36903 subset (see docs/format.md).
/// Immutable. The licence type code and the issuing authority code are parts of the identifier and
/// are read from it, so they can never disagree with it.
/// </summary>
public sealed record Licence
{
    /// <summary>Longest licence number accepted (characters).</summary>
    public const int MaxNumberLength = 40;

    /// <summary>Longest certificate or authority name accepted (characters).</summary>
    public const int MaxNameLength = 60;

    private Licence()
    {
    }

    /// <summary>电子证照标识.</summary>
    public LicenceIdentifier Identifier { get; private init; }

    /// <summary>证照名称 — usually the type name.</summary>
    public string Name { get; private init; } = string.Empty;

    /// <summary>证照编号 — the number printed on the licence.</summary>
    public string Number { get; private init; } = string.Empty;

    /// <summary>持证主体, 持证主体代码类型, 持证主体代码.</summary>
    public LicenceHolder Holder { get; private init; } = null!;

    /// <summary>证照颁发机构 — the issuing authority's name.</summary>
    public string AuthorityName { get; private init; } = string.Empty;

    /// <summary>证照所属管辖属地编码 — 6-digit GB/T 2260 division code.</summary>
    public string AreaCode { get; private init; } = string.Empty;

    /// <summary>证照颁发日期.</summary>
    public DateOnly IssueDate { get; private init; }

    /// <summary>有效期起始.</summary>
    public DateOnly ValidFrom { get; private init; }

    /// <summary>有效期截止 (inclusive); null means long-term (长期).</summary>
    public DateOnly? ValidTo { get; private init; }

    /// <summary>Licence-type-specific attributes by key (see <see cref="LicenceType.Attributes"/>), sorted by key.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; private init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>证照类型代码 (from the identifier).</summary>
    public LicenceTypeCode TypeCode => Identifier.TypeCode;

    /// <summary>颁发机构代码 (from the identifier).</summary>
    public string AuthorityCode => Identifier.AuthorityCode;

    /// <summary>The province of <see cref="AreaCode"/>.</summary>
    public Province Province => Province.TryFromDivision(AreaCode, out var p) ? p : default;

    /// <summary>Creates a licence, checking the structural rules; type-specific rules are the issuer's lints.</summary>
    /// <exception cref="FormatException">A field breaks a rule; the message names the field.</exception>
    public static Licence Create(
        LicenceIdentifier identifier,
        string name,
        string number,
        LicenceHolder holder,
        string authorityName,
        string areaCode,
        DateOnly issueDate,
        DateOnly validFrom,
        DateOnly? validTo,
        IReadOnlyDictionary<string, string>? attributes = null)
    {
        if (identifier.Value.Length == 0)
        {
            throw new FormatException("identifier: 电子证照标识缺失 (identifier is required).");
        }

        ArgumentNullException.ThrowIfNull(holder);
        Require(name, MaxNameLength, "name", "证照名称");
        Require(number, MaxNumberLength, "number", "证照编号");
        Require(authorityName, MaxNameLength, "authorityName", "证照颁发机构");
        if (areaCode is null || areaCode.Length != 6 || !areaCode.All(char.IsAsciiDigit) || !Province.TryFromDivision(areaCode, out _))
        {
            throw new FormatException("areaCode: 行政区划代码应为省级行政区的6位代码 (area code must be a 6-digit division code of a province, GB/T 2260).");
        }

        if (validTo is { } to && to < validFrom)
        {
            throw new FormatException("validTo: 有效期截止日期早于起始日期 (validTo is before validFrom).");
        }

        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in attributes ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrEmpty(key) || key.Length > 20 || value is null || Text.TextPolicy.Length(value) > 200)
            {
                throw new FormatException($"attributes.{key}: 属性名或属性值无效 (attribute key or value is invalid).");
            }

            sorted[key] = value;
        }

        return new Licence
        {
            Identifier = identifier,
            Name = name,
            Number = number,
            Holder = holder,
            AuthorityName = authorityName,
            AreaCode = areaCode,
            IssueDate = issueDate,
            ValidFrom = validFrom,
            ValidTo = validTo,
            Attributes = sorted,
        };
    }

    /// <summary>This licence as it may leave the node: personal holder codes masked.</summary>
    public Licence Disclosed() => this with { Holder = Holder.Disclosed() };

    private static void Require(string value, int max, string field, string nameZh)
    {
        if (string.IsNullOrWhiteSpace(value) || Text.TextPolicy.Length(value) > max)
        {
            throw new FormatException($"{field}: {nameZh}应为1-{max}个字符 ({field} must be 1-{max} characters).");
        }
    }
}
