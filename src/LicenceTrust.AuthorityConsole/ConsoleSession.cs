using System.Security.Claims;
using LicenceTrust.Issuance;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceTrust.AuthorityConsole;

/// <summary>
/// The officer's cookie session (docs/console.md, "Sign-in"): its own cookie, only on <c>/console</c>,
/// HttpOnly and SameSite=Strict, ending after <see cref="ConsoleOptions.IdleMinutes"/> without a request.
/// The cookie names the officer; every request reads the officer again, so a disabled officer or a
/// changed role takes effect at once.
/// </summary>
public static class ConsoleSession
{
    public const string Scheme = "OfficerCookie";
    public const string Policy = "console-officer";
    public const string CookieName = "lt-console";

    public static AuthenticationBuilder AddOfficerCookie(this AuthenticationBuilder builder, ConsoleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return builder.AddCookie(Scheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.Path = ConsoleEndpoints.Base;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(options.IdleMinutes);
            o.SlidingExpiration = true;
            o.LoginPath = ConsoleEndpoints.Base + "/sign-in";
            o.AccessDeniedPath = ConsoleEndpoints.Base + "/sign-in";
            o.ReturnUrlParameter = "returnUrl";
        });
    }

    public static Task SignInAsync(HttpContext http, Officer officer)
    {
        ArgumentNullException.ThrowIfNull(officer);
        var identity = new ClaimsIdentity([new(ClaimTypes.NameIdentifier, officer.Username), new(ClaimTypes.Name, officer.DisplayName)], Scheme);
        return http.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
    }

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(Scheme);

    /// <summary>The signed-in officer as stored now; null when signed out, unknown or disabled.</summary>
    public static async Task<Officer?> CurrentAsync(HttpContext http, OfficerAccounts officers)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(officers);
        var result = await http.AuthenticateAsync(Scheme);
        var username = result.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var officer = username is null ? null : await officers.FindAsync(username, http.RequestAborted);
        return officer is { DisabledAt: null } ? officer : null;
    }
}

/// <summary>How the console behaves on this node.</summary>
public sealed record ConsoleOptions
{
    /// <summary>Minutes without a request after which an officer must sign in again.</summary>
    public int IdleMinutes { get; init; } = 20;
}
