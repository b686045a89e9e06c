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
/// Staff sign-in on the QR page (DESIGN §9): a cookie session for accounts created with
/// <c>licencetrust staff create</c>. Signed-in staff see the full licence view.
/// </summary>
public static class StaffSession
{
    public const string SchemeName = "StaffCookie";
    public const string Role = "Staff";

    public static void MapStaffSession(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/session", async Task<Ok<SessionView>> (SignInRequest? body, StaffAccounts accounts, HttpContext http) =>
        {
            var account = await accounts.SignInAsync(body?.Username, body?.Password, http.RequestAborted)
                ?? throw new LicenceTrustException(new(ErrorKind.Unauthenticated, "SIGN_IN_FAILED", "用户名或密码不正确 (wrong user name or password)."));
            var identity = new ClaimsIdentity(
                [new(ClaimTypes.Name, account.DisplayName), new(ClaimTypes.NameIdentifier, account.Username), new(ClaimTypes.Role, Role)], SchemeName);
            await http.SignInAsync(SchemeName, new ClaimsPrincipal(identity));
            return TypedResults.Ok(new SessionView(account.Username, account.DisplayName));
        }).WithProblems(400, 401, 429).WithName("SignIn");
        app.MapGet("/api/v1/session", Results<Ok<SessionView>, UnauthorizedHttpResult> (HttpContext http) =>
            http.User.IsInRole(Role)
                ? TypedResults.Ok(new SessionView(http.User.FindFirstValue(ClaimTypes.NameIdentifier)!, http.User.Identity!.Name!))
                : TypedResults.Unauthorized()).WithProblems(429).WithName("GetSession");
        app.MapDelete("/api/v1/session", async (HttpContext http) =>
        {
            await http.SignOutAsync(SchemeName);
            return TypedResults.NoContent();
        }).WithProblems(429).WithName("SignOut");
    }
}
