using LicenceTrust.AuthorityConsole;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;
using LicenceTrust.QrImages;
using LicenceTrust.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace LicenceTrust.Server.Endpoints;

/// <summary>The issuing authorities' API: issue, read, list, change status, supersede, QR images, print view.</summary>
public static class LicencesApi
{
    public static void MapLicencesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/licences").WithProblems(400, 401, 403, 404, 409, 413, 415, 429);
        group.MapPost("/", IssueAsync).RequireAuthorization(Policies.Authority).WithName("IssueLicence").WithSummary("Issue a licence (signed credential, QR text, status slot)");
        group.MapGet("/", ListAsync).RequireAuthorization(Policies.AuthorityOrAdmin).WithName("ListLicences").WithSummary("List this authority's licences (admin: all), newest first");
        group.MapGet("/{identifier}", GetAsync).RequireAuthorization(Policies.AuthorityOrAdmin).WithName("GetLicence").WithSummary("Read one licence record (the owner gets the full holder code, audited)");
        group.MapPost("/{identifier}/suspend", (string identifier, StatusChangeRequest? body, HttpContext http, IssuanceService issuance, IOptions<NodeOptions> options) =>
            ChangeAsync(identifier, StatusAction.Suspend, body, http, issuance, options)).RequireAuthorization(Policies.Authority).WithName("SuspendLicence").WithSummary("Suspend a licence (暂扣)");
        group.MapPost("/{identifier}/reinstate", (string identifier, StatusChangeRequest? body, HttpContext http, IssuanceService issuance, IOptions<NodeOptions> options) =>
            ChangeAsync(identifier, StatusAction.Reinstate, body, http, issuance, options)).RequireAuthorization(Policies.Authority).WithName("ReinstateLicence").WithSummary("Reinstate a suspended licence");
        group.MapPost("/{identifier}/revoke", (string identifier, StatusChangeRequest? body, HttpContext http, IssuanceService issuance, IOptions<NodeOptions> options) =>
            ChangeAsync(identifier, StatusAction.Revoke, body, http, issuance, options)).RequireAuthorization(Policies.Authority).WithName("RevokeLicence").WithSummary("Revoke a licence (吊销)");
        group.MapPost("/{identifier}/cancel", (string identifier, StatusChangeRequest? body, HttpContext http, IssuanceService issuance, IOptions<NodeOptions> options) =>
            ChangeAsync(identifier, StatusAction.Cancel, body, http, issuance, options)).RequireAuthorization(Policies.Authority).WithName("CancelLicence").WithSummary("Cancel a licence (注销)");
        group.MapPost("/{identifier}/supersede", SupersedeAsync).RequireAuthorization(Policies.Authority).WithName("SupersedeLicence").WithSummary("Issue the next version of a licence and mark the old one superseded");
        group.MapGet("/{identifier}/qr.png", async (string identifier, HttpContext http, IssuanceService issuance) =>
            Results.File(QrCodeImages.Png((await issuance.GetAsync(identifier, Actor(http), http.RequestAborted)).QrText), "image/png"))
            .Produces(StatusCodes.Status200OK, contentType: "image/png").RequireAuthorization(Policies.AuthorityOrAdmin).WithName("GetLicenceQrPng").WithSummary("The licence's QR code as PNG");
        group.MapGet("/{identifier}/qr.svg", async (string identifier, HttpContext http, IssuanceService issuance) =>
            Results.Text(QrCodeImages.Svg((await issuance.GetAsync(identifier, Actor(http), http.RequestAborted)).QrText), "image/svg+xml"))
            .Produces(StatusCodes.Status200OK, contentType: "image/svg+xml").RequireAuthorization(Policies.AuthorityOrAdmin).WithName("GetLicenceQrSvg").WithSummary("The licence's QR code as SVG");
        group.MapGet("/{identifier}/print", async (string identifier, HttpContext http, IssuanceService issuance) =>
        {
            var (record, lastChange) = await issuance.GetWithLastChangeAsync(identifier, Actor(http), http.RequestAborted);
            return Results.Content(PrintView.Render(record, issuance.LicenceTypes, lastChange), "text/html; charset=utf-8");
        })
            .Produces(StatusCodes.Status200OK, contentType: "text/html").RequireAuthorization(Policies.AuthorityOrAdmin).WithName("GetLicencePrintView").WithSummary("A printable A4 page of the licence");
    }

    private static async Task<Results<Created<LicenceRecordView>, Ok<LicenceRecordView>>> IssueAsync(
        IssueRequest? body, HttpContext http, IssuanceService issuance, IOptions<NodeOptions> options)
    {
        var command = (body ?? throw MissingBody()).ToCommand(http.Request.Headers["Idempotency-Key"].FirstOrDefault());
        var outcome = await issuance.IssueAsync(command, Actor(http), http.RequestAborted);
        var view = outcome.Record.ToView(StatusListBase(options), issuance.LicenceTypes);
        return outcome.Replayed ? TypedResults.Ok(view) : TypedResults.Created(view.Links.Self, view);
    }

    private static async Task<Ok<LicencePageView>> ListAsync(
        HttpContext http, IssuanceService issuance, IOptions<NodeOptions> options, string? typeCode, string? status, int? page, int? pageSize)
    {
        LicenceStatus? wanted = null;
        if (status is not null)
        {
            wanted = Enum.TryParse<LicenceStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw LicenceTrustException.Validation("STATUS_INVALID", "status应为VALID、SUSPENDED、REVOKED、CANCELLED或SUPERSEDED (unknown status filter).", "status");
        }

        var result = await issuance.ListAsync(new LicenceQuery(null, typeCode, wanted, page ?? 1, pageSize ?? 50), Actor(http), http.RequestAborted);
        return TypedResults.Ok(new LicencePageView([.. result.Items.Select(r => r.ToView(StatusListBase(options), issuance.LicenceTypes))], result.PageNumber, result.PageSize, result.Total));
    }

    private static async Task<Ok<LicenceRecordView>> GetAsync(string identifier, HttpContext http, IssuanceService issuance, IOptions<NodeOptions> options) =>
        TypedResults.Ok((await issuance.ReadRecordAsync(identifier, Actor(http), http.RequestAborted)).ToView(StatusListBase(options), issuance.LicenceTypes));

    private static async Task<Ok<LicenceRecordView>> ChangeAsync(
        string identifier, StatusAction action, StatusChangeRequest? body, HttpContext http, IssuanceService issuance, IOptions<NodeOptions> options)
    {
        var record = await issuance.ChangeStatusAsync(identifier, action, body?.Reason, Actor(http), http.RequestAborted);
        return TypedResults.Ok(record.ToView(StatusListBase(options), issuance.LicenceTypes));
    }

    private static async Task<Created<LicenceRecordView>> SupersedeAsync(
        string identifier, SupersedeRequest? body, HttpContext http, IssuanceService issuance, IOptions<NodeOptions> options)
    {
        // The replacement is built only once ownership holds: another authority's licence is refused before any validation.
        var record = await issuance.SupersedeAsync(identifier, () => body?.Licence?.ToCommand(null), body?.Reason, Actor(http), http.RequestAborted);
        var view = record.ToView(StatusListBase(options), issuance.LicenceTypes);
        return TypedResults.Created(view.Links.Self, view);
    }

    internal static Actor Actor(HttpContext http) => ApiKeyAuthentication.ActorOf(http.User);

    internal static string StatusListBase(IOptions<NodeOptions> options) => NodeHost.StatusListBase(options.Value);

    private static LicenceTrustException MissingBody() =>
        LicenceTrustException.Validation("BODY_REQUIRED", "请求体不能为空 (a JSON body is required).");
}
