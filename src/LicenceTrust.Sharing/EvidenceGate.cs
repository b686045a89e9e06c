using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using LicenceTrust.Core.Identifiers;

namespace LicenceTrust.Sharing;

/// <summary>
/// The home node's rates for evidence requests (docs/federation.md §9.3): per peer, checked before any signature, and
/// per officer of a peer. Partitioned limiters: one replenishing timer for all, and an officer's idle bucket is dropped,
/// so a peer naming a new officer in every request cannot grow this node's memory. A flood is audited once a minute per
/// peer, not once a request: the audit must not become the flood's target. Thread-safe.
/// </summary>
public sealed class EvidenceGate
{
    /// <summary>Requests a peer may send a second on average (bursts of twice that).</summary>
    public const int PeerRequestsPerSecond = 50;

    /// <summary>Requests one officer of a peer may send a minute (bursts of 10): a person at a counter, not a harvest.</summary>
    public const int OfficerRequestsPerMinute = 30;

    /// <summary>The longest a flood goes unaudited.</summary>
    public static readonly TimeSpan FloodAuditInterval = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<Province> _peers = PartitionedRateLimiter.Create<Province, Province>(peer =>
        RateLimitPartition.GetTokenBucketLimiter(peer, _ => Bucket(PeerRequestsPerSecond, TimeSpan.FromSeconds(1), 2 * PeerRequestsPerSecond)));

    private readonly PartitionedRateLimiter<(Province, string)> _officers = PartitionedRateLimiter.Create<(Province, string), (Province, string)>(officer =>
        RateLimitPartition.GetTokenBucketLimiter(officer, _ => Bucket(OfficerRequestsPerMinute, TimeSpan.FromMinutes(1), 10)));

    private readonly ConcurrentDictionary<Province, DateTimeOffset> _floodAudited = new();

    /// <summary>Takes one request of the peer from its bucket; false when the bucket is empty.</summary>
    public bool AdmitPeer(Province peer) => Take(_peers, peer);

    /// <summary>Takes one request of the officer from theirs.</summary>
    public bool AdmitOfficer(Province peer, string officer) => Take(_officers, (peer, officer));

    /// <summary>Whether a refusal for the peer's rate at <paramref name="now"/> is the first of its minute, and so audited.</summary>
    public bool AuditFlood(Province peer, DateTimeOffset now)
    {
        var audited = false;
        _floodAudited.AddOrUpdate(peer, _ => { audited = true; return now; }, (_, last) =>
        {
            audited = now - last >= FloodAuditInterval;
            return audited ? now : last;
        });
        return audited;
    }

    private static bool Take<T>(PartitionedRateLimiter<T> limiter, T key)
    {
        using var lease = limiter.AttemptAcquire(key);
        return lease.IsAcquired;
    }

    private static TokenBucketRateLimiterOptions Bucket(int perPeriod, TimeSpan period, int burst) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = perPeriod,
        ReplenishmentPeriod = period,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
