using System.Security.Claims;
using LicenceTrust.Issuance;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceTrust.AuthorityConsole;

/// <summary>
/// The officer's cookie session (docs/console.md, "Sessions"): its own cookie, only on <c>/console</c>,
/// HttpOnly and SameSite=Strict, ending after <see cref="ConsoleOptions.IdleMinutes"/> without a request and
/// <see cref="ConsoleOptions.AbsoluteHours"/> after the sign-in whatever happens. The cookie names the officer
/// and the session epoch it was made under; every request reads the officer again, so a disabled officer,
/// a changed role or password, or a sign-out anywhere (the epoch moved on) ends it at once, on every replica:
/// a copied cookie dies with the session it was copied from.
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
            o.ReturnUrlParameter = "returnUrl";
            // A signed-in officer without the page's role: 403 and a page that says why, not a trip to sign-in.
            o.Events.OnRedirectToAccessDenied = context => ConsoleAccess.RefuseAsync(context.HttpContext);
        });
    }

    private const string EpochClaim = "lt:session-epoch";
    private const string SinceClaim = "lt:signed-in-at";

    public static Task SignInAsync(HttpContext http, Officer officer)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(officer);
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var identity = new ClaimsIdentity(
        [
            new(ClaimTypes.NameIdentifier, officer.Username), new(ClaimTypes.Name, officer.DisplayName),
            new(EpochClaim, officer.SessionEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(SinceClaim, now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ], Scheme);
        http.Items[typeof(Officer)] = officer;
        return http.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
    }

    /// <summary>Ends this browser's cookie (the officer's other sessions end through <see cref="OfficerAccounts.SignOutEverywhereAsync"/>).</summary>
    public static Task SignOutAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Items[typeof(Officer)] = null;
        return http.SignOutAsync(Scheme);
    }

    /// <summary>
    /// The signed-in officer as stored now; null when signed out, unknown, disabled, or the session has ended
    /// (another epoch, or past its absolute limit). Read once per request: the access check, the layout and
    /// the page share it.
    /// </summary>
    public static async Task<Officer?> CurrentAsync(HttpContext http, OfficerAccounts officers)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(officers);
        if (http.Items.TryGetValue(typeof(Officer), out var read))
        {
            return read as Officer;
        }

        var officer = await ReadAsync(http, officers);
        http.Items[typeof(Officer)] = officer;
        return officer;
    }

    private static async Task<Officer?> ReadAsync(HttpContext http, OfficerAccounts officers)
    {
        var result = await http.AuthenticateAsync(Scheme);
        if (result.Principal is not { } principal
            || principal.FindFirstValue(ClaimTypes.NameIdentifier) is not { } username
            || !long.TryParse(principal.FindFirstValue(EpochClaim), System.Globalization.CultureInfo.InvariantCulture, out var epoch)
            || !long.TryParse(principal.FindFirstValue(SinceClaim), System.Globalization.CultureInfo.InvariantCulture, out var since))
        {
            return null;
        }

        var options = http.RequestServices.GetRequiredService<ConsoleOptions>();
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (now - DateTimeOffset.FromUnixTimeSeconds(since) > TimeSpan.FromHours(options.AbsoluteHours))
        {
            return null;
        }

        var officer = await officers.FindAsync(username, http.RequestAborted);
        return officer is not null && OfficerAccounts.IsCurrent(officer, epoch) ? officer : null;
    }
}

/// <summary>How the console behaves on this node.</summary>
public sealed record ConsoleOptions
{
    /// <summary>Minutes without a request after which an officer must sign in again (<c>Node:ConsoleIdleMinutes</c>).</summary>
    public int IdleMinutes { get; init; } = 20;

    /// <summary>Hours after the sign-in after which an officer must sign in again, busy or not (<c>Node:ConsoleSessionHours</c>).</summary>
    public int AbsoluteHours { get; init; } = 8;

    /// <summary>Hours a request may wait before the queue marks it 超时 (<c>Node:ApprovalOverdueHours</c>).</summary>
    public int ApprovalOverdueHours { get; init; } = 24;
}
