using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using LicenceTrust.Verification;

namespace LicenceTrust.Federation;

/// <summary>
/// Status of other provinces' licences: from the peer's synced status list while that is fresh, else from
/// a live call to the peer's status API (when allowed), else CHECK: STATUS_STALE past max age,
/// PEER_UNREACHABLE when there never was a list. A final status (revoked, cancelled, superseded) cannot
/// change back, so it is answered from the last good list or live answer however old, with its age
/// (docs/federation.md §4); a suspension can be lifted, so on stale data it stays CHECK. This node's own
/// licences never come here (<see cref="StatusByProvince"/> sends them to the Status capability). Live calls
/// go through the peer's <see cref="PeerBreaker"/>: once one gets no answer, none is made until the peer
/// answers again. A live answer counts only when it is signed by the list signer of the peer's trust list
/// (<see cref="LicenceStatusToken"/>), about this licence, and in force. Thread-safe.
/// </summary>
/// <param name="peers">The peers in force, read at each look-up (peers can be reconfigured while the node runs).</param>
public sealed class FederatedStatusSource(Func<PeerSet> peers, FederatedTrust trust, TimeProvider time) : IStatusSource
{
    /// <summary>A pass this recent holds every list the peer had: a list still not held does not exist yet (or was opened this instant).</summary>
    public static readonly TimeSpan ListConfirmedWithin = TimeSpan.FromMilliseconds(500);

    /// <summary>How far a signed answer's times may be from this node's clock.</summary>
    private static readonly TimeSpan AnswerSkew = TimeSpan.FromSeconds(30);

    public async Task<StatusLookup> LookupAsync(Licence licence, StatusReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(licence);
        ArgumentNullException.ThrowIfNull(reference);

        var node = licence.Province.NodeId;
        if (!peers().States.TryGetValue(licence.Province, out var peer))
        {
            return StatusLookup.Unavailable(ReasonCode.PeerUnreachable, $"{node}:not-federated");
        }

        var now = time.GetUtcNow();
        var source = $"{node}:status-list";
        // One rule, as at home (docs/format.md §13): a licence's status is its identifier's. The province's signed
        // details name every licence of its lists that is not valid, whichever slot a credential points at.
        if (peer.DetailFor(licence.Identifier.Value) is { } detailed
            && (detailed.Detail.Status.IsFinal() || Fresh(peer, detailed.List, now)))
        {
            return StatusLookup.Found(detailed.Detail.Status, source, detailed.List.FetchedAt);
        }

        // An LT2 credential names its list by number; the peer's signed trust list says where that list is.
        var uri = reference.ResolveUri(trust.Peer(licence.Province)?.List.StatusUriTemplate);
        var cached = uri is null ? null : peer.StatusListFor(uri);
        if (uri is not null && cached is null && peer.Breaker.AllowsCalls && peers().Syncs.FirstOrDefault(s => s.State == peer) is { } sync
            && await sync.ConfirmStatusListsAsync(ListConfirmedWithin, cancellationToken))
        {
            // A list the peer opened since the last pass: fetched whole now (the peer learns no licence from it), not asked live.
            cached = peer.StatusListFor(uri);
        }

        var listed = cached is not null && reference.Index < cached.List.Bits.Size
            ? FromValue(SlotValue(cached, licence, (int)reference.Index), source, cached.FetchedAt)
            : null;
        if (listed is not null && (listed.Status?.IsFinal() == true || Fresh(peer, cached!, now)))
        {
            return listed;
        }

        if (peer.Options.LiveStatusFallback && await LiveAsync(peer, licence, cancellationToken) is { } live)
        {
            return live;
        }

        if (peer.KnownFinal(licence.Identifier.Value) is { } known)
        {
            return StatusLookup.Found(known.Status, $"{node}:live", known.At);
        }

        return cached is null
            ? StatusLookup.Unavailable(ReasonCode.PeerUnreachable, $"{node}:status-list")
            : new StatusLookup(null, $"{node}:status-list", cached.FetchedAt, ReasonCode.StatusStale);
    }

    private static bool Fresh(PeerState peer, CachedStatusList list, DateTimeOffset now) =>
        now - list.FetchedAt <= peer.Options.StatusMaxAge && list.List.ExpiresAt > now;

    /// <summary>
    /// The slot's entry, read for this licence: in a list with details, an entry that is not valid belongs to the
    /// licence its detail names; when that is another licence (a credential pointing at a slot not its own), and
    /// no detail names this one, the licence itself is valid.
    /// </summary>
    private static byte SlotValue(CachedStatusList list, Licence licence, int index)
    {
        var value = list.List.Bits.Get(index);
        return value != 0 && list.IdentifierAt(index) is { } owner && owner != licence.Identifier.Value ? (byte)0 : value;
    }

