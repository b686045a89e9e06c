using System.Collections.Concurrent;
using LicenceTrust.Core.Status;

namespace LicenceTrust.Federation;

/// <summary>A peer status list as last accepted, and when the peer last confirmed it.</summary>
public sealed record CachedStatusList(StatusList List, long Version, DateTimeOffset FetchedAt);

/// <summary>How one peer's sync is going: for the status endpoint, health checks and verification. Thread-safe.</summary>
public sealed class PeerState(PeerOptions options)
{
    private readonly ConcurrentDictionary<string, CachedStatusList> _statusLists = new(StringComparer.Ordinal);

    public PeerOptions Options { get; } = options;

    public DateTimeOffset? LastAttempt { get; set; }

    public DateTimeOffset? LastSuccess { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? LastErrorAt { get; set; }

    public int ConsecutiveFailures { get; set; }

    /// <summary>Why the last pass could not store what it accepted (this node's database); null when all was stored.</summary>
    public string? PersistenceError { get; set; }

    /// <summary>Revocation propagation: from a change committed at the peer to this node applying it.</summary>
    public TimeSpan? LastPropagationDelay { get; set; }

    public IReadOnlyDictionary<string, CachedStatusList> StatusLists => _statusLists;

    public CachedStatusList? StatusList(string uri) => _statusLists.GetValueOrDefault(uri);

    public void SetStatusList(CachedStatusList list) => _statusLists[list.List.Uri] = list;
}
