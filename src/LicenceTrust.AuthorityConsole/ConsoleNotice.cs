using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace LicenceTrust.AuthorityConsole;

/// <summary>
/// A page of its own for an answer the console gives before any page of it runs (a refused role, too many
/// sign-ins, a post it cannot read): plain, in Chinese with an English line, with the status the answer
/// stands for, and a way back. An officer's browser never sees a JSON problem or a blank 400.
/// </summary>
public static class ConsoleNotice
{
    public static Task WriteAsync(HttpContext http, int status, string title, string zh, string en, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        return http.Response.WriteAsync(
            $"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
            $"<title>{Encode(title)} — 电子证照签发管理</title><link rel=\"stylesheet\" href=\"{ConsoleEndpoints.Base}/assets/console.css\"></head>" +
            $"<body><main><section class=\"card narrow\"><h1>{Encode(title)}</h1><p>{Encode(zh)}</p><p lang=\"en\">{Encode(en)}</p>" +
            $"<p><a href=\"{ConsoleEndpoints.Base}\">返回首页</a> · <a href=\"{ConsoleEndpoints.Base}/sign-in\">登录</a></p></section></main></body></html>",
            cancellationToken);
    }

    /// <summary>
    /// Gives a bodiless refusal of a console request its page: the framework answers a form it cannot read
    /// (over the size limit, malformed) or whose antiforgery token fails with a blank 400, and an unknown
    /// address with a blank 404. Placed after the status-code pages, so it answers first on the way out.
    /// </summary>
    public static IApplicationBuilder UseConsoleNotices(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            await next(http);
            if (IsConsole(http) && !http.Response.HasStarted && http.Response.StatusCode >= 400)
            {
                var status = http.Response.StatusCode;
                // A body over the node's limit is refused while the form is read, and answered 400 like a malformed one: say which it was.
                if (status == StatusCodes.Status400BadRequest && http.Request.ContentLength > http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize)
                {
                    status = StatusCodes.Status413PayloadTooLarge;
                }

                await WriteForStatusAsync(http, status, null, http.RequestAborted);
            }
        });

    /// <summary>Whether the request is the console's (its pages and posts), whose answers are pages, never JSON problems.</summary>
    public static bool IsConsole(HttpContext http) =>
        http?.Request.Path.StartsWithSegments(ConsoleEndpoints.Base, StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// The page for a console request the framework refused or that failed before a page could answer
    /// (a post over the node's size limit, a form that cannot be read, an unknown address, the database
    /// down): the status, what happened and what to do, in Chinese. <paramref name="detail"/> is the
    /// product's bilingual message ("中文 (English)") when there is one.
    /// </summary>
    public static Task WriteForStatusAsync(HttpContext http, int status, string? detail, CancellationToken cancellationToken = default)
    {
        var (title, zh, en) = status switch
        {
            StatusCodes.Status413PayloadTooLarge => ("提交的内容过大",
                "提交的内容超过了节点允许的大小，未做任何更改。请缩短填写的内容后重新提交；批量签发请在“批量签发”页面上传文件。",
                "What was sent is larger than the node accepts; nothing was changed. Shorten it and send again; for many licences upload a file on the batch page."),
            // A missing or stale token, not a form that could not be read at all (the feature carries that failure too).
            StatusCodes.Status400BadRequest when http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false, Error: null or AntiforgeryValidationException { InnerException: null } } => ("页面已失效",
                "表单已失效（页面打开过久、已在别处退出登录，或表单来自其他网站），未做任何更改。请刷新页面后重新提交。",
                "The form has expired (open too long, signed out elsewhere, or sent from another site); nothing was changed. Reload the page and send again."),
            _ when detail is not null => ("请求未能完成", new ConsoleText(false).Message(detail), new ConsoleText(true).Message(detail)),
            StatusCodes.Status400BadRequest => ("无法读取提交的内容",
                "提交的内容无法读取（格式不正确，或含有不允许的字符，如空字符），未做任何更改。请返回上一页，检查后重新提交。",
                "What was sent could not be read (malformed, or with a character that is not allowed, such as NUL); nothing was changed. Go back, check it and send again."),
            StatusCodes.Status404NotFound => ("页面不存在", "没有这个页面，或它已不存在。", "There is no such page."),
            StatusCodes.Status405MethodNotAllowed => ("不支持的操作", "此页面不接受这种请求，请从页面上的按钮操作。", "This page does not take this kind of request; use its buttons."),
            >= 500 => ("服务暂时不可用", "请求未能完成，请稍后重试；如仍有问题，请联系运维人员。", "The request could not be completed; try again shortly, and tell the operator if it persists."),
            _ => ("请求未能完成", "请求未能完成，请返回上一页重试。", "The request could not be completed; go back and try again."),
        };
        return WriteAsync(http, status, title, zh, en, cancellationToken);
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
