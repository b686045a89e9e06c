using LicenceTrust.Core.Results;
using LicenceTrust.Core.Trust;

namespace LicenceTrust.Federation;

/// <summary>A change notice taken: the peer's sync runs a pass now.</summary>
public sealed record ChangeTaken(string Province, long Sequence, string Detail);

/// <summary>
/// Takes the peers' change notices (docs/federation.md §3). A notice is taken only from a peer in force, within its
/// rate, signed under its pinned root by a list signer, recent, later than the last one taken from it (a replay is
/// refused) and naming nothing older than what this node holds (a rollback is refused). Taking it changes nothing
/// by itself: it asks the peer's sync for a pass now, and the pass checks every document it fetches as a pull does.
/// So a forged or replayed notice can at most cost a pass, and a flood is cut at the rate before any signature is
/// checked. Thread-safe.
/// </summary>
public sealed class ChangeInbox(FederationPeers peers, FederatedTrust trust, TimeProvider time)
{
    /// <summary>How far a notice's time may be from this node's clock.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    /// <summary>Notices a peer may send a second, on average; a burst of twice that is taken.</summary>
    public const int NoticesPerSecond = 20;

    // By province, not by peer state: reloading the peers makes new states, and the rate must neither reset nor leak.
    private readonly TokenBuckets<Core.Identifiers.Province> _rates = new(NoticesPerSecond, TimeSpan.FromSeconds(1), 2 * NoticesPerSecond);
    private readonly object _order = new();

    /// <exception cref="LicenceTrustException">The notice is refused; the code says why (docs/api.md).</exception>
    public ChangeTaken Receive(byte[] document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (ChangeNotice.ClaimedProvince(document) is not { } province)
        {
            throw Refused("the document is not a change notice naming a province");
        }

        if (!peers.Current.States.TryGetValue(province, out var state))
        {
            throw LicenceTrustException.Forbidden("NOTICE_NOT_FROM_PEER", $"本节点未与{province.NameZh}互认，不接受其通知 (this node does not federate with {province.NodeId}).");
        }

        if (!_rates.TryTake(province))
        {
            throw new LicenceTrustException(new(ErrorKind.TooManyRequests, "NOTICE_RATE_LIMITED",
                $"{province.NodeId}的通知过于频繁 (more than {NoticesPerSecond} notices a second from {province.NodeId}; the next pull brings the change all the same)."));
        }

        if (trust.Peer(province) is not { } held)
        {
            // Nothing of the peer is held yet, so its root is not confirmed: a pass fetches and checks everything against the pin.
            state.Nudge();
            return new ChangeTaken(province.NodeId, 0, "no trust list of the peer is held yet: a pass fetches it now");
        }

        if (ChangeNotice.TryRead(document, held.Root, out var error) is not { } notice)
        {
            throw Refused(error);
        }

        var now = time.GetUtcNow();
        if ((now - notice.IssuedAt).Duration() > Window)
        {
            throw LicenceTrustException.Validation("NOTICE_EXPIRED", $"通知时间超出允许范围 (the notice was issued at {notice.IssuedAt:O}, more than {Window.TotalMinutes} minutes from now).");
        }

        lock (_order)
        {
            if (notice.Sequence <= state.LastNoticeSequence)
            {
                throw LicenceTrustException.Conflict("NOTICE_REPLAYED", $"通知已处理过或更旧 (notice {notice.Sequence} of {province.NodeId}; the last taken is {state.LastNoticeSequence}).");
            }

            if (Rollback(notice, held, state) is { } rollback)
            {
                throw LicenceTrustException.Conflict("NOTICE_ROLLBACK", $"通知会使数据倒退，不予接受 (notice {notice.Sequence} of {province.NodeId}: {rollback}).");
            }

            state.LastNoticeSequence = notice.Sequence;
            state.LastNoticeAt = now;
        }

        state.Nudge();
        return new ChangeTaken(province.NodeId, notice.Sequence, "taken: a pass fetches what changed now");
    }

    /// <summary>What of the notice is older than what is held: the trust list, a list's counter, or a list it does not name.</summary>
    private static string? Rollback(ChangeNotice notice, PeerTrust held, PeerState state)
    {
        if (notice.TrustListSequence < held.List.Sequence)
        {
            return $"trust list {notice.TrustListSequence} is older than the {held.List.Sequence} held";
        }

        foreach (var cached in state.StatusLists.Values)
        {
            var uri = cached.List.Uri;
            if (PeerProtocol.StatusListNumber(uri) is not { } id)
            {
                continue;
            }

            var named = notice.Lists.FirstOrDefault(l => l.Id == id);
            if (named is null || named.Version < cached.Version)
            {
                return named is null ? $"it names no status list {id}, which is held" : $"status list {id} at {named.Version} is older than the {cached.Version} held";
            }
        }

        return null;
    }

    private static LicenceTrustException Refused(string why) =>
        LicenceTrustException.Validation("NOTICE_SIGNATURE_INVALID", $"通知为空、过大或签名无效 (the notice is not signed under the pinned root of a peer: {why}).");
}
