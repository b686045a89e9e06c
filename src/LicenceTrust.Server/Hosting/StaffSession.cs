using System.Security.Claims;
using LicenceTrust.Core.Results;
using LicenceTrust.Issuance;
using LicenceTrust.Server.Endpoints;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LicenceTrust.Server.Hosting;

/// <summary>The body of a staff sign-in.</summary>
public sealed record SignInRequest(string? Username, string? Password);

/// <summary>Who is signed in.</summary>
public sealed record SessionView(string Username, string DisplayName);

/// <summary>
/// Staff sign-in on the QR page (docs/ui.md, docs/security.md): a cookie session for accounts created with
/// <c>licencetrust staff create</c>. Signed-in staff see the full licence view.
/// </summary>
public static class StaffSession
{
    public const string SchemeName = "StaffCookie";
    public const string Role = "Staff";

    public static void MapStaffSession(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/session", async Task<Ok<SessionView>> (SignInRequest? body, StaffAccounts accounts, HttpContext http, ILoggerFactory logs) =>
        {
            var outcome = await accounts.SignInAsync(body?.Username, body?.Password, http.RequestAborted);
            var account = outcome.Account ?? throw Refused(outcome, body?.Username, http, logs.CreateLogger(typeof(StaffSession)));
            var identity = new ClaimsIdentity(
                [new(ClaimTypes.Name, account.DisplayName), new(ClaimTypes.NameIdentifier, account.Username), new(ClaimTypes.Role, Role)], SchemeName);
            await http.SignInAsync(SchemeName, new ClaimsPrincipal(identity));
            return TypedResults.Ok(new SessionView(account.Username, account.DisplayName));
        }).RequireRateLimiting(RateLimits.SignIn).WithProblems(400, 401, 429).WithName("SignIn").WithSummary("Staff sign-in (cookie session)");
        app.MapGet("/api/v1/session", Results<Ok<SessionView>, UnauthorizedHttpResult> (HttpContext http) =>
            http.User.IsInRole(Role)
                ? TypedResults.Ok(new SessionView(http.User.FindFirstValue(ClaimTypes.NameIdentifier)!, http.User.Identity!.Name!))
                : TypedResults.Unauthorized()).WithProblems(429).WithName("GetSession").WithSummary("Who is signed in");
        app.MapDelete("/api/v1/session", async (HttpContext http) =>
        {
            await http.SignOutAsync(SchemeName);
            return TypedResults.NoContent();
        }).WithProblems(429).WithName("SignOut").WithSummary("Staff sign-out");
    }

    /// <summary>Logs the refusal (user name and address, never the password); the problem is the outcome's own: 401, or 429 with Retry-After.</summary>
    private static LicenceTrustException Refused(SignInOutcome<StaffAccount> outcome, string? username, HttpContext http, ILogger logger)
    {
        var who = LicenceTrust.Core.Text.TextPolicy.Quote(username, 64);
        var from = http.Connection.RemoteIpAddress?.ToString();
        if (outcome.LockedNow)
        {
            logger.LogWarning("Staff sign-in locked for {Username} from {Address} after repeated wrong passwords", who, from);
        }
        else if (outcome.Refused.Allowed)
        {
            logger.LogInformation("Staff sign-in failed for {Username} from {Address}: wrong user name or password", who, from);
        }
        else
        {
            logger.LogInformation("Staff sign-in refused for {Username} from {Address}: {State} for {Seconds} s", who, from,
                outcome.Refused.Locked ? "locked" : "backoff", outcome.Error!.RetryAfterSeconds);
        }

        return new LicenceTrustException(outcome.Error!);
    }
}
