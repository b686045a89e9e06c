using System.Text.Json;
using LicenceTrust.AuthorityConsole;
using LicenceTrust.Core.Results;
using LicenceTrust.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// The one place where errors become RFC 9457 problem details. Known errors keep their code, field and
/// detail; anything else is logged and answered with a generic 500 that reveals nothing.
/// </summary>
public sealed partial class ProblemMapper(IProblemDetailsService problems, IDatabase database, ILogger<ProblemMapper> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var error = exception switch
        {
            LicenceTrustException e => e.Error,
            BadHttpRequestException { InnerException: JsonException json } => new LicenceTrustError(ErrorKind.Validation, "BODY_INVALID",
                "请求体不是有效的JSON，或含有未知字段 (the body is not valid JSON for this endpoint, or has an unknown field).", json.Path),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new LicenceTrustError(ErrorKind.Validation, "BODY_TOO_LARGE",
                "请求体过大 (the request body is too large)."),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => new LicenceTrustError(ErrorKind.Validation, "UNSUPPORTED_MEDIA_TYPE",
                "请求体应为application/json (send the body as application/json)."),
            // The framework's binding messages quote the input and the CLR type: name the parameter, nothing else.
            BadHttpRequestException bad when BindingFailure().Match(bad.Message) is { Success: true } binding => new LicenceTrustError(ErrorKind.Validation, "PARAMETER_INVALID",
                $"参数{binding.Groups["name"].Value}缺失或格式不正确 (the parameter {binding.Groups["name"].Value} is missing or not of the expected form).", binding.Groups["name"].Value),
            BadHttpRequestException => new LicenceTrustError(ErrorKind.Validation, "REQUEST_INVALID",
                "请求格式不正确 (the request is malformed)."),
            // The database's disk is full: retrying will not help until an operator makes room. Nothing
            // was written, because every change is one transaction.
            System.Data.Common.DbException full when database.IsOutOfSpace(full) => new LicenceTrustError(ErrorKind.StorageFull, "STORAGE_FULL",
                "节点存储空间已满，未做任何更改，请联系运维人员 (the node's storage is full; nothing was changed; the operator must make room)."),
            // The database is down or unreachable: a retryable 503, not an internal error.
            System.Data.Common.DbException => new LicenceTrustError(ErrorKind.Unavailable, "DATABASE_UNAVAILABLE",
                "数据库暂时不可用，未做任何更改，请稍后重试 (the database is unavailable; nothing was changed; retry shortly)."),
            _ => null,
        };

        // Logs name the route template, never the path: a path can carry a licence identifier.
        var route = (context.Features.Get<IExceptionHandlerFeature>()?.Endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
        if (error?.Kind == ErrorKind.StorageFull)
        {
            logger.LogCritical("Storage full on {Method} {Route}: {Error}", context.Request.Method, route, exception.Message);
        }
        else if (exception is System.Data.Common.DbException)
        {
            // One line per refused request during an outage, without a stack trace each time.
            logger.LogWarning("Database unavailable on {Method} {Route}: {Error}", context.Request.Method, route, exception.GetType().Name + ": " + exception.Message);
            context.Response.Headers.RetryAfter = "5";
        }

        if (error?.RetryAfterSeconds is { } wait)
        {
            context.Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (error is null)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Route}", context.Request.Method, route);
            error = new LicenceTrustError(ErrorKind.Unavailable, "INTERNAL_ERROR", "服务内部错误，请稍后重试 (an internal error occurred; retry later).");
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
        else
        {
            context.Response.StatusCode = exception is BadHttpRequestException { StatusCode: 413 or 415 } bad ? bad.StatusCode : ProblemCatalogue.StatusOf(error);
        }

        if (ConsoleNotice.IsConsole(context))
        {
            // An officer's browser gets a page; the framework's own refusals (a post too large or unreadable) get the page's plain words.
            await ConsoleNotice.WriteForStatusAsync(context, context.Response.StatusCode, exception is BadHttpRequestException ? null : error.Detail, cancellationToken);
            return true;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = ToProblem(error, context.Response.StatusCode) });
    }

    /// <summary><c>Failed to bind parameter "Nullable`1 page" from …</c>, <c>Required parameter "string x" was not provided …</c>: the parameter's name.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("parameter \"(?:[^\"]*[ .])?(?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial System.Text.RegularExpressions.Regex BindingFailure();

    /// <summary>Problems the framework writes itself (401, 403, 404, 405, 413, 415) get a stable code and a bilingual detail too.</summary>
    public static void Framework(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ProblemDetails.Extensions.ContainsKey("code"))
        {
            return;
        }

        var code = context.ProblemDetails.Status switch
        {
            401 => "UNAUTHENTICATED",
            403 => "FORBIDDEN",
            404 => "NOT_FOUND",
            405 => "METHOD_NOT_ALLOWED",
            413 => "BODY_TOO_LARGE",
            415 => "UNSUPPORTED_MEDIA_TYPE",
            _ => "HTTP_" + context.ProblemDetails.Status,
        };
        context.ProblemDetails.Extensions["code"] = code;
        context.ProblemDetails.Title = code;
        context.ProblemDetails.Type = TypeOf(code);
        context.ProblemDetails.Detail ??= code switch
        {
            "UNAUTHENTICATED" => "需要有效的API密钥 (a valid API key is required: Authorization: Bearer lt_…).",
            "FORBIDDEN" => "此API密钥的角色无权执行该操作 (this API key's role may not do this).",
            "NOT_FOUND" => "没有这个地址 (no such resource).",
            "UNSUPPORTED_MEDIA_TYPE" => "请求体应为application/json (send the body as application/json).",
            // Anything else the framework answers (a body over Kestrel's limit, a wrong method) gets its catalogue meaning.
            _ => ProblemCatalogue.Find(code) is { } entry ? $"{entry.MeaningZh} ({entry.MeaningEn})." : null,
        };
    }

    /// <summary>The problem type URI of a code, e.g. <c>https://licencetrust.example/problems/body-too-large</c>.</summary>
    public static string TypeOf(string code) => $"https://licencetrust.example/problems/{code.ToLowerInvariant().Replace('_', '-')}";

    public static ProblemDetails ToProblem(LicenceTrustError error, int status)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Type = TypeOf(error.Code),
            Title = error.Code,
            Detail = error.Detail,
        };
        problem.Extensions["code"] = error.Code;
        if (error.Field is not null)
        {
            problem.Extensions["field"] = error.Field;
        }

        if (error.CodePoint is not null)
        {
            problem.Extensions["codePoint"] = error.CodePoint;
        }

        return problem;
    }
}
