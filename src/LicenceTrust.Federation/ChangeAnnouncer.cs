using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Status;
using LicenceTrust.Core.Trust;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LicenceTrust.Federation;

/// <summary>How one peer took a change notice: delivered (taken, or it already had it), and how long the POST took.</summary>
public sealed record ChangeDelivery(string Peer, bool Delivered, int? Status, double Milliseconds);

/// <summary>
/// Tells every peer at once when what this node publishes changes (docs/federation.md §3): on each
/// <see cref="PublicationSignal"/> (a status change committed here, a new trust list), when the peers in force
/// change (a new peer hears of this node at once), and once at start. Signals that arrive while a round is out
/// fold into one more round, which names the state at that moment, so 200 revocations in a second cost a few
/// rounds, not 200; rounds are at least <see cref="MinRoundInterval"/> apart, and a round a peer refused with 429 is
/// sent again <see cref="RateLimitedRetry"/> later. A round posts one signed <see cref="ChangeNotice"/> to every peer at once, at most
/// <see cref="MaxConcurrentDeliveries"/> in flight; a peer that missed the latest is sent it again after its next
/// good pull (<see cref="RetryAsync"/>). Pull every interval stays the safety net.
/// </summary>
public sealed class ChangeAnnouncer(FederationPeers peers, TrustAuthority authority, IStatusListIndex index, FederationSite site, PublicationSignal signal,
    IHostApplicationLifetime lifetime, TimeProvider time, ILogger<ChangeAnnouncer> logger) : BackgroundService
{
    /// <summary>How many peers are posted to at once: 33 peers go out in about two round trips, and a slow peer holds one slot.</summary>
    public const int MaxConcurrentDeliveries = 16;

    /// <summary>
    /// The least time between two rounds: at most 10 notices a second to a peer, half the rate its inbox takes
    /// (<see cref="ChangeInbox.NoticesPerSecond"/>), so a busy province is never cut off; changes in between fold
    /// into the next round.
    /// </summary>
    public static readonly TimeSpan MinRoundInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>When a peer still answered 429, the round is sent again this much later (not at its next pull).</summary>
    public static readonly TimeSpan RateLimitedRetry = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly SemaphoreSlim _round = new(1, 1);
    private readonly ConcurrentDictionary<Province, byte> _owed = new();
    private long _sequence;
    private byte[]? _latest;

    /// <summary>The last round: each peer's delivery and how long the whole fan-out took (for /api/v1/federation/peers and the measurement).</summary>
    public (IReadOnlyList<ChangeDelivery> Deliveries, double Milliseconds)? LastRound { get; private set; }

    /// <summary>Signs and sends the current state to every peer now, and returns how each took it.</summary>
    public async Task<IReadOnlyList<ChangeDelivery>> AnnounceAsync(CancellationToken cancellationToken)
    {
        if (peers.Current.States.Count == 0)
        {
            // A node of one province: nobody to tell, nothing to sign.
            return [];
        }

        await _round.WaitAsync(cancellationToken);
        try
        {
            var notice = await SignCurrentAsync(cancellationToken);
            var clock = Stopwatch.StartNew();
            var deliveries = new ConcurrentBag<ChangeDelivery>();
            await Parallel.ForEachAsync(peers.Current.States, new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentDeliveries, CancellationToken = cancellationToken },
                async (peer, token) => deliveries.Add(await DeliverAsync(peer.Key, peer.Value, notice, token)));
            var round = deliveries.OrderBy(d => d.Peer, StringComparer.Ordinal).ToList();
            LastRound = (round, clock.Elapsed.TotalMilliseconds);
            return round;
        }
        finally
        {
            _round.Release();
        }
    }

    /// <summary>Sends the latest notice again to a peer that missed it (the sync loop calls this after a good pass).</summary>
    public async Task RetryAsync(Province peer, CancellationToken cancellationToken)
    {
        if (_latest is { } notice && _owed.ContainsKey(peer) && peers.Current.States.TryGetValue(peer, out var state))
        {
            await DeliverAsync(peer, state, notice, cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        signal.Changed += Wake;
        peers.Changed += Wake;
        try
        {
            // The peers fetch from this node when told: tell them once it listens.
            await WhenStartedAsync(stoppingToken);
            Wake();
            while (!stoppingToken.IsCancellationRequested)
            {
                await _wake.WaitAsync(stoppingToken);
                try
                {
                    var deliveries = await AnnounceAsync(stoppingToken);
                    if (deliveries.Any(d => d.Status == 429))
                    {
                        // The change must not wait for a pull minutes away: send the state again shortly.
                        _ = Task.Delay(RateLimitedRetry, stoppingToken).ContinueWith(_ => Wake(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // This node's database or signer failing must not end the loop: the peers' pulls still come.
                    logger.LogError(e, "Change notice not sent");
                }

                await Task.Delay(MinRoundInterval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            signal.Changed -= Wake;
            peers.Changed -= Wake;
        }
    }

    private Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        return started.Task;
    }

    /// <summary>At most one round owed: signals while one is owed fold into it.</summary>
    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    private async Task<byte[]> SignCurrentAsync(CancellationToken cancellationToken)
    {
        var trustList = await authority.CurrentAsync(cancellationToken);
        var lists = await index.IndexAsync(cancellationToken);
        var now = time.GetUtcNow();
        // The clock in milliseconds keeps the order across restarts; one more than the last keeps it within one.
        var sequence = Math.Max(_sequence + 1, now.ToUnixTimeMilliseconds());
        _sequence = sequence;
        var notice = new ChangeNotice(site.Root.Province, sequence, now, trustList.Sequence, lists).Sign(site.ListSigner, site.ListSignerCertificateDer);
        _latest = notice;
        return notice;
    }

    private async Task<ChangeDelivery> DeliverAsync(Province peer, PeerState state, byte[] notice, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await state.PostSignedAsync(PeerProtocol.ChangesPath, PeerProtocol.ChangeNoticeMediaType, notice, TimeSpan.FromSeconds(Math.Min(state.Options.TimeoutSeconds, 2)), cancellationToken);
            // 409: the peer holds this notice or a later one already.
            var delivered = response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Conflict;
            if (delivered)
            {
                _owed.TryRemove(peer, out _);
            }
            else
            {
                _owed[peer] = 0;
                logger.LogWarning("Peer {Peer} refused change notice: {Status}", peer.NodeId, (int)response.StatusCode);
            }

            return new ChangeDelivery(peer.NodeId, delivered, (int)response.StatusCode, clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            _owed[peer] = 0;
            logger.LogInformation("Peer {Peer} not reached with a change notice ({Error}); its pull, or a retry after it, brings the change", peer.NodeId, PeerHttp.Describe(e));
            return new ChangeDelivery(peer.NodeId, false, null, clock.Elapsed.TotalMilliseconds);
        }
    }
}
