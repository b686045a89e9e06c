using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Core.Status;
using LicenceTrust.Core.Trust;
using Microsoft.Extensions.Logging;

namespace LicenceTrust.Federation;

/// <summary>One of this node's status lists as a peer holds it, with a higher change counter than this database has (or one this database lacks).</summary>
/// <param name="List">The list's number.</param>
/// <param name="Peer">The peer whose copy it is (the newest copy among the peers).</param>
/// <param name="Copy">The list, signed by this province's list signer.</param>
/// <param name="PeerVersion">This node's change counter of the list when the peer fetched it.</param>
/// <param name="OwnVersion">The counter in this database; null when the database has no such list.</param>
public sealed record NewerStatusList(int List, string Peer, StatusList Copy, long PeerVersion, long? OwnVersion);

/// <summary>
/// What the peers hold of this province, set against this node's database (<see cref="RestoreGuard"/>). A
/// database that is behind what it once published was restored from a backup (or is the wrong one).
/// </summary>
/// <param name="PeersAnswered">The peers whose holdings were read.</param>
/// <param name="PeersUnanswered">The peers that could not be asked (down, or refusing): the finding rests on the others.</param>
/// <param name="OwnTrustListSequence">The newest trust list this database published.</param>
/// <param name="NewerTrustList">The peer holding the newest trust list of this province above that, and its sequence; null when none does.</param>
/// <param name="NewerStatusLists">This node's status lists that a peer holds newer than the database does.</param>
/// <param name="MissingWithdrawals">This province's withdrawals that a peer holds and the database does not.</param>
/// <param name="Refused">Held documents that did not verify under this province's root (ignored).</param>
public sealed record RestoreFinding(
    IReadOnlyList<string> PeersAnswered,
    IReadOnlyList<string> PeersUnanswered,
    long OwnTrustListSequence,
    (string Peer, long Sequence)? NewerTrustList,
    IReadOnlyList<NewerStatusList> NewerStatusLists,
    IReadOnlyList<Withdrawal> MissingWithdrawals,
    IReadOnlyList<string> Refused)
{
    /// <summary>Whether the database is behind what this node once published.</summary>
    public bool Restored => NewerTrustList is not null || NewerStatusLists.Count > 0 || MissingWithdrawals.Count > 0;

    /// <summary>
    /// Issues and status changes made after the backup, as far as the peers saw them: the sum of the lists'
    /// change counters above the database's (every issue and every status change moves its list's counter by one).
    /// </summary>
    public long ChangesSinceBackup => NewerStatusLists.Sum(l => l.PeerVersion - (l.OwnVersion ?? 0));

    /// <summary>What was found, in one line for the log, the refusal and readiness.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (NewerTrustList is { } trust)
        {
            parts.Add($"{trust.Peer} holds trust list #{trust.Sequence} of this province, and the newest this database published is #{OwnTrustListSequence}");
        }

        parts.AddRange(NewerStatusLists.Select(l => l.OwnVersion is { } own
            ? $"{l.Peer} holds status list {l.List} at change {l.PeerVersion}, this database has it at change {own}"
            : $"{l.Peer} holds status list {l.List} at change {l.PeerVersion}, which this database does not have"));
        if (MissingWithdrawals.Count > 0)
        {
            parts.Add($"the peers hold {MissingWithdrawals.Count} withdrawal(s) of this province's issuers that this database lacks");
        }

        return parts.Count == 0 ? "the database is not behind its peers" : string.Join("; ", parts);
    }
}

/// <summary>What the start-up check found and did, for readiness (<c>/health/ready</c>, <c>restore</c>). Thread-safe: set once at start.</summary>
/// <param name="Checked">Whether at least one peer answered, so the database was compared with the province's published state.</param>
/// <param name="Restored">Whether the database was found behind (a restored backup).</param>
/// <param name="Found">What was found (<see cref="RestoreFinding.Describe"/>).</param>
/// <param name="Done">What the node did about it; empty when nothing was needed.</param>
/// <param name="PeersUnanswered">Peers that could not be asked.</param>
public sealed record RestoreCheck(bool Checked, bool Restored, string Found, string Done, IReadOnlyList<string> PeersUnanswered)
{
    /// <summary>Before the check has run (a node with no peers stays so: nothing to compare with).</summary>
    public static RestoreCheck NotRun { get; } = new(false, false, "no peer is configured: nothing to compare the database with", string.Empty, []);
}

