using LicenceTrust.Federation;
using System.Globalization;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using LicenceTrust.Status;
using LicenceTrust.Issuance;

namespace LicenceTrust.Server.Endpoints;

/// <summary>Public status: signed status lists and the online status of one licence, also "as of" a time.</summary>
public static class StatusApi
{
    public static void MapStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(PeerProtocol.StatusListRoute, StatusListAsync).Produces(StatusCodes.Status200OK, contentType: PeerProtocol.StatusListMediaType).WithProblems(400, 404, 429).WithName("GetStatusList").WithSummary("A signed status list (Token Status List, CWT)");
        app.MapGet(PeerProtocol.LicenceStatusRoute, LicenceStatusAsync).Produces<LicenceStatusView>().Produces(StatusCodes.Status200OK, contentType: PeerProtocol.LicenceStatusMediaType).WithProblems(400, 404, 429).WithName("GetLicenceStatus").WithSummary("The public status of one licence, now or as of a time");
    }

    private static async Task<IResult> StatusListAsync(string list, HttpContext http, StatusListPublisher publisher)
    {
        if (!int.TryParse(list, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
        {
            throw LicenceTrustException.Validation("STATUS_LIST_ID_INVALID", "状态列表编号应为正整数 (the list id is a positive integer).", "list");
        }

        var published = await publisher.GetAsync(id, http.RequestAborted)
            ?? throw LicenceTrustException.NotFound("STATUS_LIST_NOT_FOUND", $"没有编号为{id}的状态列表 (no status list {id}).");
        var etag = PeerProtocol.StatusListETag(published.List, published.Version);
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = $"public, max-age={(int)publisher.MaxAge.TotalSeconds}";
        if (http.Request.Headers.IfNoneMatch.Contains(etag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(published.Token, PeerProtocol.StatusListMediaType);
    }

    /// <summary>
    /// The status as JSON, or, when the caller accepts <c>application/licence-status+cwt</c> (a peer's
    /// live question), the status now signed with the list-signing key.
    /// </summary>
    private static async Task<IResult> LicenceStatusAsync(string identifier, string? at, HttpContext http, IssuanceService issuance, StatusListPublisher publisher, TimeProvider time)
    {
        DateTimeOffset? asOf = null;
        if (at is not null)
        {
            asOf = DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : throw LicenceTrustException.Validation("AT_INVALID", "at应为ISO 8601时间，如2026-06-01T08:00:00+08:00 (at must be an ISO 8601 time).", "at");
        }

        var when = asOf ?? time.GetUtcNow();
        var (record, history, status) = await issuance.StatusAsync(identifier, when, http.RequestAborted);
        if (status is null)
        {
            throw LicenceTrustException.NotFound("NOT_YET_ISSUED", "该时间点证照尚未签发 (the licence was not yet issued at that time).");
        }

        if (asOf is null && http.Request.Headers.Accept.Any(a => a?.Contains(PeerProtocol.LicenceStatusMediaType, StringComparison.OrdinalIgnoreCase) == true))
        {
            http.Response.Headers.CacheControl = "no-store";
            return Results.Bytes(publisher.SignAnswer(record.Identifier, status.Status), PeerProtocol.LicenceStatusMediaType);
        }

        return TypedResults.Ok(new LicenceStatusView(
            record.Identifier,
            status.Status.WireName(),
            status.Status.NameZh(),
            status.SetBy?.At ?? record.IssuedAt,
            status.SetBy?.Reason,
            when,
            status.Status == LicenceStatus.Superseded ? record.SupersededBy : null,
            [.. history.Where(e => e.At <= when).Select(e => new StatusEventView(e.From.WireName(), e.To.WireName(), e.Reason, e.At))]));
    }
}
