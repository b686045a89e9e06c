using System.Collections.Frozen;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Trust;

namespace LicenceTrust.Federation;

/// <summary>A peer's trust as last accepted: its pinned root and its signed trust list (<paramref name="Token"/>: the signed bytes, for export).</summary>
public sealed record PeerTrust(TrustAnchor Root, TrustList List, DateTimeOffset FetchedAt, byte[]? Token = null);

/// <summary>
/// What this node trusts right now: its own root and issuers, each peer's root (pinned) and the issuers
/// of the peer's last good trust list, minus every withdrawn certificate. Changes build a new
/// immutable snapshot and swap it in, so look-ups never lock. Thread-safe.
/// </summary>
public sealed class FederatedTrust : IIssuerDirectory
{
    private readonly object _gate = new();
    private readonly TrustAnchor _ownRoot;
    private readonly IReadOnlyList<IssuerCertificate> _ownIssuers;
    private readonly Dictionary<Province, PeerTrust> _peers = [];

    // Peer certificates that left the peer's trust list: no longer trusted, but still recognised by kid so
    // the answer can say "withdrawn" rather than "unknown" (a de-trust notice and the next list can race).
    private readonly Dictionary<string, IssuerCertificate> _retired = new(StringComparer.Ordinal);
    private FrozenSet<string> _withdrawn = FrozenSet<string>.Empty;
    private volatile Snapshot _snapshot;

    public FederatedTrust(TrustAnchor ownRoot, IReadOnlyList<IssuerCertificate> ownIssuers)
    {
        _ownRoot = ownRoot;
        _ownIssuers = ownIssuers;
        _snapshot = Build();
    }

    public Province Own => _ownRoot.Province;

    public TrustAnchor OwnRoot => _ownRoot;

    /// <summary>This province's issuer certificates still trusted (what its trust list publishes).</summary>
    public IReadOnlyList<IssuerCertificate> OwnIssuers => _snapshot.OwnIssuers;

    public IReadOnlyList<TrustedIssuer> FindByKid(KeyId kid) => _snapshot.Store.FindByKid(kid);

    /// <summary>Whether a certificate with this kid was withdrawn (so UNKNOWN_ISSUER can say why).</summary>
    public bool IsWithdrawn(KeyId kid) => _snapshot.WithdrawnKids.Contains(kid);

    public PeerTrust? Peer(Province province) => _snapshot.Peers.GetValueOrDefault(province);

    public bool IsWithdrawn(string fingerprint) => _withdrawn.Contains(fingerprint);

    public void SetWithdrawn(IEnumerable<string> fingerprints)
    {
        lock (_gate)
        {
            _withdrawn = fingerprints.Select(f => f.ToLowerInvariant()).ToFrozenSet(StringComparer.Ordinal);
            _snapshot = Build();
        }
    }

    public void SetPeer(PeerTrust peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        lock (_gate)
        {
            if (_peers.TryGetValue(peer.Root.Province, out var previous))
            {
                var kept = peer.List.Issuers.Select(i => i.Fingerprint).ToHashSet(StringComparer.Ordinal);
                foreach (var gone in previous.List.Issuers.Where(i => !kept.Contains(i.Fingerprint)))
                {
                    _retired[gone.Fingerprint] = gone;
                }
            }

            _peers[peer.Root.Province] = peer;
            _snapshot = Build();
        }
    }

    /// <summary>Forgets a peer's trust (a peer removed from the settings, or pinned to another root): its licences are no longer recognised.</summary>
    public void RemovePeer(Province province)
    {
        lock (_gate)
        {
            if (_peers.Remove(province))
            {
                _snapshot = Build();
            }
        }
    }

    /// <summary>The peer confirmed its list unchanged: only freshness moves.</summary>
    public void TouchPeer(Province province, DateTimeOffset fetchedAt)
    {
        lock (_gate)
        {
            if (_peers.TryGetValue(province, out var peer))
            {
                _peers[province] = peer with { FetchedAt = fetchedAt };
                _snapshot = Build();
            }
        }
    }

    private Snapshot Build()
    {
        var peers = _peers.ToFrozenDictionary();
        var offered = _ownIssuers.Concat(peers.Values.SelectMany(p => p.List.Issuers)).ToList();
        var trusted = offered.Where(i => !_withdrawn.Contains(i.Fingerprint)).ToList();
        var store = TrustStore.Create([_ownRoot, .. peers.Values.Select(p => p.Root)], trusted);
        var offeredFingerprints = offered.Select(i => i.Fingerprint).ToHashSet(StringComparer.Ordinal);
        var withdrawnKids = offered.Where(i => _withdrawn.Contains(i.Fingerprint))
            .Concat(_retired.Values.Where(i => !offeredFingerprints.Contains(i.Fingerprint)))
            .Select(i => i.Kid).ToFrozenSet();
        return new Snapshot(store, [.. _ownIssuers.Where(i => !_withdrawn.Contains(i.Fingerprint))], withdrawnKids, peers);
    }

    private sealed record Snapshot(TrustStore Store, IReadOnlyList<IssuerCertificate> OwnIssuers, FrozenSet<KeyId> WithdrawnKids, FrozenDictionary<Province, PeerTrust> Peers);
}
