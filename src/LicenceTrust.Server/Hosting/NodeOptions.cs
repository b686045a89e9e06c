using System.ComponentModel.DataAnnotations;
using LicenceTrust.Federation;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// The node's configuration (section <c>Node</c>). Validated at start-up; a bad value, or a name under
/// <c>Node</c> that is not a setting (<see cref="NodeSettings"/>), stops the node. The defaults are
/// production's: no demo licences, no SAMPLE API keys, plaintext keys refused. The demo is a flag,
/// <c>--demo</c> (<see cref="NodeMode"/>), never a setting.
/// </summary>
public sealed class NodeOptions
{
    public const string Section = "Node";

    /// <summary>This node's province: a node id of the province registry, e.g. <c>cq</c> (重庆市).</summary>
    [Required, ProvinceNodeId]
    public string Province { get; set; } = "cq";

    /// <summary>
    /// A JSON settings file (the same shape as appsettings.json: <c>{"Node": {…}}</c>) read below the environment
    /// and the command line, and watched: a change to its <c>Node:Peers</c> puts the new peers in force without a
    /// restart (<see cref="PeerSettingsReload"/>; SIGHUP reads it again too). Relative paths are from the content root.
    /// </summary>
    public string? SettingsFile { get; set; }

    /// <summary>Key directory (keys-sample/ layout); relative paths are from the content root.</summary>
    [Required]
    public string KeysDirectory { get; set; } = "keys-sample";

    /// <summary><c>sqlite</c> (embedded default), <c>postgres</c> or <c>sqlserver</c> (Microsoft.Data.SqlClient; the last two take <see cref="ConnectionString"/>).</summary>
    [RegularExpression("^(sqlite|postgres|sqlserver)$")]
    public string DatabaseProvider { get; set; } = "sqlite";

    /// <summary>The PostgreSQL connection string (with <c>postgres</c>). A secret: never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>SQLite database file; relative paths are from the content root. Default data/&lt;province&gt;.db.</summary>
    public string? Database { get; set; }

    /// <summary>The SQLite file this node uses (with <c>sqlite</c>), through <paramref name="resolve"/> (relative paths are from the node's home).</summary>
    public string SqliteFile(Func<string, string> resolve) => resolve(Database ?? Path.Combine("data", Province + ".db"));

    /// <summary>
    /// The node's public base URL, used in status-list URIs inside credentials (keep it short: it is in
    /// every QR code). Default: the province's default local URL (<see cref="DefaultUrl"/>).
    /// </summary>
    [Url]
    public string? PublicBaseUrl { get; set; }

    /// <summary>Where a node listens when no URL is configured: 127.0.0.1 on port 5000 plus the province code (cq 5050, sc 5051, gz 5052).</summary>
    public static string DefaultUrl(string province) =>
        Issuance.IssuanceSite.DefaultUrl(LicenceTrust.Core.Identifiers.Province.TryFromNodeId(province, out var p) ? p : LicenceTrust.Core.Identifiers.Province.FromCode(50));

    /// <summary>The base URL to publish.</summary>
    public string PublicBase => (PublicBaseUrl ?? DefaultUrl(Province)).TrimEnd('/');

    /// <summary>
    /// Accept private key files that are not encrypted. Unset, only the demo (<c>--demo</c>) does: it runs on
    /// the plaintext sample keys, and any other node refuses them unless this is set to true (tests,
    /// benchmarks). docs/operations.md, "Key files".
    /// </summary>
    public bool? AllowPlaintextKeys { get; set; }

    /// <summary>A file whose first line is the passphrase of the encrypted key files; unset, it comes from LICENCETRUST_KEY_PASSPHRASE.</summary>
    public string? KeyPassphraseFile { get; set; }

    /// <summary>Keys in a PKCS#11 token (an HSM) instead of files; unset, every key is a file.</summary>
    public Pkcs11Options? Pkcs11 { get; set; }

    /// <summary>
    /// This node's TLS client certificate (PEM), presented to peers that ask for one (mTLS on their notice
    /// inbox); with <see cref="TlsClientKeyFile"/>. docs/deploy.md, "Network".
    /// </summary>
    public string? TlsClientCertificateFile { get; set; }

    /// <summary>The private key (PEM, unencrypted PKCS#8) of <see cref="TlsClientCertificateFile"/>.</summary>
    public string? TlsClientKeyFile { get; set; }

    /// <summary>
    /// The CA certificate (PEM) of the peers' client certificates. Set, the notice inbox takes a notice only
    /// over a connection whose client certificate chains to it (mTLS); the rest of the API is unchanged.
    /// </summary>
    public string? NoticeInboxClientCaFile { get; set; }

