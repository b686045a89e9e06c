using System.Globalization;
using System.Threading.RateLimiting;
using LicenceTrust.AuthorityConsole;
using LicenceTrust.Core.Results;
using Microsoft.Extensions.Options;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// Per-client rate limits (docs/api.md): a token bucket per authenticated API key, or per IP address for
/// callers without one. Partitioned after authentication, so quoting someone else's key id cannot use
/// up their budget. Sign-in (the staff API's, and the console's form) has a partition of its own per IP
/// address (<see cref="SignIn"/>), so a password flood is refused before any hashing, without using up the
/// IP's verification budget.
/// Rejections are 429 problems with Retry-After.
/// </summary>
public static class RateLimits
{
    /// <summary>The rate-limiting policy of password sign-in endpoints.</summary>
    public const string SignIn = "sign-in";

    /// <summary>The console's sign-in page, whose posts count against the sign-in partition.</summary>
    public const string ConsoleSignInPath = "/console/sign-in";

    /// <summary>The sign-in partition of the caller's address: a burst, then <c>Node:SignInPerMinute</c>.</summary>
    private static RateLimitPartition<string> SignInPartition(HttpContext http)
    {
        var node = http.RequestServices.GetRequiredService<IOptions<NodeOptions>>().Value;
        return RateLimitPartition.GetTokenBucketLimiter("sign-in:" + http.Connection.RemoteIpAddress, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = node.SignInBurst,
            TokensPerPeriod = node.SignInPerMinute,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    public static void AddNodeRateLimits(this WebApplicationBuilder builder) =>
        builder.Services.AddRateLimiter(options =>
        {
            options.AddPolicy(SignIn, SignInPartition);
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                var node = http.RequestServices.GetRequiredService<IOptions<NodeOptions>>().Value;
                var key = http.User.FindFirst(ApiKeyAuthentication.KeyIdClaim)?.Value;
                var perSecond = key is null ? node.AnonymousRateLimitPerSecond : node.RateLimitPerSecond;
                var partition = key is null ? "ip:" + http.Connection.RemoteIpAddress : "key:" + key;
                return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perSecond * 2,
                    TokensPerPeriod = perSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            }),
            // The console's sign-in form is a page, not an endpoint of its own: its posts share the sign-in
            // partition of their address with the staff API's sign-in (a flood under many user names is refused).
            PartitionedRateLimiter.Create<HttpContext, string>(http =>
                HttpMethods.IsPost(http.Request.Method) && http.Request.Path.Equals(ConsoleSignInPath, StringComparison.OrdinalIgnoreCase)
                    ? SignInPartition(http)
                    : RateLimitPartition.GetNoLimiter(string.Empty)));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                if (ConsoleNotice.IsConsole(http))
                {
                    // An officer's browser gets a page in Chinese, not a JSON problem.
                    await ConsoleNotice.WriteAsync(http, StatusCodes.Status429TooManyRequests, "请稍后再试",
                        $"从本机发出的登录或请求过于频繁，请{retryAfter}秒后再试。", $"Too many attempts from this address; try again in {retryAfter} s.", cancellationToken);
                    return;
                }

                var problem = ProblemMapper.ToProblem(new LicenceTrustError(ErrorKind.TooManyRequests, "RATE_LIMITED",
                    $"请求过于频繁，请{retryAfter}秒后重试 (too many requests; retry after {retryAfter} s)."), StatusCodes.Status429TooManyRequests);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
            };
        });
}
