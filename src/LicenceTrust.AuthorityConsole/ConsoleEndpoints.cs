using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;
using LicenceTrust.QrImages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceTrust.AuthorityConsole;

/// <summary>
/// The authority console at <c>/console</c> (docs/console.md): Razor components rendered on the server
/// (static SSR: plain forms with antiforgery, no circuit, no script needed to act), and the few
/// endpoints that are files rather than pages: assets, QR images, the print view, the CSV export, the
/// live check of the issue form, sign-out and the language switch. Every action calls the Issuance
/// capability's services (<see cref="OfficerWorkflow"/>, <see cref="IssuanceService"/>, <see cref="OfficerAccounts"/>).
/// </summary>
public static class ConsoleEndpoints
{
    public const string Base = "/console";

    /// <summary>Most rows one CSV export writes (the filter narrows a bigger register).</summary>
    public const int MaxExportRows = 100_000;

    public static IServiceCollection AddAuthorityConsole(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "lt-console-af";
            o.Cookie.Path = Base;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddAuthorizationBuilder().AddPolicy(ConsoleSession.Policy, p => p.AddAuthenticationSchemes(ConsoleSession.Scheme).RequireAuthenticatedUser());
        ConsoleAccess.AddPolicies(services);
        services.AddHostedService<BatchRunner>();
        return services;
    }

    public static void MapAuthorityConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapRazorComponents<Components.App>().RequireAuthorization(ConsoleSession.Policy);
        var console = app.MapGroup(Base).ExcludeFromDescription();
        console.MapGet("/assets/{file}", (string file) => Asset(file));
        console.MapGet("/lang/{lang}", (string lang, string? returnUrl, HttpContext http) =>
        {
            http.Response.Cookies.Append(ConsoleText.Cookie, lang == "en" ? "en" : "zh", new CookieOptions { Path = Base, HttpOnly = true, SameSite = SameSiteMode.Strict, MaxAge = TimeSpan.FromDays(365) });
            return Results.LocalRedirect(LocalReturn(returnUrl));
        });
        // Authorised with the officer's own scheme, so the form's antiforgery token (issued for the officer) is
        // checked against the officer, not against an anonymous visitor; every session of the officer ends.
        console.MapPost("/sign-out", async (HttpContext http, IFormCollection form, OfficerAccounts officers) =>
        {
            if (await ConsoleSession.CurrentAsync(http, officers) is { } officer)
            {
                await officers.SignOutEverywhereAsync(officer, http.RequestAborted);
            }

            await ConsoleSession.SignOutAsync(http);
            return Results.LocalRedirect(Base + "/sign-in?signedOut=1");
        }).RequireAuthorization(ConsoleSession.Policy);

