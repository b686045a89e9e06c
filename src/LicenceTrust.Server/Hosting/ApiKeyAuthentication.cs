using System.Security.Claims;
using System.Text.Encodings.Web;
using LicenceTrust.Core.Results;
using LicenceTrust.Issuance;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// Authenticates <c>Authorization: Bearer lt_…</c> or <c>X-Api-Key: lt_…</c> against the hashed keys.
/// No key → anonymous (public endpoints still work); a wrong key → 401. With the database down, a key
/// that authenticated lately still does (<see cref="RecentApiKeys"/>); any other gets 503.
/// </summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys, RecentApiKeys recent)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string AuthorityClaim = "lt:authority";
    public const string KeyIdClaim = "lt:key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers["X-Api-Key"].FirstOrDefault();
        var authorization = Request.Headers.Authorization.FirstOrDefault();
        if (presented is not null && authorization is not null || Request.Headers["X-Api-Key"].Count > 1 || Request.Headers.Authorization.Count > 1)
        {
            // Two credentials: which one acts would be a guess, so neither does (the exception handler answers 400).
            throw LicenceTrustException.Validation("CREDENTIALS_AMBIGUOUS",
                "请求同时带有多个凭据，请只使用Authorization或X-Api-Key之一 (send one credential: Authorization or X-Api-Key, not both).", "Authorization");
        }

        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization[7..].Trim();
        }

        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        Actor? actor;
        try
        {
            actor = await keys.AuthenticateAsync(presented, Context.RequestAborted);
        }
        catch (System.Data.Common.DbException) when (recent.Recall(presented) is { } known)
        {
            actor = known;
        }

        if (actor is null)
        {
            recent.Forget(presented);
            return AuthenticateResult.Fail("unknown or revoked API key");
        }

        recent.Remember(presented, actor);

        var claims = new List<Claim> { new(ClaimTypes.Name, actor.Name), new(ClaimTypes.Role, actor.Role.ToString()), new(KeyIdClaim, presented[3..15]) };
        if (actor.AuthorityCode is not null)
        {
            claims.Add(new Claim(AuthorityClaim, actor.AuthorityCode));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    /// <summary>The actor of an authenticated request.</summary>
    public static Actor ActorOf(ClaimsPrincipal user) => new(
        Enum.Parse<ActorRole>(user.FindFirstValue(ClaimTypes.Role) ?? nameof(ActorRole.Partner)),
        user.FindFirstValue(ClaimTypes.Name) ?? "anonymous",
        user.FindFirstValue(AuthorityClaim));
}
