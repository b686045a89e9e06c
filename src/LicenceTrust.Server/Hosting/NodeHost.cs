using LicenceTrust.AuthorityConsole;
using LicenceTrust.Core.Licences;
using LicenceTrust.Federation;
using LicenceTrust.Issuance;
using LicenceTrust.KeyStore;
using LicenceTrust.Server.Endpoints;
using LicenceTrust.Status;
using LicenceTrust.Storage;
using LicenceTrust.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LicenceTrust.Server.Hosting;

/// <summary>Builds the node. <c>Program.cs</c> and the tests use the same method, so tests run the real host.</summary>
public static class NodeHost
{
    /// <param name="args">The command line: settings (<c>--Node:Province=sc</c>), and <c>--demo</c> for a demo node (<see cref="NodeMode"/>).</param>
    /// <param name="configure">What a test changes before the node is composed.</param>
    /// <exception cref="InvalidDataException">A name under <c>Node</c> or <c>Issuance</c> that is not a setting.</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var mode = new NodeMode(args.Contains(NodeMode.DemoFlag));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. args.Where(a => a != NodeMode.DemoFlag)], WebRootPath = WebRoot() });
        builder.Services.AddSingleton(mode);
        configure?.Invoke(builder);
        PeerSettingsReload.AddSettingsFile(builder);
        NodeSettings.ThrowIfUnknown(builder.Configuration);
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
        app.UseConsoleNotices();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapLicencesApi();
        app.MapStatusApi();
        app.MapLicenceTypesApi();
        app.MapVerifyApi();
        app.MapVerifyImageApi();
        app.MapAuditApi();
        app.MapHealth();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapFederationApi();
        app.MapSharingApi();
        app.MapStaffSession();
        app.MapAuthorityConsole();
        app.MapGet("/scan", () => Results.Redirect("/")).ExcludeFromDescription();
        if (app.Services.GetRequiredService<IOptions<NodeOptions>>().Value.BenchmarkEndpoints)
        {
            app.MapBenchmarkApi();
        }
        return app;
    }

    /// <summary>
    /// The node's capabilities, each in its own short method (<see cref="NodeServices"/>): storage,
    /// issuance, status, verification, federation, and the web edge. Every registration is TryAdd, so
    /// a test or a deployment can replace any default before this runs.
    /// </summary>
    public static void AddNode(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<NodeOptions>().Bind(builder.Configuration.GetSection(NodeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddStorage();
        builder.AddIssuance();
        builder.AddStatus();
        builder.AddVerification();
        builder.AddFederation();
        builder.AddSharing();
        builder.AddWeb();
        builder.AddSessionKeys();
        builder.AddNoticeInboxMutualTls();
        builder.AddConsole();
    }

    public static void AddApiKeyAuthentication(this WebApplicationBuilder builder)
    {
        var consoleOptions = new ConsoleOptions
        {
            IdleMinutes = builder.Configuration.GetValue($"{NodeOptions.Section}:{nameof(NodeOptions.ConsoleIdleMinutes)}", 20),
            AbsoluteHours = builder.Configuration.GetValue($"{NodeOptions.Section}:{nameof(NodeOptions.ConsoleSessionHours)}", 8),
            ApprovalOverdueHours = builder.Configuration.GetValue($"{NodeOptions.Section}:{nameof(NodeOptions.ApprovalOverdueHours)}", 24),
        };
        builder.Services.TryAddSingleton(consoleOptions);
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
            .AddOfficerCookie(consoleOptions)
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
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Authority, p => p.RequireRole(nameof(ActorRole.Authority)))
            .AddPolicy(Policies.AuthorityOrAdmin, p => p.RequireRole(nameof(ActorRole.Authority), nameof(ActorRole.Admin)))
            .AddPolicy(Policies.Admin, p => p.RequireRole(nameof(ActorRole.Admin)))
            .AddPolicy(Policies.PartnerOrAdmin, p => p.RequireRole(nameof(ActorRole.Partner), nameof(ActorRole.Admin)))
            .AddPolicy(Policies.HolderApp, p => p.RequireRole(nameof(ActorRole.HolderApp)))
            .AddPolicy(Policies.Window, p => p.RequireRole(nameof(ActorRole.Partner), nameof(ActorRole.Admin), StaffSession.Role));
    }

    /// <summary>The staff page's files: copied next to the binaries by the build, else the source folder of a checkout.</summary>
    private static string WebRoot()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return File.Exists(Path.Combine(beside, "index.html")) ? beside : FromHome(AppContext.BaseDirectory, Path.Combine("src", "LicenceTrust.Server", "wwwroot"));
    }

    /// <summary>The default authentication scheme: forwards to the API key or the staff cookie.</summary>
    public const string NodeScheme = "Node";

    /// <summary>Migrates the database, compares it with what the peers hold of it, and, for a demo node (<c>--demo</c>), seeds it. Call before running.</summary>
    public static async Task InitialiseNodeAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<NodeOptions>>().Value;
        var database = app.Services.GetRequiredService<IDatabase>();
        var applied = database.Migrate();
        var types = app.Services.GetRequiredService<LicenceTypeCatalogue>();
        var matters = app.Services.GetRequiredService<Sharing.MatterCatalogue>();
        // Issuance settings (Issuance:CredentialFormat among them) are checked now, not at the first issue.
        var issuance = app.Services.GetRequiredService<IssuanceOptions>();
        var own = app.Services.GetRequiredService<ProvinceKeys>().Province;
        var ownLists = (await app.Services.GetRequiredService<IStatusListStore>().StatusListsAsync(app.Lifetime.ApplicationStopping)).ToDictionary(l => l.Id, l => l.Version);
        await app.Services.GetRequiredService<RestoreGuard>().CheckAsync(ownLists, options.AcceptRestoredDatabase,
            async (finding, token) => (await app.Services.GetRequiredService<RestoreRecovery>().RecoverAsync(
                [.. finding.NewerStatusLists.Select(l => new PublishedListCopy(l.List, l.Copy.Bits, l.PeerVersion, l.Peer))],
                finding.ChangesSinceBackup, options.RestoreSerialGap, token)).ToString(),
            app.Lifetime.ApplicationStopping);
        await app.Services.GetRequiredService<TrustAuthority>().InitialiseAsync(app.Lifetime.ApplicationStopping);
        _ = app.Services.GetRequiredService<FederationPeers>();
        _ = app.Services.GetRequiredService<NoticeInboxGate>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LicenceTrust.Node");
        var province = app.Services.GetRequiredService<ProvinceKeys>().Province;
        logger.LogInformation("{Province} node: database {Database} ({Applied} migrations applied), keys from {Keys}, {Types} licence types from {Catalogue}, {Matters} matters from {MatterCatalogue}, issuing {Format}",
            province.NameZh, database.Description, applied.Count, options.KeysDirectory, types.All.Count, options.LicenceTypes ?? "the shipped catalogue", matters.All.Count, options.Matters ?? "the shipped catalogue",
            Core.Codec.CredentialFormat.PrefixOf(issuance.CredentialEncoding).TrimEnd(':'));
        if (app.Services.GetRequiredService<NodeMode>().Demo)
        {
            var folder = database is SqliteDatabase sqlite ? Path.GetDirectoryName(Path.GetFullPath(sqlite.FilePath))! : Path.GetFullPath("data");
            var keysFile = Path.Combine(folder, $"{province.NodeId}-demo-keys.txt");
            await app.Services.GetRequiredService<DemoSeeder>().SeedAsync(app.Services.GetRequiredService<ProvinceKeys>(), keysFile);
        }

        // Every own status list is in memory before the node listens, so no verification waits for one.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var lists = app.Services.GetRequiredService<OwnStatusLists>();
        var licences = await lists.LoadAllAsync(app.Lifetime.ApplicationStopping);
        logger.LogInformation("Status lists in memory: {Lists} lists, {Licences} licences, in {Milliseconds} ms", lists.Loaded, licences, clock.ElapsedMilliseconds);

        app.Lifetime.ApplicationStarted.Register(() =>
            logger.LogInformation("LicenceTrust {Province} node listening on {Urls}", province.NameZh, string.Join(", ", app.Urls)));
    }

    /// <summary>
    /// Why a start failed, in one line for the operator: the message of what the node refused (a setting,
    /// file, key, database or peer names itself), or the exception's kind and message for anything else.
    /// Never a stack trace.
    /// </summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var operatorFacing = exception is InvalidDataException or OptionsValidationException or IOException or UnauthorizedAccessException
            or System.Security.Cryptography.CryptographicException or System.Data.Common.DbException or Federation.SyncRefusedException;
        var text = operatorFacing ? exception.Message : $"{exception.GetType().Name}: {exception.Message}";
        if (exception is System.Data.Common.DbException)
        {
            text = $"the database cannot be reached or refused the node ({text}); check Node:DatabaseProvider and Node:ConnectionString or Node:Database";
        }

        return text.ReplaceLineEndings(" ") + " (run with --check to list every problem of this configuration)";
    }

    internal static string StatusListBase(NodeOptions options) => Issuance.IssuanceSite.StatusListBaseOf(options.PublicBase);

    /// <summary>
    /// Relative paths are from the node's home: the repository root when running from a checkout
    /// (so keys-sample/ and data/ are found whether started from the root or by <c>dotnet run --project</c>),
    /// otherwise the content root.
    /// </summary>
    internal static string FromContentRoot(WebApplicationBuilder builder, string path) => FromHome(builder.Environment.ContentRootPath, path);

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

    /// <summary>The holder's own service app (consent codes, usage log).</summary>
    public const string HolderApp = "holder-app";

    /// <summary>A service window: signed-in counter staff, or a window system's partner key (admins too).</summary>
    public const string Window = "window";
}
