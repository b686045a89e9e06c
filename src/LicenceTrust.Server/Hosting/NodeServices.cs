using System.Text.Json;
using System.Text.Json.Serialization;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Json;
using LicenceTrust.Core.Licences;
using LicenceTrust.AuthorityConsole;
using LicenceTrust.Federation;
using LicenceTrust.Issuance;
using LicenceTrust.Server.Endpoints;
using LicenceTrust.Sharing;
using LicenceTrust.KeyStore;
using LicenceTrust.Status;
using LicenceTrust.Storage;
using LicenceTrust.Storage.Postgres;
using LicenceTrust.Storage.Sqlite;
using LicenceTrust.Storage.SqlServer;
using LicenceTrust.Verification;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// The composition of the node, one capability per method (docs/architecture.md). Each registers its
/// services with TryAdd, reading <see cref="NodeOptions"/>; none decides anything a module should.
/// </summary>
public static class NodeServices
{
    /// <summary>The database (SQLite, PostgreSQL or SQL Server), the key directory and the stores.</summary>
    public static void AddStorage(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<IDatabase>(sp =>
        {
            var options = Options(sp);
            string Connection() => options.ConnectionString ?? throw new InvalidDataException($"Node:ConnectionString is required for {options.DatabaseProvider}.");
            return options.DatabaseProvider switch
            {
                "postgres" => new PostgresDatabase(Connection()),
                "sqlserver" => new SqlServerDatabase(Connection()),
                _ => new SqliteDatabase(options.SqliteFile(path => NodeHost.FromContentRoot(builder, path))),
            };
        });
        // The token, when keys are in an HSM: opened once, closed with the node (the container disposes it).
        if (builder.Configuration.GetSection($"{NodeOptions.Section}:{nameof(NodeOptions.Pkcs11)}").Get<Pkcs11Options>() is { Library.Length: > 0 } pkcs11)
        {
            builder.Services.TryAddSingleton(_ => Pkcs11Token.Open(new Pkcs11Settings(pkcs11.Library, pkcs11.TokenLabel,
                Pkcs11Pin.Read(pkcs11.PinFile is { } pinFile ? NodeHost.FromContentRoot(builder, pinFile) : null), pkcs11.Sm2SignMechanism, pkcs11.Sm2KeyGenMechanism)));
        }

        builder.Services.TryAddSingleton(sp =>
        {
            var options = Options(sp);
            Province.TryFromNodeId(options.Province, out var province);
            return new KeyStoreSite(NodeHost.FromContentRoot(builder, options.KeysDirectory), options.KeysDirectory, province,
                KeyAccess.From(options.KeyPassphraseFile is { } file ? NodeHost.FromContentRoot(builder, file) : null, options.AllowPlaintextKeys ?? sp.GetRequiredService<NodeMode>().Demo));
        });
        builder.Services.AddKeyStore();
        builder.Services.AddStores();
    }

    /// <summary>Issuing authorities' workflow, API keys, staff accounts and the demo seeding.</summary>
    public static void AddIssuance(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(sp => Options(sp).LicenceTypes is { } file
            ? LicenceTypeFiles.Load(NodeHost.FromContentRoot(builder, file))
            : LicenceTypeCatalogue.Shipped);
        builder.Services.TryAddSingleton(sp => new IssuanceSite(sp.GetRequiredService<ProvinceKeys>().Province, sp.GetRequiredService<LicenceTypeCatalogue>(),
            NodeHost.StatusListBase(Options(sp)), Options(sp).StatusListSize));
        builder.Services.TryAddSingleton(sp => new SignInThrottle(sp.GetRequiredService<TimeProvider>(), new SignInThrottleOptions
        {
            FreeFailures = Options(sp).SignInFreeFailures,
            LockoutAfter = Options(sp).SignInLockoutAfter,
            LockoutDuration = TimeSpan.FromMinutes(Options(sp).SignInLockoutMinutes),
        }));
        builder.Services.AddIssuance(builder.Configuration);
        builder.Services.TryAddSingleton<DemoSeeder>();
    }

    /// <summary>This node's own status lists: in memory for verification, fed by Issuance's commits, and published signed (<see cref="StatusModule"/>).</summary>
    public static void AddStatus(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(sp =>
        {
            var options = Options(sp);
            var signer = ListSigner(sp);
            return new StatusSite(sp.GetRequiredService<ProvinceKeys>().Province, NodeHost.StatusListBase(options), signer.Key, signer.CertificateDer,
                TimeSpan.FromMilliseconds(options.StatusCacheMilliseconds), TimeSpan.FromSeconds(options.StatusListMaxAgeSeconds));
        });
        builder.Services.AddStatus();
    }

    /// <summary>The verification pipeline: Core's checks, recognition, and status from this node's lists or the peers' (<see cref="VerificationModule"/>).</summary>
    public static void AddVerification(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(sp => new VerificationSite(sp.GetRequiredService<ProvinceKeys>().Province,
            TimeSpan.FromSeconds(Options(sp).ClockSkewSeconds), Options(sp).SignatureMemoCapacity));
        builder.Services.AddVerification();
    }

