using System.Security.Claims;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Json;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Trust;
using LicenceTrust.Server.Hosting;
using LicenceTrust.Sharing;
using LicenceTrust.Verification;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LicenceTrust.Server.Endpoints;

/// <summary>A window's fetch: the holder's code, the matter, the case number, the consent code the holder read out (where a type needs it), and optionally which of the matter's types and the clerk's own id in the window system.</summary>
public sealed record EvidenceFetchRequest(string? HolderCode, string? Matter, string? CaseNumber, string? ConsentCode, IReadOnlyList<string>? Types, string? Purpose, string? Officer);

/// <summary>One fetched licence: its credential and the verification of it, exactly as a scan of its QR code.</summary>
public sealed record FetchedLicenceView(string Identifier, string TypeCode, string? TypeName, string QrText, VerifyResponse Verification);

/// <summary>What a fetch brought: from which province, for which matter, each licence verified here.</summary>
public sealed record EvidenceFetchResponse(string RequestId, string Province, string ProvinceName, MatterView Matter, IReadOnlyList<FetchedLicenceView> Licences);

/// <summary>The credential of a fetched licence, for its PDF copy, and the case it was fetched for.</summary>
public sealed record EvidenceCopyRequest(string? QrText, string? CaseNumber);

/// <summary>A matter of the catalogue, with its licence types and which need consent.</summary>
public sealed record MatterView(string Code, string NameZh, string NameEn, IReadOnlyList<MatterLicenceView> Licences);

/// <summary>A licence type a matter needs.</summary>
public sealed record MatterLicenceView(string TypeCode, string TypeName, bool Consent);

/// <summary>The holder app's request for a consent code.</summary>
public sealed record ConsentRequest(string? HolderCode, IReadOnlyList<string>? Types, string? Province, int? Minutes);

/// <summary>One line of a holder's usage log (用证记录).</summary>
public sealed record UsageView(DateTimeOffset At, string Province, string ProvinceName, string Officer, string Matter, string? MatterName, string CaseNumber, string Purpose, IReadOnlyList<string> Licences);

/// <summary>A holder's usage log, newest first.</summary>
public sealed record UsageResponse(string Holder, IReadOnlyList<UsageView> Entries);

/// <summary>
/// Evidence exchange (docs/federation.md §9, docs/api.md): the matter catalogue, a window's fetch (staff or a window
/// system's partner key), the peers' inbox for evidence requests (client-CA gate, as the notice inboxes), and the
/// holder app's consent codes and usage log.
/// </summary>
public static class SharingApi
{
    private const int MaxRequestBytes = 16 * 1024;