    /// <summary>
    /// A file holding the key (32 bytes, base64) that encrypts the session-cookie key ring kept in the
    /// database, so that staff and officers stay signed in across replicas and restarts. Unset, the ring
    /// is per process. <c>licencetrust keys session --out FILE</c> writes one.
    /// </summary>
    public string? SessionKeyFile { get; set; }

    /// <summary>
    /// Start on a database older than what the peers hold of this province (a restored backup): the node
    /// then takes back the status changes and withdrawals the peers' copies show and never reuses a slot or
    /// serial of after the backup. Unset, such a node refuses to start and says what it found
    /// (docs/operations.md, "Backup and restore"). Harmless to leave on: a database level with its peers
    /// is not touched.
    /// </summary>
    public bool AcceptRestoredDatabase { get; set; }

    /// <summary>
    /// Serials each authority skips, when a restored database is accepted, beyond the issues and changes the
    /// peers saw after the backup: room for what the node issued after the peers last fetched.
    /// </summary>
    [Range(1, 10_000_000)]
    public long RestoreSerialGap { get; set; } = 100_000;

    /// <summary>
    /// The licence-type catalogue file (schemas/licence-types.schema.json); unset, the catalogue shipped
    /// in the release. Read once at start: a bad file stops the node with the file, entry and rule named.
    /// </summary>
    public string? LicenceTypes { get; set; }

    /// <summary>
    /// The matter catalogue file (schemas/matters.schema.json): which licences a window may fetch from another
    /// province for which matter, and which need the holder's consent. Unset, the catalogue shipped in the release.
    /// Read once at start against the licence types: a bad file stops the node with the entry and rule named.
    /// </summary>
    public string? Matters { get; set; }

    /// <summary>
    /// The CJK font of the PDF copies of fetched licences (a .ttf, or a .ttc whose first face is taken), embedded in
    /// each as a subset. Default Debian's fonts-wqy-microhei; missing, a copy is refused with 503 PDF_UNAVAILABLE.
    /// </summary>
    public string PdfFontFile { get; set; } = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

    /// <summary>Largest request body accepted, in bytes. Default 64 KiB.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 64 * 1024;

