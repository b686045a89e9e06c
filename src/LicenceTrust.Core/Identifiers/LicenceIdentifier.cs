namespace LicenceTrust.Core.Identifiers;

/// <summary>
/// An electronic licence identifier (电子证照标识, GB/T 36904) as used by the national platform:
/// <c>1.2.156.3005.2.&lt;type code&gt;.&lt;authority code&gt;.&lt;serial&gt;.&lt;version&gt;.&lt;check&gt;</c>.
/// The check character is ISO/IEC 7064 MOD 37,36 over type code + authority code + serial + version.
/// See docs/format.md for the rules and the published examples. <c>default</c> is invalid.
/// </summary>
public readonly record struct LicenceIdentifier
{
    /// <summary>The e-licence root OID that every identifier starts with.</summary>
    public const string RootOid = "1.2.156.3005.2";

    /// <summary>Longest serial accepted (characters); public examples use up to 32.</summary>
    public const int MaxSerialLength = 40;

    private LicenceIdentifier(LicenceTypeCode type, string authority, string serial, int version, char check)
    {
        TypeCode = type;
        AuthorityCode = authority;
        Serial = serial;
        Version = version;
        Check = check;
    }

    /// <summary>The licence type code (defining department's credit code + 3-digit number).</summary>
    public LicenceTypeCode TypeCode { get; }

    /// <summary>
    /// The issuing authority code: an 18-character unified social credit code. Kept as text because
    /// some published identifiers carry legacy codes that fail the GB 32100 check.
    /// </summary>
    public string AuthorityCode { get; }

    /// <summary>Serial number: 1–40 characters of 0–9, A–Z.</summary>
    public string Serial { get; }

    /// <summary>Version 1–999, written as 3 digits.</summary>
    public int Version { get; }

    /// <summary>The ISO 7064 MOD 37,36 check character.</summary>
    public char Check { get; }

    /// <summary>The full identifier text.</summary>
    public string Value => TypeCode.Value is null
        ? string.Empty
        : $"{RootOid}.{TypeCode.Value}.{AuthorityCode}.{Serial}.{Version:D3}.{Check}";

    /// <summary>Builds an identifier and computes its check character.</summary>
    /// <exception cref="ArgumentException">A part breaks the format.</exception>
    public static LicenceIdentifier Create(LicenceTypeCode type, UnifiedSocialCreditCode authority, string serial, int version = 1)
    {
        if (type.Value is null || authority.Value is null)
        {
            throw new ArgumentException("Type code and authority code are required.");
        }

        if (!IsSerial(serial))
        {
            throw new ArgumentException($"Serial must be 1-{MaxSerialLength} characters of 0-9, A-Z.", nameof(serial));
        }

        if (version is < 1 or > 999)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "Version is 1-999.");
        }

        var check = Iso7064.Mod37_36(CheckedText(type.Value, authority.Value, serial, version));
        return new LicenceIdentifier(type, authority.Value, serial, version, check);
    }

    /// <summary>
    /// Rebuilds an identifier from its parts, computing the check character (LT2 carries the parts, never
    /// the identifier text); the parts must pass the same rules as <see cref="TryParse"/>.
    /// </summary>
    public static bool TryFromParts(string typeCode, string authorityCode, string serial, int version, out LicenceIdentifier identifier, out string error)
    {
        ArgumentNullException.ThrowIfNull(typeCode);
        ArgumentNullException.ThrowIfNull(authorityCode);
        ArgumentNullException.ThrowIfNull(serial);
        identifier = default;
        if (version is < 1 or > 999 || !IsSerial(serial) || authorityCode.Length != 18 || !authorityCode.All(IsUpperAlphanumeric) || !typeCode.All(IsUpperAlphanumeric))
        {
            error = "电子证照标识的组成部分不合规 (a part of the identifier breaks its rule).";
            return false;
        }

        var check = Iso7064.Mod37_36(CheckedText(typeCode, authorityCode, serial, version));
        return TryParse($"{RootOid}.{typeCode}.{authorityCode}.{serial}.{version:D3}.{check}", out identifier, out error);
    }

    public static LicenceIdentifier Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new FormatException(error);

    /// <summary>Parses an identifier; on failure <paramref name="error"/> names the rule broken.</summary>
    public static bool TryParse(string? text, out LicenceIdentifier identifier, out string error)
    {
        identifier = default;
        if (text is null || !text.StartsWith(RootOid + ".", StringComparison.Ordinal))
        {
            error = $"电子证照标识必须以{RootOid}开头 (the identifier must start with {RootOid}).";
            return false;
        }

        var parts = text[(RootOid.Length + 1)..].Split('.');
        if (parts.Length != 5)
        {
            error = "电子证照标识应由类型代码、颁发机构代码、顺序号、版本号和校验位五段组成 (expected 5 parts after the root OID).";
            return false;
        }

        if (!LicenceTypeCode.TryParse(parts[0], out var type, out error))
        {
            return false;
        }

        if (parts[1].Length != 18 || !parts[1].All(IsUpperAlphanumeric))
        {
            error = "颁发机构代码应为18位统一社会信用代码 (the authority code must be 18 characters).";
            return false;
        }

        if (!IsSerial(parts[2]))
        {
            error = $"顺序号应为1-{MaxSerialLength}位数字或大写字母 (the serial must be 1-{MaxSerialLength} characters of 0-9, A-Z).";
            return false;
        }

        if (parts[3].Length != 3 || !parts[3].All(char.IsAsciiDigit) || parts[3] == "000")
        {
            error = "版本号应为3位数字 (the version must be 3 digits, 001-999).";
            return false;
        }

        if (parts[4].Length != 1)
        {
            error = "校验位应为1位 (the check part is one character).";
            return false;
        }

        var version = int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture);
        var expected = Iso7064.Mod37_36(CheckedText(type.Value, parts[1], parts[2], version));
        if (parts[4][0] != expected)
        {
            error = "电子证照标识校验位错误 (check character does not match).";
            return false;
        }

        identifier = new LicenceIdentifier(type, parts[1], parts[2], version, expected);
        error = string.Empty;
        return true;
    }

    /// <summary>The next version of the same licence (for a superseding issue).</summary>
    public LicenceIdentifier NextVersion() =>
        Create(TypeCode, UnifiedSocialCreditCode.Parse(AuthorityCode), Serial, Version + 1);

    public override string ToString() => Value;

    private static string CheckedText(string type, string authority, string serial, int version) =>
        $"{type}{authority}{serial}{version:D3}";

    private static bool IsSerial(string? serial) =>
        serial is { Length: > 0 and <= MaxSerialLength } && serial.All(IsUpperAlphanumeric);

    private static bool IsUpperAlphanumeric(char c) => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c);
}