    public static void MapSharingApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/matters", (MatterCatalogue matters) => TypedResults.Ok(matters.All.Select(View).ToList()))
            .WithProblems(429).WithName("ListMatters").WithSummary("The matter catalogue (事项清单): the licences a window may fetch for each matter");
        app.MapPost("/api/v1/evidence/fetch", FetchAsync).RequireAuthorization(Policies.Window).WithProblems(400, 401, 403, 404, 409, 429, 503)
            .WithName("FetchEvidence").WithSummary("Fetch a holder's licences from their home province for a case (调取), each verified as a scan");
        app.MapPost("/api/v1/evidence/copy", CopyAsync).RequireAuthorization(Policies.Window).Produces(StatusCodes.Status200OK, contentType: "application/pdf").WithProblems(400, 401, 403, 429, 503)
            .WithName("EvidenceCopyPdf").WithSummary("A fetched licence as a PDF: its fields, QR code, issuer and status as of now");
        app.MapPost(EvidenceRequester.InboxPath, AnswerAsync).Accepts<byte[]>(EvidenceRequest.MediaType).Produces<EvidenceAnswer>().WithProblems(400, 403, 404, 409, 413, 415, 429)
            .WithName("AnswerEvidenceRequest").WithSummary("A peer's signed evidence request for a holder of this province");
        app.MapPost("/api/v1/consents", CreateConsentAsync).RequireAuthorization(Policies.HolderApp).WithProblems(400, 401, 403, 429)
            .WithName("CreateConsent").WithSummary("A one-time consent code (授权码) for one holder, types and requesting province, at most 10 minutes");
        app.MapGet("/api/v1/holders/{holderCode}/usage", UsageAsync).RequireAuthorization(Policies.HolderApp).WithProblems(400, 401, 403, 429)
            .WithName("HolderUsage").WithSummary("The holder's usage log (用证记录): who fetched which licences, when, for which matter");
    }

    private static async Task<Ok<EvidenceFetchResponse>> FetchAsync(EvidenceFetchRequest? body, EvidenceRequester requester, VerificationService verification, LicenceTypeCatalogue types, HttpContext http)
    {
        var ask = body ?? throw LicenceTrustException.Validation("BODY_REQUIRED", "缺少请求体 (a JSON body is required).");
        var fetch = await requester.FetchAsync(new EvidenceAsk(ask.HolderCode, ask.Matter, ask.CaseNumber, ask.ConsentCode, ask.Types, ask.Purpose), OfficerOf(http, ask.Officer), http.RequestAborted);
        var licences = new List<FetchedLicenceView>(fetch.Licences.Count);
        foreach (var licence in fetch.Licences)
        {
            // The credential goes through the same pipeline as a scanned code: signature, chain, recognition, status.
            var checkedHere = await VerifyApi.ToDetailedResponseAsync(await verification.VerifyAsync(licence.QrText, http.RequestAborted), Disclosure.Full, types, verification, http.RequestAborted);
            var typeName = LicenceTypeCode.TryParse(licence.TypeCode, out var code, out _) && types.TryGet(code, out var type) ? type.NameZh : null;
            licences.Add(new FetchedLicenceView(licence.Identifier, licence.TypeCode, typeName, licence.QrText, checkedHere));
        }

        return TypedResults.Ok(new EvidenceFetchResponse(fetch.RequestId, fetch.Home.NodeId, fetch.Home.NameZh, View(fetch.Matter), licences));
    }

    private static async Task<FileContentHttpResult> CopyAsync(EvidenceCopyRequest? body, VerificationService verification, LicenceTypeCatalogue types, PdfFonts fonts, SharingSite site, HttpContext http)
    {
        var qrText = body?.QrText ?? throw LicenceTrustException.Validation("FIELD_REQUIRED", "缺少字段qrText (qrText is required).", "qrText");
        if (!fonts.Available)
        {
            throw new LicenceTrustException(new LicenceTrustError(ErrorKind.Unavailable, "PDF_UNAVAILABLE", $"本节点未配置PDF所用中文字体 (the font Node:PdfFontFile names, {fonts.Path}, is missing)."));
        }

        fonts.Install();
        // The case number printed on the copy follows the rule of the one the fetch signed: refused, never dropped or altered.
        var caseNumber = string.IsNullOrWhiteSpace(body.CaseNumber) ? null : EvidenceRequester.Text(body.CaseNumber, "caseNumber", "办件编号");
        var checkedNow = await VerifyApi.ToDetailedResponseAsync(await verification.VerifyAsync(qrText, http.RequestAborted), Disclosure.Full, types, verification, http.RequestAborted);
        if (checkedNow.Result.Summary is null)
        {
            throw LicenceTrustException.Validation("CREDENTIAL_UNREADABLE", "这不是可读的电子证照 (the text is not a readable credential).", "qrText");
        }

        var pdf = LicenceCopyPdf.Render(checkedNow, qrText, site.Own, types, caseNumber);
        return TypedResults.File(pdf, "application/pdf", $"licence-{checkedNow.Result.Summary.Number}.pdf".Replace('/', '-'));
    }

    private static async Task<Ok<EvidenceAnswer>> AnswerAsync(HttpContext http, EvidenceProvider provider, NoticeInboxGate gate)
    {
        var document = await FederationApi.ReadNoticeAsync(http, gate, EvidenceRequest.MediaType, MaxRequestBytes, "EVIDENCE_SIGNATURE_INVALID");
        return TypedResults.Ok(await provider.AnswerAsync(document, http.RequestAborted));
    }

    private static async Task<Ok<ConsentCode>> CreateConsentAsync(ConsentRequest? body, ConsentCodes consents, HttpContext http)
    {
        var request = body ?? throw LicenceTrustException.Validation("BODY_REQUIRED", "缺少请求体 (a JSON body is required).");
        return TypedResults.Ok(await consents.CreateAsync(request.HolderCode, request.Types, request.Province, request.Minutes, "app:" + ApiKeyAuthentication.ActorOf(http.User).Name, http.RequestAborted));
    }

    private static async Task<Ok<UsageResponse>> UsageAsync(string holderCode, ISharingStore store, MatterCatalogue matters, HttpContext http)
    {
        var holder = HolderHome.Of(holderCode);
        var entries = await store.UsageAsync(holder.Code, 200, http.RequestAborted);
        return TypedResults.Ok(new UsageResponse(holder.Masked, [.. entries.Select(e => new UsageView(e.At, e.Province, Province.FromNodeId(e.Province).NameZh, e.Officer, e.Matter,
            matters.Find(e.Matter)?.NameZh, e.CaseNumber, e.Purpose, e.Licences ?? []))]));
    }

    /// <summary>Who asks, for the audit: the signed-in clerk's user name, or the window system's key name and the clerk it names.</summary>
    private static string OfficerOf(HttpContext http, string? officer)
    {
        if (http.User.IsInRole(StaffSession.Role))
        {
            return http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "staff";
        }

        // The window system's own clerk id is checked as every text the request signs; a bad one is refused, never dropped.
        var key = ApiKeyAuthentication.ActorOf(http.User).Name;
        return string.IsNullOrWhiteSpace(officer) ? key : $"{key}/{EvidenceRequester.Text(officer, "officer", "经办人")}";
    }

    private static MatterView View(Matter matter) =>
        new(matter.Code, matter.NameZh, matter.NameEn, [.. matter.Licences.Select(l => new MatterLicenceView(l.Type.Code.Value, l.Type.NameZh, l.Consent))]);
}
