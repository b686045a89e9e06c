using System.Collections.Concurrent;
using LicenceTrust.Core.Status;

namespace LicenceTrust.Federation;

/// <summary>A peer status list as last accepted, and when the peer last confirmed it.</summary>
public sealed record CachedStatusList(StatusList List, long Version, DateTimeOffset FetchedAt);

/// <summary>How one peer's sync is going: for the status endpoint, health checks and verification. Thread-safe.</summary>
public sealed class PeerState(PeerOptions options, HttpClient http)
{
    private readonly ConcurrentDictionary<string, CachedStatusList> _statusLists = new(StringComparer.Ordinal);

    public PeerOptions Options { get; } = options;

    /// <summary>This peer's HTTP client (<see cref="PeerHttp"/>: its pinned TLS CA, this node's client certificate).</summary>
    public HttpClient Http { get; } = http;

    /// <summary>Whether verifications may call the peer live; probes no more often than a sync interval (at least 1 s).</summary>
    public PeerBreaker Breaker { get; } = new(options.Province, TimeSpan.FromSeconds(Math.Max(1, options.SyncIntervalSeconds)));

    public DateTimeOffset? LastAttempt { get; set; }

    public DateTimeOffset? LastSuccess { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? LastErrorAt { get; set; }

    public int ConsecutiveFailures { get; set; }

    /// <summary>End of the start-up grace (<see cref="PeerOptions.StartupGraceSeconds"/>), set when syncing starts.</summary>
    public DateTimeOffset GraceUntil { get; set; }

    /// <summary>Whether the peer has not answered since this node started and the start-up grace still runs.</summary>
    public bool IsStarting(DateTimeOffset now) => LastSuccess is null && now < GraceUntil;

    /// <summary>
    /// The pause before the next pass. A good pass waits one interval. A failed one waits double, up to four
    /// intervals, so a peer that is down is not hammered; but while the peer is starting (it has not answered
    /// since this node started), the next try is one second away (at most an interval): nodes started
    /// together try each other before both listen, and the peer is then picked up as soon as it does.
    /// </summary>
    public TimeSpan PauseAfter(bool failed, DateTimeOffset now)
    {
        var interval = Options.SyncInterval;
        if (!failed)
        {
            return interval;
        }

        return IsStarting(now)
            ? TimeSpan.FromTicks(Math.Min(interval.Ticks, TimeSpan.TicksPerSecond))
            : interval * Math.Clamp(Math.Pow(2, ConsecutiveFailures), 1, 4);
    }

    /// <summary>Why the last pass could not store what it accepted (this node's database); null when all was stored.</summary>
    public string? PersistenceError { get; set; }

    /// <summary>Revocation propagation: from a change committed at the peer to this node applying it.</summary>
    public TimeSpan? LastPropagationDelay { get; set; }

    public IReadOnlyDictionary<string, CachedStatusList> StatusLists => _statusLists;

    public CachedStatusList? StatusList(string uri) => _statusLists.GetValueOrDefault(uri);

    public void SetStatusList(CachedStatusList list) => _statusLists[list.List.Uri] = list;

    /// <summary>Most final statuses remembered from live answers (a few hundred bytes each); past it, new ones are not remembered.</summary>
    public const int MaxRememberedFinal = 100_000;

    private readonly ConcurrentDictionary<string, (LicenceStatus Status, DateTimeOffset At)> _final = new(StringComparer.Ordinal);

    /// <summary>
    /// A final status the peer's live API gave (revoked, cancelled, superseded: it cannot change back),
    /// so a later verification still answers it when the peer's data has gone stale.
    /// </summary>
    public void RememberFinal(string identifier, LicenceStatus status, DateTimeOffset at)
    {
        if (status.IsFinal() && (_final.Count < MaxRememberedFinal || _final.ContainsKey(identifier)))
        {
            _final[identifier] = (status, at);
        }
    }

    public (LicenceStatus Status, DateTimeOffset At)? KnownFinal(string identifier) =>
        _final.TryGetValue(identifier, out var known) ? known : null;
}
