using System.Text.Json;
using LicenceTrust.Core.Json;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Issuance;
using LicenceTrust.Server.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using LicenceTrust.Verification;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LicenceTrust.Server.Endpoints;

/// <summary>The body of POST /api/v1/verify.</summary>
public sealed record VerifyRequest(string? QrText);

/// <summary>A verification result with what it was checked against and the licence's status.</summary>
/// <param name="StatusChange">For a licence not in force: when and why its status changed, when the issuing node can say.</param>
public sealed record VerifyResponse(VerificationResultView Result, string? Status, CheckedAgainst CheckedAgainst, StatusChangeView? StatusChange = null);

/// <summary>When a licence's status last changed and the authority's reason (its own words).</summary>
public sealed record StatusChangeView(DateTimeOffset At, string Reason);

/// <summary>The response of POST /api/v1/verify: the result and, when asked for, its signed receipt (base64 COSE_Sign1).</summary>
public sealed record VerifyWithReceiptResponse(VerificationResultView Result, string? Status, CheckedAgainst CheckedAgainst, StatusChangeView? StatusChange, string? Receipt);

/// <summary>
/// Verification for anyone (counter staff, partner systems): the verdict, the reasons in zh-CN and en,
/// every check, the licence as the credential discloses it (personal codes masked), and what it was
/// checked against. Unreadable text is a 200 with verdict UNREADABLE, not an error.
/// </summary>
public static class VerifyApi
{
    /// <summary>Most QR texts in one batch.</summary>
    public const int MaxBatch = 1000;

    public static void MapVerifyApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/verify", async Task<Ok<VerifyWithReceiptResponse>> (VerifyRequest? body, bool? receipt, VerificationService verification, LicenceTypeCatalogue types, ReceiptSigner signer, HttpContext http) =>
        {
            var response = await ToDetailedResponseAsync(await verification.VerifyAsync(body?.QrText, http.RequestAborted), DisclosureFor(http), types, verification, http.RequestAborted);
            return TypedResults.Ok(new VerifyWithReceiptResponse(response.Result, response.Status, response.CheckedAgainst, response.StatusChange,
                receipt == true ? signer.Sign(response) : null));
        }).WithProblems(400, 413, 415, 429).WithName("Verify").WithSummary("Verify a QR text: verdict, reasons, checks, licence, freshness");
        app.MapPost("/api/v1/verify/batch", VerifyBatchAsync).RequireAuthorization(Policies.PartnerOrAdmin).WithProblems(400, 401, 403, 413, 415, 429).WithName("VerifyBatch").WithSummary("Verify up to 1,000 QR texts in one call");
        app.MapGet("/api/v1/licences/{identifier}/verification", async Task<Ok<VerifyResponse>> (string identifier, IssuanceService issuance, VerificationService verification, LicenceTypeCatalogue types, HttpContext http) =>
        {
            // For callers that only have the identifier: the licence's own credential goes through the same pipeline.
            var credential = await issuance.CredentialAsync(identifier, http.RequestAborted);
            return TypedResults.Ok(await ToDetailedResponseAsync(await verification.VerifyAsync(credential, http.RequestAborted), DisclosureFor(http), types, verification, http.RequestAborted));
        }).WithProblems(404, 429).WithName("VerifyLicence").WithSummary("Verify the stored credential of a licence by its identifier");
    }

    /// <summary>Up to 1,000 QR texts, answered in order. The body may be up to Node:MaxBatchRequestBytes.</summary>
    private static async Task<Ok<BatchVerifyResponse>> VerifyBatchAsync(HttpContext http, VerificationService verification, LicenceTypeCatalogue types, IOptions<NodeOptions> options)
    {
        // This endpoint alone takes large bodies: raise the limit before the body is read.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.Value.MaxBatchRequestBytes;
        }

        if (!http.Request.HasJsonContentType())
        {
            throw new BadHttpRequestException("not JSON", StatusCodes.Status415UnsupportedMediaType);
        }

        BatchVerifyRequest? body;
        try
        {
            body = await http.Request.ReadFromJsonAsync<BatchVerifyRequest>(http.RequestAborted);
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException("invalid JSON", StatusCodes.Status400BadRequest, e);
        }

        var texts = body?.QrTexts ?? throw LicenceTrustException.Validation("FIELD_REQUIRED", "缺少字段qrTexts (qrTexts is required).", "qrTexts");
        if (texts.Count is 0 or > MaxBatch)
        {
            throw LicenceTrustException.Validation("BATCH_SIZE_INVALID", $"qrTexts应有1-{MaxBatch}项 (qrTexts takes 1-{MaxBatch} texts).", "qrTexts");
        }

        var results = new List<VerifyResponse>(texts.Count);
        foreach (var text in texts)
        {
            results.Add(ToResponse(await verification.VerifyAsync(text, http.RequestAborted), DisclosureFor(http), types));
        }

        return TypedResults.Ok(new BatchVerifyResponse(results));
    }

    /// <summary>The answer; <paramref name="types"/> (this node's catalogue) names the licence's type where it knows it.</summary>
    internal static VerifyResponse ToResponse(NodeVerification outcome, Disclosure disclosure, LicenceTypeCatalogue types) => new(outcome.Result.ToView(disclosure, types), outcome.Status, outcome.CheckedAgainst);

    /// <summary>The response with the date and reason of the last status change, for a licence not in force (a person's answer, not a batch's).</summary>
    internal static async Task<VerifyResponse> ToDetailedResponseAsync(NodeVerification outcome, Disclosure disclosure, LicenceTypeCatalogue types, VerificationService verification, CancellationToken cancellationToken)
    {
        var response = ToResponse(outcome, disclosure, types);
        // A licence in force (the common case) has no change to report: no second copy of the answer.
        return await verification.LastChangeAsync(outcome, cancellationToken) is { } change
            ? response with { StatusChange = new StatusChangeView(change.At, change.Reason) }
            : response;
    }

    /// <summary>Partner systems, admins and signed-in staff see the licence's fields; anyone else the public summary (docs/api.md, "Disclosure").</summary>
    internal static Disclosure DisclosureFor(HttpContext http) =>
        http.User.IsInRole(nameof(ActorRole.Partner)) || http.User.IsInRole(nameof(ActorRole.Admin)) || http.User.IsInRole(StaffSession.Role) ? Disclosure.Full : Disclosure.Public;
}

/// <summary>The body of POST /api/v1/verify/batch.</summary>
public sealed record BatchVerifyRequest(IReadOnlyList<string?>? QrTexts);

/// <summary>One result per QR text, in the order given.</summary>
public sealed record BatchVerifyResponse(IReadOnlyList<VerifyResponse> Results);
