using System.ComponentModel.DataAnnotations;
using LicenceTrust.Core.Identifiers;

namespace LicenceTrust.Federation;

/// <summary>One federated peer (configuration <c>Node:Peers:N</c>).</summary>
public sealed class PeerOptions
{
    /// <summary>The peer's node id in the province registry, e.g. <c>sc</c>.</summary>
    [Required, ProvinceNodeId]
    public string Province { get; set; } = string.Empty;

    /// <summary>Where this node reaches the peer, e.g. <c>https://sc.licencetrust.example</c>.</summary>
    [Required, Url]
    public string BaseUrl { get; set; } = string.Empty;

    /// <summary>The pinned SHA-256 fingerprint (hex) of the peer's root certificate.</summary>
    [Required, RegularExpression("^[0-9a-fA-F]{64}$")]
    public string RootFingerprint { get; set; } = string.Empty;

    /// <summary>
    /// The CA certificate (PEM) that issues the peer's TLS server certificate; required for an https
    /// BaseUrl. The peer is trusted through this pin alone, never the machine's trust store.
    /// </summary>
    public string? TlsCaFile { get; set; }

    /// <summary>
    /// Reach the peer over plain HTTP at an address that is not loopback. Off, such a BaseUrl stops the
    /// node at start: status lists and trust lists are signed, but the notices, live answers and holdings
    /// a node sends and reads would cross the network in the clear, and a man in the middle could withhold
    /// them. For a closed test network only. Loopback addresses (127.0.0.0/8, ::1, localhost) need no
    /// setting: their traffic never leaves the machine.
    /// </summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// This node's signed recognition agreement for the peer (a file; relative paths are from the node's
    /// home). Default: <c>&lt;keys&gt;/&lt;own&gt;/recognition-&lt;peer&gt;.cose</c>.
    /// </summary>
    public string? Agreement { get; set; }

    /// <summary>How often the trust list and status lists are pulled.</summary>
    [Range(0.2, 3600)]
    public double SyncIntervalSeconds { get; set; } = 30;

    /// <summary>Past this age the peer's trust list is stale: its licences verify CHECK / TRUST_LIST_STALE.</summary>
    [Range(1, 30 * 86400)]
    public double TrustListMaxAgeSeconds { get; set; } = 86400;

    /// <summary>Past this age a peer status list is stale: CHECK / STATUS_STALE unless a live call answers.</summary>
    [Range(1, 7 * 86400)]
    public double StatusMaxAgeSeconds { get; set; } = 300;

    /// <summary>Ask the peer's online status API when the cached status list is stale or missing.</summary>
    public bool LiveStatusFallback { get; set; } = true;

    /// <summary>Time limit of each request to the peer.</summary>
    [Range(0.1, 60)]
    public double TimeoutSeconds { get; set; } = 3;

    /// <summary>
    /// How long after this node starts a peer that has not answered yet counts as starting rather than
    /// failing: no warning, and readiness says <c>starting</c>, not <c>degraded</c>. Two nodes started
    /// together (the demo pair) each try the other before it listens. After it, a peer that never
    /// answered is reported like any other.
    /// </summary>
    [Range(0, 600)]
    public double StartupGraceSeconds { get; set; } = 30;

    public TimeSpan SyncInterval => TimeSpan.FromSeconds(SyncIntervalSeconds);

    public TimeSpan TrustListMaxAge => TimeSpan.FromSeconds(TrustListMaxAgeSeconds);

    public TimeSpan StatusMaxAge => TimeSpan.FromSeconds(StatusMaxAgeSeconds);
}

/// <summary>A setting that must be a node id of the province registry (<see cref="Province"/>), e.g. <c>gz</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ProvinceNodeIdAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is null || (value is string node && Province.TryFromNodeId(node, out _))
            ? ValidationResult.Success
            : new ValidationResult($"'{value}' is not a province node id of the registry (the ISO 3166-2:CN code in lower case, e.g. cq, sc, gz).", [validationContext.MemberName ?? string.Empty]);
}
