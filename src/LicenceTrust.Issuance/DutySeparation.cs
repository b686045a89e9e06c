using LicenceTrust.Core.Results;

namespace LicenceTrust.Issuance;

/// <summary>
/// 三员分立 (docs/console.md, "No one acts alone"): the business roles (经办 clerk, 审核 approver) are apart from
/// the three administrators — the system administrator (accounts), the security administrator (API keys,
/// issuer withdrawal) and the auditor (the logs, read-only) — and each administrator holds exactly one of
/// the three. What an administrator asks for that could get a licence signed (an officer, a password, an
/// API key) waits for a second administrator of the same kind (<see cref="AdminRequests"/>). Pure.
/// </summary>
public static class DutySeparation
{
    /// <summary>The roles that get licences drafted and signed.</summary>
    public const OfficerRoles Business = OfficerRoles.Clerk | OfficerRoles.Approver;

    /// <summary>The three administrators' roles.</summary>
    public const OfficerRoles Administrators = OfficerRoles.SystemAdmin | OfficerRoles.SecurityAdmin | OfficerRoles.Auditor;

    /// <summary>Every role there is.</summary>
    public const OfficerRoles All = Business | Administrators;

    /// <summary>The refusal of a set of roles one officer may not hold together, or null when it is allowed.</summary>
    public static LicenceTrustException? Problem(OfficerRoles roles)
    {
        if (roles == OfficerRoles.None || (roles & ~All) != 0)
        {
            return LicenceTrustException.Validation("ROLE_UNKNOWN", "至少需要一个角色 (give at least one role).", "roles");
        }

        var administrators = roles & Administrators;
        if (administrators != 0 && (roles & Business) != 0)
        {
            return Refused("管理员不能兼任经办或审核", "an administrator holds no business role");
        }

        return administrators != 0 && (administrators & (administrators - 1)) != 0
            ? Refused("系统管理员、安全管理员、安全审计员须由不同的人担任", "the system administrator, the security administrator and the auditor are three different people")
            : null;
    }

    /// <summary>Refuses roles one officer may not hold together (400 ROLES_SEPARATED).</summary>
    public static void Check(OfficerRoles roles)
    {
        if (Problem(roles) is { } problem)
        {
            throw problem;
        }
    }

    /// <summary>A role's name in Chinese and English.</summary>
    public static (string Zh, string En) Name(OfficerRoles role) => role switch
    {
        OfficerRoles.Clerk => ("经办", "clerk"),
        OfficerRoles.Approver => ("审核", "approver"),
        OfficerRoles.SystemAdmin => ("系统管理员", "system administrator"),
        OfficerRoles.SecurityAdmin => ("安全管理员", "security administrator"),
        OfficerRoles.Auditor => ("安全审计员", "auditor"),
        _ => ("管理员", "administrator"),
    };

    private static LicenceTrustException Refused(string zh, string en) =>
        LicenceTrustException.Validation("ROLES_SEPARATED", $"三员分立：{zh} (separation of duties: {en}).", "roles");
}
