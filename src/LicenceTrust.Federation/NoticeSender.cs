using LicenceTrust.Core.Identifiers;
using Microsoft.Extensions.Logging;

namespace LicenceTrust.Federation;

/// <summary>Delivers withdrawal notices to the peers (POST /api/v1/federation/notices).</summary>
public sealed class NoticeSender(FederationPeers peers, ILogger<NoticeSender> logger)
{
    /// <summary>Sends to every peer now; what fails is kept for the sync loop to retry. Returns each peer's outcome.</summary>
    public async Task<IReadOnlyList<NoticeDelivery>> SendAsync(Withdrawal withdrawal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(withdrawal);
        var deliveries = new List<NoticeDelivery>();
        foreach (var (peer, state) in peers.States)
        {
            peers.Undelivered[(peer, withdrawal.NoticeId)] = withdrawal.Notice;
            deliveries.Add(await DeliverAsync(peer, state, withdrawal.NoticeId, withdrawal.Notice, cancellationToken));
        }

        return deliveries;
    }

    /// <summary>Retries notices a peer has not yet taken.</summary>
    public async Task RetryAsync(Province peer, CancellationToken cancellationToken)
    {
        foreach (var ((target, id), notice) in peers.Undelivered.Where(u => u.Key.Peer == peer))
        {
            if (peers.States.TryGetValue(target, out var state))
            {
                await DeliverAsync(target, state, id, notice, cancellationToken);
            }
        }
    }

    private async Task<NoticeDelivery> DeliverAsync(Province peer, PeerState state, string noticeId, byte[] notice, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await state.PostSignedAsync(PeerProtocol.NoticesPath, PeerProtocol.NoticeMediaType, notice, TimeSpan.FromSeconds(state.Options.TimeoutSeconds), cancellationToken);
            // 409 means the peer already holds it: delivered all the same.
            if (response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                peers.Undelivered.TryRemove((peer, noticeId), out _);
                return new NoticeDelivery(peer.NodeId, true, (int)response.StatusCode);
            }

            logger.LogWarning("Peer {Peer} refused withdrawal notice {Notice}: {Status}", peer.NodeId, noticeId, (int)response.StatusCode);
            return new NoticeDelivery(peer.NodeId, false, (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            logger.LogWarning("Peer {Peer} unreachable for withdrawal notice {Notice}; will retry", peer.NodeId, noticeId);
            return new NoticeDelivery(peer.NodeId, false, null);
        }
    }
}

/// <summary>Whether a peer took a withdrawal notice.</summary>
public sealed record NoticeDelivery(string Peer, bool Delivered, int? Status);
