using System.Collections.Concurrent;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Federation;

namespace LicenceTrust.Sharing;

/// <summary>
/// The home node's rates for evidence requests (docs/federation.md §9.3): per peer, checked before any signature, and
/// per officer of a peer, in <see cref="TokenBuckets{TKey}"/>: an officer's idle bucket is dropped, so a peer naming
/// a new officer in every request cannot grow this node's memory. A flood is audited once a minute per
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

    private readonly TokenBuckets<Province> _peers = new(PeerRequestsPerSecond, TimeSpan.FromSeconds(1), 2 * PeerRequestsPerSecond);

    private readonly TokenBuckets<(Province, string)> _officers = new(OfficerRequestsPerMinute, TimeSpan.FromMinutes(1), 10);

    private readonly ConcurrentDictionary<Province, DateTimeOffset> _floodAudited = new();

    /// <summary>Takes one request of the peer from its bucket; false when the bucket is empty.</summary>
    public bool AdmitPeer(Province peer) => _peers.TryTake(peer);

    /// <summary>Takes one request of the officer from theirs.</summary>
    public bool AdmitOfficer(Province peer, string officer) => _officers.TryTake((peer, officer));

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
}