    /// <summary>Largest body of a batch verification, in bytes. Default 1 MiB (1,000 QR texts).</summary>
    [Range(64 * 1024, 16 * 1024 * 1024)]
    public int MaxBatchRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest photo or scanned PDF the image endpoint takes, in bytes. Default 10 MiB.</summary>
    [Range(64 * 1024, 64 * 1024 * 1024)]
    public int MaxImageBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Images decoded at once; more wait up to 10 s, then get 503 SCAN_BUSY. Default: one per core.</summary>
    [Range(1, 256)]
    public int ImageScanConcurrency { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// How long this node's own status lists are held in memory for verification before reloading (ms).
    /// Changes made through this node show at once; changes by another replica on the same database
    /// within this time (default 0.5 s). 0: every verification reads the database.
    /// </summary>
    [Range(0, 10_000)]
    public int StatusCacheMilliseconds { get; set; } = 500;

    /// <summary>
    /// How often this node looks in its database for peer documents another replica of it fetched (ms). A change
    /// notice from a peer reaches one replica, which fetches and stores the change; the others take it from the
    /// database within this time instead of at their next pull (docs/federation.md §3.3). One small query a look.
    /// Default 500; 0: never (a node without replicas may save the query).
    /// </summary>
    [Range(0, 60_000)]
    public int ReplicaWatchMilliseconds { get; set; } = 500;

    /// <summary>
    /// How far a verifier's clock may be off, in seconds: within this distance of a validity boundary the
    /// answer is CHECK / CLOCK_SKEW rather than a firm VALID or INVALID. Default 300.
    /// </summary>
    [Range(0, 3600)]
    public int ClockSkewSeconds { get; set; } = 300;

    /// <summary>
    /// Signature checks remembered per exact credential (a repeat scan then skips the signature check).
    /// Default 100,000 (a few tens of MB); 0 remembers nothing, so every scan pays its verification.
    /// </summary>
    [Range(0, 10_000_000)]
    public int SignatureMemoCapacity { get; set; } = 100_000;

    /// <summary>Map /bench/sm2-verify, the load run's baseline (benchmarks/verify-load.sh). Never in production.</summary>
    public bool BenchmarkEndpoints { get; set; }

    /// <summary>Requests per second each API key may make (token bucket, bursts up to twice that).</summary>
    [Range(1, 100_000)]
    public int RateLimitPerSecond { get; set; } = 500;

    /// <summary>Requests per second each IP address may make without a key.</summary>
    [Range(1, 100_000)]
    public int AnonymousRateLimitPerSecond { get; set; } = 200;

    /// <summary>Sign-in attempts per minute each IP address may make, in a partition of their own (a counter's staff share one address at most sites).</summary>
    [Range(1, 1_000_000)]
    public int SignInPerMinute { get; set; } = 60;

    /// <summary>Sign-in attempts one IP address may make at once before <see cref="SignInPerMinute"/> applies (a shift starting).</summary>
    [Range(1, 1_000_000)]
    public int SignInBurst { get; set; } = 10;

    /// <summary>Wrong passwords in a row after which an account must wait between attempts (1, 2, 4 … s, at most 30 s).</summary>
    [Range(1, 1_000_000)]
    public int SignInFreeFailures { get; set; } = 3;

    /// <summary>Wrong passwords in a row that lock an account for <see cref="SignInLockoutMinutes"/>.</summary>
    [Range(1, 1_000_000)]
    public int SignInLockoutAfter { get; set; } = 10;

    /// <summary>How long a locked account stays locked.</summary>
    [Range(1, 24 * 60)]
    public int SignInLockoutMinutes { get; set; } = 15;

    /// <summary>Minutes without a request after which a console officer must sign in again (docs/console.md).</summary>
    [Range(1, 24 * 60)]
    public int ConsoleIdleMinutes { get; set; } = 20;

    /// <summary>Hours after signing in after which a console officer must sign in again, however busy (docs/console.md, "Sessions").</summary>
    [Range(1, 24 * 7)]
    public int ConsoleSessionHours { get; set; } = 8;

    /// <summary>Hours a console request may wait before the approvers' queue marks it 超时 (docs/console.md).</summary>
    [Range(1, 24 * 365)]
    public int ApprovalOverdueHours { get; set; } = 24;

    /// <summary>Entries per status list (≥ 131,072).</summary>
    [Range(131_072, 16_777_216)]
    public int StatusListSize { get; set; } = 131_072;

    /// <summary>The peers this node federates with (<c>Node:Peers:0:Province</c>, <c>…:BaseUrl</c>, <c>…:RootFingerprint</c>, …).</summary>
    public List<LicenceTrust.Federation.PeerOptions> Peers { get; set; } = [];

    /// <summary>How long a signed trust list is valid (its next update); it is re-signed at half that.</summary>
    [Range(1, 24 * 30)]
    public int TrustListLifetimeHours { get; set; } = 24;

    /// <summary>How long a served status list may be cached, in seconds (Cache-Control max-age and the token's ttl).</summary>
    [Range(0, 3600)]
    public int StatusListMaxAgeSeconds { get; set; } = 1;
}

/// <summary>
/// <c>Node:Pkcs11</c>: the token that holds the keys named by <c>.key.pkcs11</c> files in the key directory
/// (docs/operations.md, "Keys in an HSM").
/// </summary>
public sealed class Pkcs11Options
{
    /// <summary>The vendor's PKCS#11 module, e.g. <c>/usr/lib/softhsm/libsofthsm2.so</c>.</summary>
    public string Library { get; set; } = string.Empty;

    /// <summary>The token's label.</summary>
    public string TokenLabel { get; set; } = string.Empty;

    /// <summary>A file whose first line is the user PIN; unset, the PIN comes from LICENCETRUST_PKCS11_PIN.</summary>
    public string? PinFile { get; set; }

    /// <summary>The vendor's SM2-with-SM3 signing mechanism number (e.g. 0x80000000 + n); untested here, SoftHSM2 has none.</summary>
    public ulong? Sm2SignMechanism { get; set; }

    /// <summary>The vendor's SM2 key-pair mechanism; unset, CKM_EC_KEY_PAIR_GEN on the SM2 curve. Untested here.</summary>
    public ulong? Sm2KeyGenMechanism { get; set; }
}

/// <summary>
/// How the node was started: <see cref="Demo"/> with <c>--demo</c> (or <c>--both-provinces</c>), which seeds
/// demo licences and SAMPLE API keys into an empty database and accepts the plaintext sample keys. A flag
/// on the command line, never a setting, so that no configuration file can turn a production node into a demo.
/// </summary>
public sealed record NodeMode(bool Demo)
{
    /// <summary>The command-line flag.</summary>
    public const string DemoFlag = "--demo";
}
