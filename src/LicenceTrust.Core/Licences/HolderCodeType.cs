namespace LicenceTrust.Core.Licences;

/// <summary>
/// The kind of identifier that names a licence holder (持证主体代码类型), with the codes public platform
/// integrations use. Only these three are accepted.
/// </summary>
public enum HolderCodeType
{
    /// <summary>001 统一社会信用代码 — organisations (GB 32100). Shown in clear.</summary>
    UnifiedSocialCreditCode = 1,

    /// <summary>111 公民身份号码 — citizens (GB 11643). Personal data: masked outside the node.</summary>
    CitizenId = 111,

    /// <summary>414 普通护照 — foreign nationals. Personal data: masked outside the node.</summary>
    Passport = 414,
}

public static class HolderCodeTypes
{
    /// <summary>The 3-digit code used on the platforms, e.g. <c>"111"</c>.</summary>
    public static string ToCode(this HolderCodeType type) => ((int)type).ToString("D3", System.Globalization.CultureInfo.InvariantCulture);

    public static bool TryParse(string? code, out HolderCodeType type)
    {
        type = code switch
        {
            "001" => HolderCodeType.UnifiedSocialCreditCode,
            "111" => HolderCodeType.CitizenId,
            "414" => HolderCodeType.Passport,
            _ => 0,
        };
        return type != 0;
    }

    public static bool TryFromNumber(long number, out HolderCodeType type) =>
        TryParse(number is >= 0 and <= 999 ? number.ToString("D3", System.Globalization.CultureInfo.InvariantCulture) : null, out type);

    /// <summary>True when codes of this type are personal data and leave the node masked.</summary>
    public static bool IsPersonal(this HolderCodeType type) => type != HolderCodeType.UnifiedSocialCreditCode;
}
