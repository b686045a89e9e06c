using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Trust;

namespace LicenceTrust.Federation;

/// <summary>The peers in force at one moment: each one's agreement, state and sync. Immutable; <see cref="FederationPeers"/> swaps it whole.</summary>
public sealed record PeerSet(IReadOnlyDictionary<Province, Recognition> Recognitions, IReadOnlyDictionary<Province, PeerState> States, IReadOnlyList<PeerSync> Syncs)
{
    public static PeerSet Empty { get; } = new(new Dictionary<Province, Recognition>(), new Dictionary<Province, PeerState>(), []);
}

/// <summary>
/// This node's peers: each one's options, its checked recognition agreement, its sync and its state, as
/// one <see cref="PeerSet"/> that readers take whole (<see cref="Current"/>). Built at start-up, where a bad
/// peer setting or agreement stops the node with a clear message, and built again when the settings are
/// reloaded (<see cref="Reconfigure"/>): peers added, removed or re-pinned without a restart; a peer whose
/// settings did not change keeps its state and its running sync; a bad new set is refused whole and the
/// set in force stays. <paramref name="agreementPath"/> says where the recognition agreement with a peer is
/// (a file signed under this province's root, <paramref name="ownRoot"/>). Thread-safe.
/// </summary>
public sealed class FederationPeers(Province own, TrustAnchor ownRoot, Func<PeerOptions, string> agreementPath,
    FederatedTrust trust, IFederationStore store, Func<PeerOptions, Action<string>, HttpClient> httpFor, TimeProvider time)
{
    private readonly object _gate = new();
    private volatile PeerSet _current = PeerSet.Empty;

    /// <summary>Builds the first set.</summary>
    /// <exception cref="InvalidDataException">A peer setting or agreement is wrong; the message names it.</exception>
    public FederationPeers(IReadOnlyList<PeerOptions> peers, Province own, TrustAnchor ownRoot, Func<PeerOptions, string> agreementPath,
        FederatedTrust trust, IFederationStore store, Func<PeerOptions, Action<string>, HttpClient> httpFor, TimeProvider time)
        : this(own, ownRoot, agreementPath, trust, store, httpFor, time) =>
        Reconfigure(peers);

    /// <summary>The peers in force now.</summary>
    public PeerSet Current => _current;

    public IReadOnlyDictionary<Province, Recognition> Recognitions => _current.Recognitions;

    public IReadOnlyDictionary<Province, PeerState> States => _current.States;

    public IReadOnlyList<PeerSync> Syncs => _current.Syncs;

    /// <summary>Withdrawal notices not yet delivered, per peer; the sync loop retries them.</summary>
    public ConcurrentDictionary<(Province Peer, string NoticeId), byte[]> Undelivered { get; } = new();

    /// <summary>Raised after the set in force changed (the sync service starts and stops loops on it).</summary>
    public event Action? Changed;

    /// <summary>
    /// Puts a new list of peers in force. Peers whose settings are unchanged keep their state and sync; a peer
    /// whose pin changed starts from nothing (its trust is dropped until the newly pinned root answers); a
    /// removed peer's trust is dropped at once. Returns what changed, in one line; empty when nothing did.
    /// </summary>
    /// <exception cref="InvalidDataException">A peer setting or agreement of the new list is wrong: nothing changes.</exception>
    public string Reconfigure(IReadOnlyList<PeerOptions> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        lock (_gate)
        {
            var previous = _current;
            var recognitions = new Dictionary<Province, Recognition>();
            var states = new Dictionary<Province, PeerState>();
            var syncs = new List<PeerSync>();
            var changes = new List<string>();
            foreach (var options in peers)
            {
                var (peer, agreement) = Check(options, states);
                recognitions[peer] = new Recognition(options, agreement);
                if (previous.States.TryGetValue(peer, out var kept) && Same(kept.Options, options))
                {
                    states[peer] = kept;
                    syncs.Add(previous.Syncs.First(s => s.State == kept));
                    continue;
                }

                PeerState? created = null;
                var state = created = new PeerState(options, httpFor(options, reason => created?.TlsRefused(reason, time.GetUtcNow())));
                states[peer] = state;
                syncs.Add(new PeerSync(state, trust, store, time));
                if (previous.States.TryGetValue(peer, out var before))
                {
                    var repinned = !string.Equals(before.Options.RootFingerprint, options.RootFingerprint, StringComparison.OrdinalIgnoreCase);
                    if (repinned)
                    {
                        trust.RemovePeer(peer);
                    }

                    changes.Add(repinned ? $"{peer.NodeId} re-pinned" : $"{peer.NodeId} changed");
                }
                else
                {
                    changes.Add($"{peer.NodeId} added");
                }
            }

            foreach (var gone in previous.States.Keys.Where(p => !states.ContainsKey(p)))
            {
                trust.RemovePeer(gone);
                changes.Add($"{gone.NodeId} removed");
            }

            // Always in force: an agreement file re-signed for an unchanged peer is read again too.
            _current = new PeerSet(recognitions, states, syncs);
            if (changes.Count > 0)
            {
                Changed?.Invoke();
            }

            return string.Join(", ", changes);
        }
    }

    private (Province Peer, RecognitionAgreement Agreement) Check(PeerOptions options, Dictionary<Province, PeerState> soFar)
    {
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
        {
            throw new InvalidDataException($"Node:Peers ({options.Province}): {string.Join("; ", problems.Select(p => p.ErrorMessage))}");
        }

        var peer = Province.FromNodeId(options.Province);
        if (peer == own || soFar.ContainsKey(peer))
        {
            throw new InvalidDataException($"Node:Peers: {options.Province} is this node's own province or listed twice.");
        }

        var path = agreementPath(options);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: the recognition agreement for {options.Province} is missing (licencetrust keys agreement writes one).");
        }

        var agreement = RecognitionAgreement.TryRead(File.ReadAllBytes(path), ownRoot, out var error);
        if (agreement is null || agreement.Peer != peer)
        {
            throw new InvalidDataException($"{path}: not a recognition agreement of {own.NodeId} for {options.Province} signed under this province's root ({error}).");
        }

        return (peer, agreement);
    }

    /// <summary>Whether two settings of a peer are the same in every value (a changed URL, pin, CA, agreement or interval is a new peer state).</summary>
    private static bool Same(PeerOptions a, PeerOptions b) => JsonSerializer.Serialize(a) == JsonSerializer.Serialize(b);
}
