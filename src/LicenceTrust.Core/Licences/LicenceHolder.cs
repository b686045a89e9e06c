using LicenceTrust.Core.Identifiers;

namespace LicenceTrust.Core.Licences;

/// <summary>
/// The holder of a licence (持证主体). <see cref="Code"/> is either the full code (inside the issuing
/// node) or its masked form (in a credential); <see cref="IsMasked"/> says which.
/// </summary>
public sealed record LicenceHolder
{
    /// <summary>Longest holder name accepted (characters).</summary>
    public const int MaxNameLength = 100;

    private LicenceHolder(string name, HolderCodeType codeType, string code, bool masked)
    {
        Name = name;
        CodeType = codeType;
        Code = code;
        IsMasked = masked;
    }

    /// <summary>Holder name (持证主体), 1–100 characters.</summary>
    public string Name { get; }

    /// <summary>Holder code type (持证主体代码类型).</summary>
    public HolderCodeType CodeType { get; }

    /// <summary>Holder code (持证主体代码), full or masked.</summary>
    public string Code { get; }

    /// <summary>True when <see cref="Code"/> is the masked form.</summary>
    public bool IsMasked { get; }

    /// <summary>Creates a holder from a full code, checking it by the rules of its type.</summary>
    /// <exception cref="FormatException">The name or code breaks the rules; the message says which.</exception>
    public static LicenceHolder Create(string name, HolderCodeType codeType, string code)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(code);
        string error;
        var ok = codeType switch
        {
            HolderCodeType.UnifiedSocialCreditCode => UnifiedSocialCreditCode.TryParse(code, out _, out error),
            HolderCodeType.CitizenId => CitizenIdNumber.TryParse(code, out _, out error),
            HolderCodeType.Passport => IsPassport(code, out error),
            _ => Fail(out error, "未知的持证主体代码类型 (unknown holder code type)."),
        };
        return ok ? new LicenceHolder(name, codeType, code, masked: false) : throw new FormatException(error);
    }

    /// <summary>Re-creates a holder read from a credential, whose personal codes are masked already.</summary>
    /// <exception cref="FormatException">A personal code is not masked, or the code has the wrong shape.</exception>
    public static LicenceHolder FromCredential(string name, HolderCodeType codeType, string code)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(code);
        if (!codeType.IsPersonal())
        {
            return Create(name, codeType, code);
        }

        if (code.Length is < 2 or > 20 || !code.Contains('*', StringComparison.Ordinal))
        {
            throw new FormatException("凭证中的个人证件号码必须为掩码形式 (a personal code in a credential must be masked).");
        }

        return new LicenceHolder(name, codeType, code, masked: true);
    }

    /// <summary>This holder as it may appear outside the node: personal codes masked.</summary>
    public LicenceHolder Disclosed() => IsMasked || !CodeType.IsPersonal()
        ? this
        : new LicenceHolder(Name, CodeType, MaskedCode(), masked: true);

    private string MaskedCode() => CodeType == HolderCodeType.CitizenId
        ? PersonalDataMask.MaskCitizenId(Code)
        : PersonalDataMask.MaskDocumentNumber(Code);

    private static void CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || Text.TextPolicy.Length(name) > MaxNameLength)
        {
            throw new FormatException($"持证主体名称应为1-{MaxNameLength}个字符 (holder name must be 1-{MaxNameLength} characters).");
        }
    }

    private static bool IsPassport(string code, out string error) =>
        code.Length is >= 5 and <= 20 && code.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c))
            ? Fail(out error, string.Empty, ok: true)
            : Fail(out error, "护照号码应为5-20位数字或大写字母 (a passport number is 5-20 characters of 0-9, A-Z).");

    private static bool Fail(out string error, string message, bool ok = false)
    {
        error = message;
        return ok;
    }
}
