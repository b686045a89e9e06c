using System.Globalization;
using System.Text;
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
        console.MapPost("/sign-out", async (HttpContext http, IFormCollection form) =>
        {
            await ConsoleSession.SignOutAsync(http);
            return Results.LocalRedirect(Base + "/sign-in?signedOut=1");
        });

        var officer = console.MapGroup(string.Empty).RequireAuthorization(ConsoleSession.Policy);
        officer.MapGet("/licences/{identifier}/qr.png", async (string identifier, HttpContext http, OfficerAccounts officers, IssuanceService issuance) =>
            await AsOfficer(http, officers, async o => Results.File(QrCodeImages.Png((await issuance.GetAsync(identifier, o.AsReader, http.RequestAborted)).QrText), "image/png", $"{identifier}.png")));
        officer.MapGet("/licences/{identifier}/qr.svg", async (string identifier, HttpContext http, OfficerAccounts officers, IssuanceService issuance) =>
            await AsOfficer(http, officers, async o => Results.File(Encoding.UTF8.GetBytes(QrCodeImages.Svg((await issuance.GetAsync(identifier, o.AsReader, http.RequestAborted)).QrText)), "image/svg+xml", $"{identifier}.svg")));
        officer.MapGet("/licences/{identifier}/print", async (string identifier, HttpContext http, OfficerAccounts officers, IssuanceService issuance) =>
            await AsOfficer(http, officers, async o =>
            {
                var (record, lastChange) = await issuance.GetWithLastChangeAsync(identifier, o.AsReader, http.RequestAborted);
                return Results.Content(PrintView.Render(record, lastChange), "text/html; charset=utf-8");
            }));
        officer.MapGet("/licences.csv", async (HttpContext http, OfficerAccounts officers, IssuanceService issuance) =>
            await AsOfficer(http, officers, async o => Results.File(await ExportAsync(RegisterFilter.Parse(http.Request.Query), o, issuance, http.RequestAborted), "text/csv; charset=utf-8", "licences.csv")));
        officer.MapPost("/issue/check", async (HttpContext http, IFormCollection form, OfficerAccounts officers, OfficerWorkflow workflow) =>
            await AsOfficer(http, officers, o =>
            {
                var text = ConsoleText.For(http);
                var values = IssueForm.From(form);
                try
                {
                    var type = Lints.KnownType(values["typeCode"]);
                    workflow.Preview(values.ToCommand(type), o);
                    return Task.FromResult(Results.Json(new { ok = true }));
                }
                catch (LicenceTrustException e)
                {
                    return Task.FromResult(Results.Json(new { ok = false, field = IssueForm.InputOf(e.Error.Field), message = text.Message(e.Error) }));
                }
            }));
    }

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
            var status = e.Error.Kind switch
            {
                ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
                ErrorKind.NotFound => StatusCodes.Status404NotFound,
                _ => StatusCodes.Status400BadRequest,
            };
            return Results.Problem(ConsoleText.For(http).Message(e.Error), statusCode: status, title: e.Error.Code,
                extensions: new Dictionary<string, object?> { ["code"] = e.Error.Code });
        }
    }

    /// <summary>The filtered register as CSV (UTF-8 with BOM, so a spreadsheet reads the Chinese); a cell that a spreadsheet would run as a formula is quoted with a leading apostrophe.</summary>
    private static async Task<byte[]> ExportAsync(RegisterFilter filter, Officer officer, IssuanceService issuance, CancellationToken cancellationToken)
    {
        var csv = new StringBuilder();
        csv.AppendLine("identifier,type,number,holderName,holderCode,status,issueDate,validFrom,validTo,issuedAt,authorityCode");
        for (var page = 1; page <= MaxExportRows / 200; page++)
        {
            var rows = await issuance.ListAsync(filter.ToQuery(200, page), officer.AsReader, cancellationToken);
            foreach (var record in rows.Items)
            {
                var licence = record.Licence;
                LicenceTypeCatalogue.TryGet(licence.TypeCode, out var type);
                csv.AppendJoin(',', new[]
                {
                    record.Identifier, type?.NameZh ?? licence.TypeCode.Value, licence.Number, licence.Holder.Name, licence.Holder.Code, record.Status.WireName(),
                    Day(licence.IssueDate), Day(licence.ValidFrom), licence.ValidTo is { } to ? Day(to) : "长期",
                    record.IssuedAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), licence.AuthorityCode,
                }.Select(Cell)).AppendLine();
            }

            if ((long)page * 200 >= rows.Total)
            {
                break;
            }
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string Cell(string value)
    {
        var text = value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

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