    /// <summary>
    /// When and why the licence last changed: from the province's signed details held here, with no request
    /// (docs/federation.md §4). Only for a peer whose lists carry no details (a node from before them) does
    /// the public status API answer it, within 1.5 s; null when nobody can say in time, the verdict is
    /// unchanged either way.
    /// </summary>
    public async Task<StatusChangeDetail?> LastChangeAsync(Licence licence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(licence);
        if (!peers().States.TryGetValue(licence.Province, out var peer))
        {
            return null;
        }

        if (peer.DetailFor(licence.Identifier.Value) is { } detailed)
        {
            return new StatusChangeDetail(detailed.Detail.Since, detailed.Detail.Reason);
        }

        if (peer.ListsCarryDetails || !Callable(peer))
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Min(peer.Options.TimeoutSeconds, 1.5)));
        try
        {
            using var response = await peer.Http.GetAsync(StatusUri(peer.Options, licence), timeout.Token);
            peer.Breaker.Succeeded();
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var body = await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
            return body.TryGetProperty("since", out var since) && since.ValueKind == JsonValueKind.String && since.TryGetDateTimeOffset(out var at)
                && body.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String
                ? new StatusChangeDetail(at, reason.GetString()!)
                : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or NotSupportedException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            Unanswered(peer, e);
            return null;
        }
    }

    /// <summary>Whether a live call may go to the peer now; while its breaker is open, starts the one background probe when due.</summary>
    private bool Callable(PeerState peer)
    {
        if (peer.Breaker.AllowsCalls)
        {
            return true;
        }

        if (peer.Breaker.TryStartProbe(time.GetUtcNow()))
        {
            _ = Task.Run(() => ProbeAsync(peer));
        }

        return false;
    }

    /// <summary>A call that got no answer (timeout, refused, reset) opens the breaker; a malformed answer is still an answer.</summary>
    private void Unanswered(PeerState peer, Exception e)
    {
        if (e is HttpRequestException or TaskCanceledException)
        {
            peer.Breaker.Failed(time.GetUtcNow());
        }
    }

    /// <summary>Asks the down peer whether it is back (<c>/health/live</c>, within the live timeout); closes or re-opens its breaker.</summary>
    private async Task ProbeAsync(PeerState peer)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Min(peer.Options.TimeoutSeconds, 2)));
        try
        {
            using var response = await peer.Http.GetAsync(new Uri($"{peer.Options.BaseUrl.TrimEnd('/')}/health/live"), timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                peer.Breaker.Succeeded();
                return;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
        }

        peer.Breaker.Failed(time.GetUtcNow());
    }

    private static Uri StatusUri(PeerOptions options, Licence licence) =>
        new($"{options.BaseUrl.TrimEnd('/')}{PeerProtocol.LicenceStatusPath(licence.Identifier.Value)}");

    private static StatusLookup FromValue(byte value, string source, DateTimeOffset asOf) =>
        LicenceStatusRules.FromStatusListValue(value) is { } status
            ? StatusLookup.Found(status, source, asOf)
            : new StatusLookup(null, source, asOf, ReasonCode.StatusUnknown);

    /// <summary>
    /// The peer's signed live answer; null when it cannot answer in time, or its answer is not signed by the
    /// list signer of the trust list held for it, not about this licence, or not in force (the caller falls back).
    /// </summary>
    private async Task<StatusLookup?> LiveAsync(PeerState peer, Licence licence, CancellationToken cancellationToken)
    {
        var options = peer.Options;
        if (!Callable(peer) || trust.Peer(licence.Province)?.List.Signer is not { } signer)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Min(options.TimeoutSeconds, 2)));
        var source = $"{options.Province}:live";
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, StatusUri(options, licence));
            request.Headers.Accept.ParseAdd(PeerProtocol.LicenceStatusMediaType);
            using var response = await peer.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            peer.Breaker.Succeeded();
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return StatusLookup.Unavailable(ReasonCode.StatusUnknown, source);
            }

            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength is not (> 0 and <= LicenceStatusToken.MaxBytes))
            {
                return null;
            }

            var now = time.GetUtcNow();
            var token = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            if (LicenceStatusToken.TryRead(token, signer.Key, licence.Identifier.Value, now, AnswerSkew, out var refused) is not { } answer)
            {
                peer.LastError = "live status answer refused: " + refused;
                peer.LastErrorAt = now;
                return null;
            }

            peer.RememberFinal(licence.Identifier.Value, answer.Status, answer.IssuedAt);
            return StatusLookup.Found(answer.Status, source, answer.IssuedAt);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or NotSupportedException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            Unanswered(peer, e);
            return null;
        }
    }
}
