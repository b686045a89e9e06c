using LicenceTrust.Issuance;
using LicenceTrust.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LicenceTrust.Server.Endpoints;

/// <summary>Audit chain verification for administrators.</summary>
public static class AuditApi
{
    public static void MapAuditApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/audit/verify", async Task<Ok<AuditVerification>> (IssuanceService issuance, HttpContext http) =>
            TypedResults.Ok(await issuance.VerifyAuditAsync(http.RequestAborted)))
            .RequireAuthorization(Policies.Admin)
            .WithProblems(401, 403, 429)
            .WithName("VerifyAuditChain").WithSummary("Check the audit log's hash chain");
}