/// <summary>
/// At start, a node reads what each peer holds of its province (<see cref="PeerHoldings"/>): the trust list,
/// the status lists and the withdrawal notices it published, each signed under this province's root. A
/// peer holding something newer than this node's database means the database is older than the province's
/// published state: it was restored from a backup, and licences, status changes and withdrawals made after
/// the backup are not in it. The node then refuses to start, unless the operator accepts the restore
/// (<c>Node:AcceptRestoredDatabase</c>); accepted, it takes back the withdrawals, moves its trust-list
/// sequence past the peers' view (so they take its next list instead of refusing it as a rollback), and
/// hands the newer status lists to <c>onAccepted</c> (Issuance re-applies the status changes and never uses
/// a slot or serial of after the backup again). docs/operations.md, "Backup and restore".
/// </summary>
public sealed class RestoreGuard(FederationPeers peers, FederatedTrust trust, IFederationStore store, TimeProvider time, ILogger<RestoreGuard> logger)
{
    /// <summary>The largest holdings document read from a peer.</summary>
    public const long MaxHoldingsBytes = 64L * 1024 * 1024;

    private volatile RestoreCheck _last = RestoreCheck.NotRun;

    /// <summary>What the last check found and did.</summary>
    public RestoreCheck Last => _last;

    /// <summary>Compares the database with the peers' holdings of this province; when it is behind, refuses or (accepted) recovers.</summary>
    /// <param name="ownStatusLists">This database's status lists and their change counters, by list number.</param>
    /// <param name="accept">The operator accepts a database older than the peers' view.</param>
    /// <param name="onAccepted">What the rest of the node does about an accepted restore (Issuance: the status changes, slots and serials); returns a line saying what it did.</param>
    /// <exception cref="InvalidDataException">The database is behind the peers' view and <paramref name="accept"/> is false.</exception>
    public async Task<RestoreCheck> CheckAsync(IReadOnlyDictionary<int, long> ownStatusLists, bool accept, Func<RestoreFinding, CancellationToken, Task<string>> onAccepted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownStatusLists);
        ArgumentNullException.ThrowIfNull(onAccepted);
        if (peers.States.Count == 0)
        {
            return _last = RestoreCheck.NotRun;
        }

        var finding = await FindAsync(ownStatusLists, cancellationToken);
        foreach (var refused in finding.Refused)
        {
            logger.LogWarning("Restore check: a peer's copy of this province's data was not used: {Refused}", refused);
        }

        if (finding.PeersAnswered.Count == 0)
        {
            logger.LogWarning("Restore check not done: no peer answered ({Peers}); the database could not be compared with what this province published", string.Join(", ", finding.PeersUnanswered));
            return _last = new RestoreCheck(false, false, "no peer answered: the database could not be compared with what this province published", string.Empty, finding.PeersUnanswered);
        }

        if (!finding.Restored)
        {
            return _last = new RestoreCheck(true, false, finding.Describe(), string.Empty, finding.PeersUnanswered);
        }

        if (!accept)
        {
            throw new InvalidDataException(
                $"this database is older than what the peers have seen: {finding.Describe()}. " +
                "It was restored from a backup (or is the wrong database): licences, status changes and withdrawals made after the backup are not in it. " +
                $"If that is so, set Node:AcceptRestoredDatabase=true to start: the node takes back from the peers' copies the {finding.ChangesSinceBackup} change(s) they saw " +
                "and never reuses an identifier or status slot (docs/operations.md, \"Backup and restore\").");
        }

        var done = new List<string>();
        foreach (var withdrawal in finding.MissingWithdrawals)
        {
            await store.AddWithdrawalAsync(withdrawal, cancellationToken);
        }

        if (finding.MissingWithdrawals.Count > 0)
        {
            done.Add($"{finding.MissingWithdrawals.Count} withdrawal(s) taken back");
        }

        if (finding.NewerTrustList is { } newer)
        {
            // A placeholder version at the peers' sequence: the next list published is #seen+1, which they take.
            await store.AddTrustListVersionAsync(newer.Sequence, "restored-from-backup", time.GetUtcNow(), cancellationToken);
            done.Add($"the next trust list is #{newer.Sequence + 1}");
        }

