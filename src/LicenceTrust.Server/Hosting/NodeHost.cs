using System.Text.Json;
using System.Text.Json.Serialization;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Json;
using LicenceTrust.Federation;
using LicenceTrust.Issuance;
using LicenceTrust.KeyStore;
using LicenceTrust.Server.Endpoints;
using LicenceTrust.Storage;
using LicenceTrust.Verification;
using LicenceTrust.Storage.Postgres;
using LicenceTrust.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LicenceTrust.Server.Hosting;

/// <summary>Builds the node. <c>Program.cs</c> and the tests use the same method, so tests run the real host.</summary>
public static class NodeHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, WebRootPath = WebRoot() });
        configure?.Invoke(builder);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(NodeOptions.DefaultUrl(builder.Configuration[$"{NodeOptions.Section}:{nameof(NodeOptions.Province)}"] ?? "cq"));
        }

        builder.AddNode();
        builder.AddNodeLogging();
        builder.AddNodeTelemetry();
        builder.AddApiKeyAuthentication();
        builder.AddNodeRateLimits();
        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddOpenApiDocument(document =>
        {
            document.DocumentName = "v1";
            document.Title = "LicenceTrust node API";
            document.Version = "v1";
            document.Description = "川渝电子证照互认: issuance, status and verification. Errors are RFC 9457 problems with a stable code.";
            document.OperationProcessors.Add(new OpenApiContract.ApiKeyOperations());
        });

        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        // The staff QR page (wwwroot, its script built by npm from src/LicenceTrust.Web): at / and /scan.
        app.UseDefaultFiles();
        app.UseStaticFiles();
        // The document names no server: clients set the base URL of the node they call.
        app.UseOpenApi(settings =>
        {
            settings.Path = "/openapi/v1.json";
            settings.PostProcess = (document, _) =>
            {
                document.Servers.Clear();
                OpenApiContract.Apply(document);
                OpenApiExamples.Apply(document);
            };
        });
        app.UseSwaggerUi(settings => { settings.Path = "/swagger"; settings.DocumentPath = "/openapi/v1.json"; });
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapLicencesApi();
        app.MapStatusApi();
        app.MapLicenceTypesApi();
        app.MapVerifyApi();
        app.MapVerifyImageApi();
        app.MapAuditApi();
        app.MapHealth();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapFederationApi();
        app.MapStaffSession();
        app.MapGet("/scan", () => Results.Redirect("/")).ExcludeFromDescription();
        if (app.Services.GetRequiredService<IOptions<NodeOptions>>().Value.BenchmarkEndpoints)
        {
            app.MapBenchmarkApi();
        }
        return app;
    }

    /// <summary>Options, storage, keys, issuance, JSON rules, problem details.</summary>
    public static void AddNode(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<NodeOptions>().Bind(builder.Configuration.GetSection(NodeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IDatabase>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
            return options.DatabaseProvider == "postgres"
                ? new PostgresDatabase(options.ConnectionString ?? throw new InvalidDataException("Node:ConnectionString is required for PostgreSQL."))
                : new SqliteDatabase(FromContentRoot(builder, options.Database ?? Path.Combine("data", options.Province + ".db")));
        });
        // The key directory is read once: this province's keys for issuing, every province for trust.
        builder.Services.TryAddSingleton<IReadOnlyList<ProvinceKeys>>(sp =>
            KeyDirectory.Load(FromContentRoot(builder, sp.GetRequiredService<IOptions<NodeOptions>>().Value.KeysDirectory)));
        builder.Services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
            Province.TryFromNodeId(options.Province, out var province);
            return sp.GetRequiredService<IReadOnlyList<ProvinceKeys>>().SingleOrDefault(p => p.Province == province)
                ?? throw new InvalidDataException($"{options.KeysDirectory}: no {province.NodeId}/ key folder for this node's province.");
        });
        builder.Services.TryAddSingleton<IIssuanceStore, IssuanceStore>();
        builder.Services.TryAddSingleton<IApiKeyStore, ApiKeyStore>();
        builder.Services.TryAddSingleton<IIssuerKeys>(sp => new ProvinceIssuerKeys(sp.GetRequiredService<ProvinceKeys>()));
        builder.Services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
            return new IssuanceOptions
            {
                Province = sp.GetRequiredService<ProvinceKeys>().Province,
                StatusListBaseUri = StatusListBase(options),
                StatusListSize = options.StatusListSize,
            };
        });
        builder.Services.TryAddSingleton<IssuanceService>();
        builder.Services.TryAddSingleton(sp =>
        {
            // Own issuers come from the key directory; a peer's only from its signed, synced trust list.
            var keys = sp.GetRequiredService<ProvinceKeys>();
            return new FederatedTrust(keys.Root, [.. keys.Issuers.Select(i => i.Certificate)]);
        });
        builder.Services.TryAddSingleton<IFederationStore, FederationStore>();
        builder.Services.TryAddSingleton(_ => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = TimeSpan.FromSeconds(3) }));
        builder.Services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
            var signer = sp.GetRequiredService<ProvinceKeys>().ListSigner ?? throw new InvalidDataException("The key directory has no list-signing key for this province.");
            return new TrustAuthority(sp.GetRequiredService<FederatedTrust>(), sp.GetRequiredService<IFederationStore>(), signer.Key, signer.CertificateDer,
                sp.GetRequiredService<TimeProvider>(), TimeSpan.FromHours(options.TrustListLifetimeHours));
        });
        builder.Services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
            return new FederationPeers(options.Peers, sp.GetRequiredService<ProvinceKeys>(), FromContentRoot(builder, options.KeysDirectory), path => FromContentRoot(builder, path),
                sp.GetRequiredService<FederatedTrust>(), sp.GetRequiredService<IFederationStore>(), sp.GetRequiredService<HttpClient>(), sp.GetRequiredService<TimeProvider>());
        });
        builder.Services.TryAddSingleton<NoticeSender>();
        builder.Services.AddHostedService<FederationSyncService>();
        builder.Services.TryAddSingleton(sp =>
        {
            var keys = sp.GetRequiredService<ProvinceKeys>();
            var time = sp.GetRequiredService<TimeProvider>();
            var trust = sp.GetRequiredService<FederatedTrust>();
            var peers = sp.GetRequiredService<FederationPeers>();
            var authority = sp.GetRequiredService<TrustAuthority>();
            var options = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
            var local = new LocalStatusSource(sp.GetRequiredService<IIssuanceStore>(), keys.Province, time,
                TimeSpan.FromMilliseconds(options.StatusCacheMilliseconds), StatusListBase(options));
            sp.GetRequiredService<IssuanceService>().StatusChanged += local.Apply;
            return new VerificationService(
                new LicenceTrust.Core.Results.CredentialVerifier(trust, new LicenceTrust.Core.Results.VerificationPolicy { ClockSkew = TimeSpan.FromSeconds(options.ClockSkewSeconds) },
                    memo: new LicenceTrust.Core.Results.SignatureMemo()),
                new FederatedStatusSource(local, keys.Province, peers.States, sp.GetRequiredService<HttpClient>(), time),
                keys.Province.NodeId,
                time,
                new FederationPolicy(trust, peers.Recognitions, () => authority.Sequence, time));
        });
        builder.Services.TryAddSingleton<ApiKeyService>();
        builder.Services.TryAddSingleton<DemoSeeder>();
        builder.Services.TryAddSingleton<ReceiptSigner>();
        builder.Services.TryAddSingleton<ImageScanGate>();
        builder.Services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
            var keys = sp.GetRequiredService<ProvinceKeys>();
            return new StatusListPublisher(sp.GetRequiredService<IIssuanceStore>(),
                keys.ListSigner ?? throw new InvalidDataException("The key directory has no list-signing key for this province."),
                StatusListBase(options), TimeSpan.FromSeconds(options.StatusListMaxAgeSeconds), sp.GetRequiredService<TimeProvider>());
        });

        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            json.SerializerOptions.Encoder = JsonViews.Options.Encoder;
            json.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        // Binding failures reach ProblemMapper as exceptions, so they get a stable code and the field.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Responses written by the framework (401, 403, 404, 405, 415) get a stable code too.
            if (!context.ProblemDetails.Extensions.ContainsKey("code"))
            {
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
                context.ProblemDetails.Detail ??= code switch
                {
                    "UNAUTHENTICATED" => "需要有效的API密钥 (a valid API key is required: Authorization: Bearer lt_…).",
                    "FORBIDDEN" => "此API密钥的角色无权执行该操作 (this API key's role may not do this).",
                    "NOT_FOUND" => "没有这个地址 (no such resource).",
                    "UNSUPPORTED_MEDIA_TYPE" => "请求体应为application/json (send the body as application/json).",
                    _ => null,
                };
            }
        });
        builder.Services.AddExceptionHandler<ProblemMapper>();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
            kestrel.Limits.MaxRequestBodySize = context.Configuration.GetValue($"{NodeOptions.Section}:{nameof(NodeOptions.MaxRequestBytes)}", 64 * 1024));
    }

    public static void AddApiKeyAuthentication(this WebApplicationBuilder builder)
    {
        // How long before an outage a key must have been seen to keep working through it.
        builder.Services.TryAddSingleton(sp => new RecentApiKeys(sp.GetRequiredService<TimeProvider>(), TimeSpan.FromMinutes(15)));
        // Systems present an API key; counter staff sign in on the QR page and carry a cookie. A request
        // with a key is judged by the key alone; challenges and refusals always answer as the API does (401/403).
        builder.Services.AddAuthentication(NodeScheme)
            .AddPolicyScheme(NodeScheme, "API key or staff cookie", o =>
            {
                o.ForwardDefaultSelector = http =>
                    http.Request.Headers.ContainsKey("X-Api-Key") || http.Request.Headers.Authorization.Count > 0 ? ApiKeyAuthentication.SchemeName : StaffSession.SchemeName;
                o.ForwardChallenge = ApiKeyAuthentication.SchemeName;
                o.ForwardForbid = ApiKeyAuthentication.SchemeName;
            })
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null)
            .AddCookie(StaffSession.SchemeName, o =>
            {
                o.Cookie.Name = "lt-staff";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = context => { context.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = context => { context.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
            });
        builder.Services.TryAddSingleton<IStaffStore, StaffStore>();
        builder.Services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
            return new SignInThrottle(sp.GetRequiredService<TimeProvider>(), new SignInThrottleOptions
            {
                FreeFailures = options.SignInFreeFailures,
                LockoutAfter = options.SignInLockoutAfter,
                LockoutDuration = TimeSpan.FromMinutes(options.SignInLockoutMinutes),
            });
        });
        builder.Services.TryAddSingleton<StaffAccounts>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Authority, p => p.RequireRole(nameof(ActorRole.Authority)))
            .AddPolicy(Policies.AuthorityOrAdmin, p => p.RequireRole(nameof(ActorRole.Authority), nameof(ActorRole.Admin)))
            .AddPolicy(Policies.Admin, p => p.RequireRole(nameof(ActorRole.Admin)))
            .AddPolicy(Policies.PartnerOrAdmin, p => p.RequireRole(nameof(ActorRole.Partner), nameof(ActorRole.Admin)));
    }

    /// <summary>The staff page's files: copied next to the binaries by the build, else the source folder of a checkout.</summary>
    private static string WebRoot()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return File.Exists(Path.Combine(beside, "index.html")) ? beside : FromHome(AppContext.BaseDirectory, Path.Combine("src", "LicenceTrust.Server", "wwwroot"));
    }

    /// <summary>The default authentication scheme: forwards to the API key or the staff cookie.</summary>
    public const string NodeScheme = "Node";

    /// <summary>Migrates the database and, for a demo node, seeds it. Call before running.</summary>
    public static async Task InitialiseNodeAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<NodeOptions>>().Value;
        var database = app.Services.GetRequiredService<IDatabase>();
        var applied = database.Migrate();
        await app.Services.GetRequiredService<TrustAuthority>().InitialiseAsync(app.Lifetime.ApplicationStopping);
        _ = app.Services.GetRequiredService<FederationPeers>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LicenceTrust.Node");
        var province = app.Services.GetRequiredService<ProvinceKeys>().Province;
        logger.LogInformation("{Province} node: database {Database} ({Applied} migrations applied), keys from {Keys}",
            province.NameZh, database.Description, applied.Count, options.KeysDirectory);
        if (options.SeedDemo)
        {
            var folder = database is SqliteDatabase sqlite ? Path.GetDirectoryName(Path.GetFullPath(sqlite.FilePath))! : Path.GetFullPath("data");
            var keysFile = Path.Combine(folder, $"{province.NodeId}-demo-keys.txt");
            await app.Services.GetRequiredService<DemoSeeder>().SeedAsync(province, keysFile);
        }

        app.Lifetime.ApplicationStarted.Register(() =>
            logger.LogInformation("LicenceTrust {Province} node listening on {Urls}", province.NameZh, string.Join(", ", app.Urls)));
    }

    internal static string StatusListBase(NodeOptions options) => options.PublicBase + "/api/v1/status-lists/";

    /// <summary>
    /// Relative paths are from the node's home: the repository root when running from a checkout
    /// (so keys-sample/ and data/ are found whether started from the root or by <c>dotnet run --project</c>),
    /// otherwise the content root.
    /// </summary>
    private static string FromContentRoot(WebApplicationBuilder builder, string path) => FromHome(builder.Environment.ContentRootPath, path);

    /// <summary>Resolves a configured path as the node does (see <see cref="FromContentRoot"/>).</summary>
    public static string FromHome(string contentRoot, string path)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        var home = new DirectoryInfo(contentRoot);
        for (var dir = home; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LicenceTrust.sln")))
            {
                home = dir;
                break;
            }
        }

        return Path.GetFullPath(Path.Combine(home.FullName, path));
    }
}

/// <summary>Authorisation policy names.</summary>
public static class Policies
{
    public const string Authority = "authority";
    public const string AuthorityOrAdmin = "authority-or-admin";
    public const string Admin = "admin";
    public const string PartnerOrAdmin = "partner-or-admin";
}