    /// <summary>
    /// Trust across provinces (<see cref="FederationModule"/>): the node gives its keys and lifetime, the peers
    /// with their TLS and agreement files (which only the host can open), and the audit of trust events.
    /// </summary>
    public static void AddFederation(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(sp =>
        {
            var own = sp.GetRequiredService<ProvinceKeys>();
            var signer = ListSigner(sp);
            return new FederationSite(own.Root, [.. own.Issuers.Select(i => i.Certificate)], signer.Key, signer.CertificateDer,
                TimeSpan.FromHours(Options(sp).TrustListLifetimeHours), NodeHost.StatusListBase(Options(sp)), TimeSpan.FromMilliseconds(Options(sp).ReplicaWatchMilliseconds));
        });
        builder.Services.TryAddSingleton(sp =>
        {
            var options = Options(sp);
            var own = sp.GetRequiredService<ProvinceKeys>();
            var keysDirectory = NodeHost.FromContentRoot(builder, options.KeysDirectory);
            string FromHome(string path) => NodeHost.FromContentRoot(builder, path);
            var clientCertificate = NodeTls.ClientCertificate(options, FromHome);
            return new FederationPeers(options.Peers, own.Province, own.Root,
                peer => NodeHost.FromContentRoot(builder, peer.Agreement ?? KeyDirectory.RecognitionAgreementPath(keysDirectory, own.Province, Province.FromNodeId(peer.Province))),
                sp.GetRequiredService<FederatedTrust>(), sp.GetRequiredService<IFederationStore>(),
                (peer, refused) => PeerHttp.Create(peer, FromHome, clientCertificate, refused),
                sp.GetRequiredService<TimeProvider>());
        });
        builder.Services.TryAddSingleton<ITrustAudit, AuditedTrustEvents>();
        builder.Services.AddFederation();
        builder.Services.AddHostedService<PeerSettingsReload>();
    }

    /// <summary>
    /// Evidence exchange (<see cref="SharingModule"/>): the node gives its province and its matter catalogue (the
    /// shipped one, or <c>Node:Matters</c>, checked against the licence types at start), and the audit.
    /// </summary>
    public static void AddSharing(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(sp =>
        {
            var types = sp.GetRequiredService<LicenceTypeCatalogue>();
            var matters = Options(sp).Matters is { } file ? MatterCatalogue.Load(NodeHost.FromContentRoot(builder, file), types) : MatterCatalogue.Shipped(types);
            return new SharingSite(sp.GetRequiredService<ProvinceKeys>().Province, matters);
        });
        builder.Services.TryAddSingleton<ISharingAudit, AuditedSharingEvents>();
        builder.Services.TryAddSingleton(sp => new PdfFonts(NodeHost.FromContentRoot(builder, Options(sp).PdfFontFile)));
        builder.Services.AddSharing();
    }

    /// <summary>The HTTP edge: JSON rules, problem details, body limits, receipts, the image decode gate.</summary>
    public static void AddWeb(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<ReceiptSigner>();
        builder.Services.TryAddSingleton<NodeReadiness>();
        builder.Services.TryAddSingleton<ImageScanGate>();
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            json.SerializerOptions.Encoder = JsonViews.Options.Encoder;
            json.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        // Binding failures reach ProblemMapper as exceptions, so they get a stable code and the field.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemMapper.Framework);
        builder.Services.AddExceptionHandler<ProblemMapper>();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
            kestrel.Limits.MaxRequestBodySize = context.Configuration.GetValue($"{NodeOptions.Section}:{nameof(NodeOptions.MaxRequestBytes)}", 64 * 1024));
    }

    /// <summary>The authority console: pages, officer cookie, antiforgery, and the peers' freshness for its dashboard.</summary>
    public static void AddConsole(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthorityConsole();
        builder.Services.TryAddSingleton<IPeerFreshness, PeerFreshness>();
    }

    private static NodeOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<NodeOptions>>().Value;

    private static ListSignerKey ListSigner(IServiceProvider services) =>
        services.GetRequiredService<ProvinceKeys>().ListSigner ?? throw new InvalidDataException("The key directory has no list-signing key for this province.");

    /// <summary>Federation's trust events, written to the node's hash-chained audit log under their stable ids.</summary>
    /// <summary>Sharing's events in the node's hash-chained audit (docs/federation.md §9).</summary>
    private sealed class AuditedSharingEvents(IIssuanceStore store) : ISharingAudit
    {
        public Task RecordAsync(SharingEvent sharingEvent, string actor, string subject, string data, DateTimeOffset at, CancellationToken cancellationToken) =>
            AuditChain.AppendAsync(store, sharingEvent switch
            {
                SharingEvent.ConsentGranted => new AuditDraft(AuditEvents.ConsentGranted, "sharing.consent_granted", actor, subject, data, at),
                SharingEvent.EvidenceProvided => new AuditDraft(AuditEvents.EvidenceProvided, "sharing.evidence_provided", actor, subject, data, at),
                SharingEvent.EvidenceRefused => new AuditDraft(AuditEvents.EvidenceRefused, "sharing.evidence_refused", actor, subject, data, at),
                _ => new AuditDraft(AuditEvents.EvidenceRequested, "sharing.evidence_requested", actor, subject, data, at),
            }, cancellationToken);
    }

    private sealed class AuditedTrustEvents(IIssuanceStore store) : ITrustAudit
    {
        public Task RecordAsync(TrustEvent trustEvent, string actor, string subject, string data, DateTimeOffset at, CancellationToken cancellationToken) =>
            AuditChain.AppendAsync(store, trustEvent == TrustEvent.IssuerWithdrawn
                ? new AuditDraft(AuditEvents.IssuerWithdrawn, "trust.issuer_withdrawn", actor, subject, data, at)
                : new AuditDraft(AuditEvents.PeerNoticeApplied, "trust.peer_notice_applied", actor, subject, data, at), cancellationToken);
    }
}
