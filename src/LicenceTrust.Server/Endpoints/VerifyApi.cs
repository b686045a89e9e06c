using LicenceTrust.Core.Json;
using LicenceTrust.Verification;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LicenceTrust.Server.Endpoints;

/// <summary>The body of POST /api/v1/verify.</summary>
public sealed record VerifyRequest(string? QrText);

/// <summary>A verification result with what it was checked against and the licence's status.</summary>
public sealed record VerifyResponse(VerificationResultView Result, string? Status, CheckedAgainst CheckedAgainst);

/// <summary>
/// Verification for anyone (counter staff, partner systems): the verdict, the reasons in zh-CN and en,
/// every check, the licence as the credential discloses it (personal codes masked), and what it was
/// checked against. Unreadable text is a 200 with verdict UNREADABLE, not an error.
/// </summary>
public static class VerifyApi
{
    public static void MapVerifyApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/verify", async Task<Ok<VerifyResponse>> (VerifyRequest? body, VerificationService verification, HttpContext http) =>
        {
            var outcome = await verification.VerifyAsync(body?.QrText, http.RequestAborted);
            return TypedResults.Ok(new VerifyResponse(outcome.Result.ToView(), outcome.Status, outcome.CheckedAgainst));
        });
}