        done.Add(await onAccepted(finding, cancellationToken));
        var check = new RestoreCheck(true, true, finding.Describe(), string.Join("; ", done), finding.PeersUnanswered);
        logger.LogWarning("Restored database accepted. Found: {Found}. Done: {Done}", check.Found, check.Done);
        return _last = check;
    }

    private async Task<RestoreFinding> FindAsync(IReadOnlyDictionary<int, long> ownStatusLists, CancellationToken cancellationToken)
    {
        var own = trust.Own.NodeId;
        var root = trust.OwnRoot;
        var answers = await Task.WhenAll(peers.States.Values.Select(state => HoldingsAsync(state, own, cancellationToken)));
        var ownSequence = (await store.LastTrustListVersionAsync(cancellationToken))?.Sequence ?? 0;
        var known = (await store.WithdrawalsAsync(cancellationToken)).ToList();

        var answered = new List<string>();
        var unanswered = new List<string>();
        var refused = new List<string>();
        (string Peer, long Sequence)? newerTrustList = null;
        var newest = new Dictionary<int, NewerStatusList>();
        var missing = new Dictionary<string, Withdrawal>(StringComparer.Ordinal);
        foreach (var (peer, holdings) in answers)
        {
            if (holdings is null)
            {
                unanswered.Add(peer);
                continue;
            }

            answered.Add(peer);
            if (holdings.TrustList is null)
            {
                continue;
            }

            if (TrustListToken.TryRead(holdings.TrustList, root, out var error) is not { } list || list.Province != trust.Own)
            {
                refused.Add($"{peer}'s copy of the trust list: {error}");
                continue;
            }

            if (list.Sequence > ownSequence && list.Sequence > (newerTrustList?.Sequence ?? 0))
            {
                newerTrustList = (peer, list.Sequence);
            }

            foreach (var held in holdings.StatusLists)
            {
                if (PeerProtocol.StatusListNumber(held.Uri) is not { } number || list.Signer is not { } signer
                    || StatusListToken.TryRead(held.Token, signer.Key, out var statusError) is not { } statusList || statusList.Uri != held.Uri)
                {
                    refused.Add($"{peer}'s copy of status list {held.Uri}: not signed by this province's list signer, or not that list");
                    continue;
                }

                var ownVersion = ownStatusLists.TryGetValue(number, out var version) ? version : (long?)null;
                if ((ownVersion is null || held.Version > ownVersion) && (!newest.TryGetValue(number, out var best) || held.Version > best.PeerVersion))
                {
                    newest[number] = new NewerStatusList(number, peer, statusList, held.Version, ownVersion);
                }
            }

            foreach (var document in holdings.Notices)
            {
                if (WithdrawalNotice.TryRead(document, root, out _) is not { } notice || notice.Province != trust.Own)
                {
                    refused.Add($"{peer}'s copy of a withdrawal notice: not signed under this province's root");
                }
                else if (!known.Any(w => w.NoticeId == notice.Id || w.Fingerprint == notice.Fingerprint) && !missing.ContainsKey(notice.Id))
                {
                    missing[notice.Id] = new Withdrawal(notice.Fingerprint, own, notice.Reason, notice.IssuedAt, notice.Id, notice.Sequence, document);
                }
            }
        }

        return new RestoreFinding(answered, unanswered, ownSequence, newerTrustList, [.. newest.Values.OrderBy(l => l.List)], [.. missing.Values.OrderBy(w => w.NoticeSequence)], refused);
    }

    /// <summary>What one peer holds of this province; null when it cannot be asked (then the check rests on the others).</summary>
    private async Task<(string Peer, PeerHoldings? Holdings)> HoldingsAsync(PeerState state, string ownNodeId, CancellationToken cancellationToken)
    {
        var peer = state.Options;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // Once, at start: a peer slow under load still gets its say, since without it the check rests on fewer copies.
            timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(peer.TimeoutSeconds, 30)));
            using var response = await state.Http.GetAsync(new Uri(new Uri(peer.BaseUrl.TrimEnd('/') + "/"), PeerProtocol.HoldingsPath(ownNodeId).TrimStart('/')), timeout.Token);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > MaxHoldingsBytes)
            {
                logger.LogWarning("Could not read what {Peer} holds of this province: it answered {Status}; the start-up check rests on the other peers", peer.Province, (int)response.StatusCode);
                return (peer.Province, null);
            }

            return (peer.Province, await response.Content.ReadFromJsonAsync<PeerHoldings>(JsonSerializerOptions.Web, timeout.Token));
        }
        // The node stopping while it starts is not a peer's silence: that cancellation goes on up.
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException or NotSupportedException
            && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Could not read what {Peer} holds of this province ({Error}); the start-up check rests on the other peers", peer.Province, PeerHttp.Describe(e));
            return (peer.Province, null);
        }
    }
}