        var officer = console.MapGroup(string.Empty).RequireAuthorization(ConsoleSession.Policy);
        officer.MapGet("/licences/{identifier}/qr.png", async (string identifier, HttpContext http, OfficerAccounts officers, IssuanceService issuance) =>
            await AsOfficer(http, officers, async o => Results.File(QrCodeImages.Png((await issuance.GetAsync(identifier, o.AsReader, http.RequestAborted)).QrText), "image/png", $"{identifier}.png")));
        officer.MapGet("/licences/{identifier}/qr.svg", async (string identifier, HttpContext http, OfficerAccounts officers, IssuanceService issuance) =>
            await AsOfficer(http, officers, async o => Results.File(Encoding.UTF8.GetBytes(QrCodeImages.Svg((await issuance.GetAsync(identifier, o.AsReader, http.RequestAborted)).QrText)), "image/svg+xml", $"{identifier}.svg")));
        officer.MapGet("/licences/{identifier}/print", async (string identifier, HttpContext http, OfficerAccounts officers, IssuanceService issuance) =>
            await AsOfficer(http, officers, async o =>
            {
                var (record, lastChange) = await issuance.GetWithLastChangeAsync(identifier, o.AsReader, http.RequestAborted);
                NoStore(http);
                return Results.Content(PrintView.Render(record, issuance.LicenceTypes, lastChange), "text/html; charset=utf-8");
            }));
        officer.MapGet("/licences.csv", async (HttpContext http, OfficerAccounts officers, IssuanceService issuance) =>
            await AsOfficer(http, officers, o =>
                CsvExportAsync(http, issuance, o, "licences.csv", RegisterHeaders, RegisterRows(RegisterFilter.Parse(http.Request.Query), o, issuance, http.RequestAborted))));
        officer.MapGet("/batches/{id:long}/rows.csv", async (long id, HttpContext http, OfficerAccounts officers, BatchJobs jobs, IssuanceService issuance) =>
            await AsOfficer(http, officers, async o =>
                await CsvExportAsync(http, issuance, o, $"batch-{id}-rows.csv", BatchRowHeaders, BatchRows(await jobs.GoodRowsAsync(id, o, http.Request.Query["q"].ToString(), http.RequestAborted)))));
        officer.MapGet("/admin/audit.csv", async (HttpContext http, OfficerAccounts officers, IssuanceService issuance) =>
            await AsOfficer(http, officers, o =>
                CsvExportAsync(http, issuance, o, "audit.csv", AuditHeaders, AuditRows(AuditFilter.Parse(http.Request.Query), o, issuance, http.RequestAborted))))
            .RequireAuthorization(ConsoleAccess.Audit);
        officer.MapGet("/batches/{id:long}/progress", async (long id, HttpContext http, OfficerAccounts officers, BatchJobs jobs) =>
            await AsOfficer(http, officers, async o =>
            {
                var job = await jobs.GetAsync(id, o, http.RequestAborted);
                var text = ConsoleText.For(http);
                return Results.Json(new { state = job.State.ToString(), stateText = text.Batch(job.State), countsText = text.BatchCounts(job), job.Percent, job.DoneRows, job.GoodRows, job.Issued, job.Replayed, job.Failed, job.Finished });
            }));
        officer.MapGet("/batches/{id:long}/errors.csv", async (long id, HttpContext http, OfficerAccounts officers, BatchJobs jobs, IssuanceService issuance) =>
            await AsOfficer(http, officers, async o =>
            {
                using var buffer = new MemoryStream();
                var errors = await jobs.ErrorsAsync(id, o, http.RequestAborted);
                await BatchFile.WriteErrorsAsync(buffer, errors);
                await issuance.RecordExportAsync(o.AsReader, $"batch-{id}-errors.csv", $"rows={errors.Count}", http.RequestAborted);
                NoStore(http);
                return Results.File(buffer.ToArray(), "text/csv; charset=utf-8", $"batch-{id}-errors.csv");
            }));
        officer.MapPost("/issue/check", async (HttpContext http, IFormCollection form, OfficerAccounts officers, OfficerWorkflow workflow, LicenceTypeCatalogue types) =>
            await AsOfficer(http, officers, o =>
            {
                // Every problem of the form, each under its input's name: the page shows those of the fields already left.
                var text = ConsoleText.For(http);
                var values = IssueForm.From(form);
                try
                {
                    var type = Lints.KnownType(types, values["typeCode"]);
                    var problems = values.Problems(type, workflow, o)
                        .Select(p => new { field = IssueForm.InputOf(p.Field), message = text.Message(p) }).ToList();
                    return Task.FromResult(Results.Json(new { ok = problems.Count == 0, problems }));
                }
                catch (LicenceTrustException e)
                {
                    return Task.FromResult(Results.Json(new { ok = false, problems = new[] { new { field = IssueForm.InputOf(e.Error.Field), message = text.Message(e.Error) } } }));
                }
            }));
    }

    /// <summary>An export: the CSV, its audit entry (the file and which filters), and never kept by the browser.</summary>
    private static async Task<IResult> CsvExportAsync(HttpContext http, IssuanceService issuance, Officer officer, string fileName, string[] headers, IAsyncEnumerable<string?[]> rows)
    {
        var (csv, count) = await CsvAsync(headers, rows);
        await issuance.RecordExportAsync(officer.AsReader, fileName, ExportNote(count, http.Request.Query), http.RequestAborted);
        NoStore(http);
        return Results.File(csv, "text/csv; charset=utf-8", fileName);
    }

    /// <summary>What an export's audit entry says: how many rows, and which filters were used (their names, never their values: no personal data).</summary>
    private static string ExportNote(int rows, IQueryCollection query) =>
        $"rows={rows};filter={string.Join(',', query.Where(q => !string.IsNullOrEmpty(q.Value) && q.Key.Length <= 32).Take(12).Select(q => q.Key))}";

    /// <summary>Exports and print views hold personal data: never kept by the browser or a proxy.</summary>
    private static void NoStore(HttpContext http) => http.Response.Headers.CacheControl = "no-store";

    /// <summary>Runs a file endpoint for the current officer; a refusal is a problem with the service's code, a signed-out officer goes to sign-in.</summary>
    private static async Task<IResult> AsOfficer(HttpContext http, OfficerAccounts officers, Func<Officer, Task<IResult>> action)
    {
        var officer = await ConsoleSession.CurrentAsync(http, officers);
        if (officer is null)
        {
            return Results.Redirect(Base + "/sign-in");
        }

        try
        {
            return await action(officer);
        }
        catch (LicenceTrustException e)
        {
            return Results.Problem(ConsoleText.For(http).Message(e.Error), statusCode: ProblemCatalogue.StatusOf(e.Error), title: e.Error.Code,
                extensions: new Dictionary<string, object?> { ["code"] = e.Error.Code });
        }
    }

    /// <summary>
    /// Rows as CSV (UTF-8 with BOM, so a spreadsheet reads the Chinese). CsvHelper quotes and escapes; its
    /// injection escaping prefixes a cell a spreadsheet would run as a formula with <c>'</c>.
    /// </summary>
    private static async Task<(byte[] Csv, int Rows)> CsvAsync(string[] headers, IAsyncEnumerable<string?[]> rows)
    {
        var count = 0;
        using var buffer = new MemoryStream();
        await using (var writer = new StreamWriter(buffer, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true))
        await using (var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape }))
        {
            foreach (var header in headers)
            {
                csv.WriteField(header);
            }

            await csv.NextRecordAsync();
            await foreach (var row in rows)
            {
                foreach (var field in row)
                {
                    csv.WriteField(field);
                }

                await csv.NextRecordAsync();
                count++;
            }
        }

        return (buffer.ToArray(), count);
    }

    private static readonly string[] RegisterHeaders = ["identifier", "type", "number", "holderName", "holderCode", "status", "issueDate", "validFrom", "validTo", "issuedAt", "authorityCode"];

    /// <summary>The filtered register, page by page, up to <see cref="MaxExportRows"/>.</summary>
    private static async IAsyncEnumerable<string?[]> RegisterRows(RegisterFilter filter, Officer officer, IssuanceService issuance, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var page = 1; page <= MaxExportRows / 200; page++)
        {
            var rows = await issuance.ListAsync(filter.ToQuery(200, page), officer.AsReader, cancellationToken);
            foreach (var record in rows.Items)
            {
                var licence = record.Licence;
                yield return
                [
                    record.Identifier, issuance.LicenceTypes.TryGet(licence.TypeCode, out var type) ? type.NameZh : licence.TypeCode.Value, licence.Number,
                    licence.Holder.Name, licence.Holder.Code, record.Status.WireName(), Day(licence.IssueDate), Day(licence.ValidFrom),
                    licence.ValidTo is { } to ? Day(to) : "长期",
                    record.IssuedAt.ToOffset(CredentialClaims.ChinaOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), licence.AuthorityCode,
                ];
            }

            if ((long)page * 200 >= rows.Total)
            {
                yield break;
            }
        }
    }

    private static readonly string[] BatchRowHeaders = ["line", "typeCode", "number", "holderName", "holderCodeType", "holderCode", "areaCode", "issueDate", "validFrom", "validTo", "attributes"];

    /// <summary>A batch's rows to be signed, as its file had them.</summary>
    private static async IAsyncEnumerable<string?[]> BatchRows(IReadOnlyList<BatchRow> rows)
    {
        await Task.CompletedTask;
        foreach (var (line, command) in rows)
        {
            yield return
            [
                line.ToString(CultureInfo.InvariantCulture), command.TypeCode, command.Number, command.HolderName, command.HolderCodeType, command.HolderCode, command.AreaCode,
                command.IssueDate is { } issued ? Day(issued) : null, command.ValidFrom is { } from ? Day(from) : null, command.ValidTo is { } to ? Day(to) : null,
                string.Join("; ", (command.Attributes ?? new Dictionary<string, string>()).Select(a => a.Key + "=" + a.Value)),
            ];
        }
    }

    private static readonly string[] AuditHeaders = ["sequence", "at", "eventId", "event", "actor", "subject", "data", "hash"];

    /// <summary>The filtered audit log, newest first, page by page, up to <see cref="MaxExportRows"/>.</summary>
    private static async IAsyncEnumerable<string?[]> AuditRows(AuditFilter filter, Officer auditor, IssuanceService issuance, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var page = 1; page <= MaxExportRows / 500; page++)
        {
            var entries = await issuance.SearchAuditAsync(filter.ToQuery(500, page), auditor, cancellationToken);
            foreach (var entry in entries.Items)
            {
                yield return
                [
                    entry.Sequence.ToString(CultureInfo.InvariantCulture), entry.At.ToOffset(CredentialClaims.ChinaOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    entry.EventId.ToString(CultureInfo.InvariantCulture), entry.Event, entry.Actor, entry.Subject, entry.Data, entry.Hash,
                ];
            }

            if ((long)page * 500 >= entries.Total)
            {
                yield break;
            }
        }
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Only a path of the console: never another site, never another part of the node.</summary>
    internal static string LocalReturn(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url.StartsWith(Base, StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal)
            && Uri.IsWellFormedUriString(url, UriKind.Relative) ? url : Base;

    private static IResult Asset(string file)
    {
        var stream = typeof(ConsoleEndpoints).Assembly.GetManifestResourceStream("console/" + file);
        if (stream is null)
        {
            return Results.NotFound();
        }

        var type = Path.GetExtension(file) switch { ".css" => "text/css; charset=utf-8", ".js" => "text/javascript; charset=utf-8", _ => "application/octet-stream" };
        return Results.Stream(stream, type);
    }
}
