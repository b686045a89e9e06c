using LicenceTrust.Issuance;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceTrust.AuthorityConsole;

/// <summary>
/// Which officers open the administrators' pages (docs/console.md, "Roles"), checked before a page runs:
/// an officer without the role gets 403 and a page that says so, for a link followed and a crafted post
/// alike. The services check the roles again for every action.
/// </summary>
public static class ConsoleAccess
{
    /// <summary>工作人员: the system administrator manages accounts; the auditor reads.</summary>
    public const string Accounts = "console-accounts";

    /// <summary>API密钥 and 信任列表: the security administrator; the auditor reads.</summary>
    public const string Security = "console-security";

    /// <summary>审计: the auditor.</summary>
    public const string Audit = "console-audit";

    /// <summary>The roles that open each area, one place for the policies, the navigation and the tabs.</summary>
    public static OfficerRoles RolesOf(string policy) => policy switch
    {
        Accounts => OfficerRoles.SystemAdmin | OfficerRoles.Auditor,
        Security => OfficerRoles.SecurityAdmin | OfficerRoles.Auditor,
        Audit => OfficerRoles.Auditor,
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "no such console area"),
    };

    /// <summary>Whether the officer opens the area's pages.</summary>
    public static bool Opens(Officer officer, string policy)
    {
        ArgumentNullException.ThrowIfNull(officer);
        var roles = RolesOf(policy);
        return Enum.GetValues<OfficerRoles>().Any(role => role != OfficerRoles.None && (roles & role) == role && officer.Has(role));
    }

    internal static void AddPolicies(IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, OfficerRoleHandler>();
        var builder = services.AddAuthorizationBuilder();
        foreach (var policy in new[] { Accounts, Security, Audit })
        {
            builder.AddPolicy(policy, p => p.AddAuthenticationSchemes(ConsoleSession.Scheme).RequireAuthenticatedUser().AddRequirements(new OfficerRoleRequirement(policy)));
        }
    }

    /// <summary>The answer to a signed-in officer without the role: 403, and a page in Chinese.</summary>
    internal static Task RefuseAsync(HttpContext http) =>
        ConsoleNotice.WriteAsync(http, StatusCodes.Status403Forbidden, "无权访问",
            "此页面仅供相应的管理员使用（三员分立：系统管理员、安全管理员、安全审计员各司其职）。如需办理，请联系本机构的管理员。",
            "This page is for the administrator whose duty it is (system, security or audit). Ask your authority's administrators.");

    private sealed record OfficerRoleRequirement(string Policy) : IAuthorizationRequirement;

    /// <summary>Reads the officer as stored now (as every page does) and checks the area's roles.</summary>
    private sealed class OfficerRoleHandler(OfficerAccounts officers) : AuthorizationHandler<OfficerRoleRequirement>
    {
        protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, OfficerRoleRequirement requirement)
        {
            if (context.Resource is HttpContext http && await ConsoleSession.CurrentAsync(http, officers) is { } officer && Opens(officer, requirement.Policy))
            {
                context.Succeed(requirement);
            }
        }
    }
}
