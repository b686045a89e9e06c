using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace LicenceTrust.Federation;

/// <summary>
/// At start, a node asks its peers which of its trust lists they hold. A peer holding a newer one than
/// this node's database has ever published means the database is older than the province's published
/// state: it was restored from a backup, and licences, status changes and withdrawals made after the
/// backup are not in it. The node then refuses to start, unless the operator accepts the restore
/// (<c>Node:AcceptRestoredDatabase</c>); accepted, the node moves its trust-list sequence past the peers'
/// view (so they take its next list instead of refusing it as a rollback) and skips serials (so no
/// identifier issued after the backup is issued again). docs/operations.md, "Backup and restore".
/// </summary>
public sealed class RestoreGuard(FederationPeers peers, IFederationStore store, TimeProvider time, ILogger<RestoreGuard> logger)
{
    /// <summary>Checks the database against the peers' view; returns true when a restore was detected and accepted.</summary>
    /// <param name="accept">The operator accepts a database older than the peers' view.</param>
    /// <param name="onAccepted">What else moves on when a restore is accepted (the serials).</param>
    /// <exception cref="InvalidDataException">The database is older than the peers' view and <paramref name="accept"/> is false.</exception>
    public async Task<bool> CheckAsync(string ownNodeId, bool accept, Func<CancellationToken, Task> onAccepted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onAccepted);
        var views = await Task.WhenAll(peers.States.Values.Select(state => ViewAsync(state, ownNodeId, cancellationToken)));
        var newest = views.Where(v => v.Sequence is not null).OrderByDescending(v => v.Sequence).FirstOrDefault();
        var ours = (await store.LastTrustListVersionAsync(cancellationToken))?.Sequence ?? 0;
        if (newest.Sequence is not { } seen || seen <= ours)
        {
            return false;
        }

        if (!accept)
        {
            throw new InvalidDataException(
                $"this database is older than what the peers have seen: {newest.Peer} holds trust list #{seen} of this province, and the newest this database published is #{ours}. " +
                "It was restored from a backup (or is the wrong database): licences, status changes and withdrawals made after the backup are not in it. " +
                "If that is so, set Node:AcceptRestoredDatabase=true to start (docs/operations.md, \"Backup and restore\").");
        }

        // A placeholder version at the peers' sequence: the next list published is #seen+1, which they take.
        await store.AddTrustListVersionAsync(seen, "restored-from-backup", time.GetUtcNow(), cancellationToken);
        await onAccepted(cancellationToken);
        logger.LogWarning("Restored database accepted: {Peer} held trust list #{Seen}, the database's newest was #{Ours}; the next trust list is #{Next}, and serials skip ahead",
            newest.Peer, seen, ours, seen + 1);
        return true;
    }

    /// <summary>The sequence of this province's trust list that one peer holds, or null (never synced, or unreachable: then the check rests on the others).</summary>
    private async Task<(string Peer, long? Sequence)> ViewAsync(PeerState state, string ownNodeId, CancellationToken cancellationToken)
    {
        var peer = state.Options;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(peer.TimeoutSeconds));
            var answer = await state.Http.GetFromJsonAsync<JsonElement>(new Uri(new Uri(peer.BaseUrl.TrimEnd('/') + "/"), "api/v1/federation/peers"), timeout.Token);
            foreach (var view in answer.GetProperty("peers").EnumerateArray())
            {
                if (view.GetProperty("province").GetString() == ownNodeId && view.GetProperty("trustListSequence") is { ValueKind: JsonValueKind.Number } sequence)
                {
                    return (peer.Province, sequence.GetInt64());
                }
            }
        }
        // The node stopping while it starts is not a peer's silence: that cancellation goes on up.
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException or InvalidOperationException or KeyNotFoundException
            && !cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Could not ask {Peer} which trust list of ours it holds ({Error}); the start-up check rests on the other peers", peer.Province, e.Message);
        }

        return (peer.Province, null);
    }
}
