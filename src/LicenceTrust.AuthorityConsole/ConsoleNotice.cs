using System.Net;
using Microsoft.AspNetCore.Http;

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

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
