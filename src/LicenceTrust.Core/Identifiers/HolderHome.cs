using LicenceTrust.Core.Results;

namespace LicenceTrust.Core.Identifiers;

/// <summary>A holder code read for its home province: the kind of code, the code, and the province whose node holds its licences.</summary>
/// <param name="Code">The code as given (a citizen ID number is personal data: show <see cref="Masked"/>).</param>
/// <param name="Personal">True for a citizen ID number.</param>
/// <param name="Province">The province of the registration area (GB 32100) or the region (GB 11643) the code carries.</param>
public sealed record HolderHome(string Code, bool Personal, Province Province)
{
    /// <summary>The code as it may appear in a log or on a screen of another province.</summary>
    public string Masked => Personal ? PersonalDataMask.MaskCitizenId(Code) : Code;

    /// <summary>Any holder code as a log may keep it: one that looks like a citizen ID number (17 digits and a check character) masked, any other as it is.</summary>
    public static string MaskedForLog(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return LooksPersonal(code) ? PersonalDataMask.MaskCitizenId(code) : code;
    }

    // Seventeen digits and a check character are meant as a citizen ID number, anything else as a credit code.
    private static bool LooksPersonal(string text) => text.Length == 18 && !text.AsSpan(0, 17).ContainsAnyExceptInRange('0', '9');

    /// <summary>
    /// Reads a unified social credit code (its characters 3-8 are the registration area) or a citizen ID number
    /// (its first six digits are the region), checks its check character, and finds the province in the registry.
    /// </summary>
    /// <exception cref="LicenceTrustException"><c>HOLDER_CODE_INVALID</c> (not such a code, or a bad check character) or <c>HOLDER_REGION_UNKNOWN</c>.</exception>
    public static HolderHome Of(string? code)
    {
        var text = code?.Trim().ToUpperInvariant() ?? string.Empty;
        var citizen = LooksPersonal(text);
        string division;
        bool personal;
        var idError = string.Empty;
        if (citizen && CitizenIdNumber.TryParse(text, out _, out idError))
        {
            (division, personal) = (text[..6], true);
        }
        else if (UnifiedSocialCreditCode.TryParse(text, out var credit, out var error))
        {
            (division, personal) = (credit.DivisionCode, false);
        }
        else
        {
            throw LicenceTrustException.Validation("HOLDER_CODE_INVALID", $"持证主体代码无效：{(citizen ? idError : error)}", "holderCode");
        }

        return Province.TryFromDivision(division, out var province)
            ? new HolderHome(text, personal, province)
            : throw LicenceTrustException.Validation("HOLDER_REGION_UNKNOWN",
                $"持证主体代码中的地区代码{division}不属于已知省份 (the code's area {division} is not of a province in the registry).", "holderCode");
    }
}
