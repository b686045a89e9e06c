namespace LicenceTrust.Server.Hosting;

/// <summary>
/// Security headers on every response, errors included (they are added when the response starts, after
/// the exception handler has cleared its headers). See docs/security.md, "Security headers".
/// <list type="bullet">
/// <item>A Content-Security-Policy that allows only this node's own files: no inline script or style,
/// no eval. <c>'wasm-unsafe-eval'</c> is needed, and only that, because the staff page's QR decoder is
/// WebAssembly (compiling a module counts as eval for CSP).</item>
/// <item><c>frame-ancestors 'none'</c> and <c>X-Frame-Options: DENY</c>: no other site can frame a page (clickjacking).</item>
/// <item><c>X-Content-Type-Options: nosniff</c>, <c>Referrer-Policy: no-referrer</c>, and HSTS on HTTPS.</item>
/// </list>
/// Swagger UI is third-party HTML with inline script and style; under <c>/swagger</c> those are
/// allowed, everything else stays as strict.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The policy of every page and file of the node.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Swagger UI's policy: its inline bootstrap script and styles, nothing from elsewhere.</summary>
    public const string SwaggerContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>One year, as browsers' preload lists expect.</summary>
    public const string StrictTransportSecurity = "max-age=31536000; includeSubDomains";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            // A static callback with the context as state: no closure allocated per request.
            context.Response.OnStarting(static state =>
            {
                Apply((HttpContext)state);
                return Task.CompletedTask;
            }, context);
            return next(context);
        });

    /// <summary>Sets the headers on a response (idempotent).</summary>
    public static void Apply(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase)
            ? SwaggerContentSecurityPolicy
            : ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = StrictTransportSecurity;
        }
    }
}
