using System.Diagnostics.Metrics;

namespace LicenceTrust.Federation;

/// <summary>Whether verifications may call a peer live.</summary>
public enum BreakerState
{
    /// <summary>The peer answers: live calls are made when its data is stale.</summary>
    Closed,

    /// <summary>A live call timed out or failed: verifications answer from the last good data without calling.</summary>
    Open,

    /// <summary>Open, with the one background probe that may close it in flight.</summary>
    HalfOpen,
}

/// <summary>
/// The circuit breaker of one peer's live calls (docs/federation.md §4). A hung peer (process stopped,
/// socket open) would otherwise make every verification of its licences wait out the timeout again.
/// After a live call times out or fails, the breaker opens: verifications answer at once from the last
/// good data (CHECK / STATUS_STALE, PEER_UNREACHABLE, or a final status), and at most one background
/// probe at a time, no more often than <see cref="RetryAfter"/>, asks the peer whether it is back. A good
/// probe, a good live answer or a good sync pass closes it. Thread-safe.
/// </summary>
public sealed class PeerBreaker(string peer, TimeSpan retryAfter)
{
    private static readonly Meter Meter = new(PeerSync.MeterName);
    private static readonly Counter<long> Openings = Meter.CreateCounter<long>(
        "licencetrust.federation.breaker.openings", description: "Times a peer's live-call breaker opened (the peer stopped answering).");

    private readonly object _gate = new();
    private BreakerState _state = BreakerState.Closed;
    private DateTimeOffset? _openedAt;
    private DateTimeOffset _nextProbe;

    /// <summary>The least time between two probes of a down peer.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;

    public BreakerState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>When it last opened; null while closed.</summary>
    public DateTimeOffset? OpenedAt
    {
        get
        {
            lock (_gate)
            {
                return _openedAt;
            }
        }
    }

    public bool AllowsCalls => State == BreakerState.Closed;

    /// <summary>A live call or a probe timed out or failed at <paramref name="now"/>: open (again), next probe after <see cref="RetryAfter"/>.</summary>
    public void Failed(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_state == BreakerState.Closed)
            {
                _openedAt = now;
                Openings.Add(1, new KeyValuePair<string, object?>("peer", peer));
            }

            _state = BreakerState.Open;
            _nextProbe = now + RetryAfter;
        }
    }

    /// <summary>The peer answered (a live call, a probe, a sync pass): close.</summary>
    public void Succeeded()
    {
        lock (_gate)
        {
            _state = BreakerState.Closed;
            _openedAt = null;
        }
    }

    /// <summary>True for exactly one caller once a probe is due: the breaker is then half-open until that probe ends.</summary>
    public bool TryStartProbe(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_state != BreakerState.Open || now < _nextProbe)
            {
                return false;
            }

            _state = BreakerState.HalfOpen;
            return true;
        }
    }
}
