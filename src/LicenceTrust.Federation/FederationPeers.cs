using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Trust;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LicenceTrust.Federation;

/// <summary>
/// This node's configured peers: each one's options, its checked recognition agreement, its sync and
/// its state. Built once at start-up; a bad peer setting or agreement stops the node with a clear message.
/// <paramref name="agreementPath"/> says where the recognition agreement with a peer is (a file signed
/// under this province's root, <paramref name="ownRoot"/>).
/// </summary>
public sealed class FederationPeers
{
    public FederationPeers(IReadOnlyList<PeerOptions> peers, Province own, TrustAnchor ownRoot, Func<PeerOptions, string> agreementPath,
        FederatedTrust trust, IFederationStore store, Func<PeerOptions, Action<string>, HttpClient> httpFor, TimeProvider time)
    {
        var recognitions = new Dictionary<Province, Recognition>();
        var states = new Dictionary<Province, PeerState>();
        var syncs = new List<PeerSync>();
        foreach (var options in peers)
        {
            var problems = new List<ValidationResult>();
            if (!Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
            {
                throw new InvalidDataException($"Node:Peers ({options.Province}): {string.Join("; ", problems.Select(p => p.ErrorMessage))}");
            }

            var peer = Province.FromNodeId(options.Province);
            if (peer == own || states.ContainsKey(peer))
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

            PeerState? created = null;
            var state = created = new PeerState(options, httpFor(options, reason => created?.TlsRefused(reason, time.GetUtcNow())));
            recognitions[peer] = new Recognition(options, agreement);
            states[peer] = state;
            syncs.Add(new PeerSync(state, trust, store, time));
        }

        Recognitions = recognitions;
        States = states;
        Syncs = syncs;
    }

    public IReadOnlyDictionary<Province, Recognition> Recognitions { get; }

    public IReadOnlyDictionary<Province, PeerState> States { get; }

    public IReadOnlyList<PeerSync> Syncs { get; }

    /// <summary>Withdrawal notices not yet delivered, per peer; the sync loop retries them.</summary>
    public ConcurrentDictionary<(Province Peer, string NoticeId), byte[]> Undelivered { get; } = new();
}

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
            deliveries.Add(await DeliverAsync(peer, state.Options, withdrawal.NoticeId, withdrawal.Notice, cancellationToken));
        }

        return deliveries;
    }

    /// <summary>Retries notices a peer has not yet taken.</summary>
    public async Task RetryAsync(Province peer, CancellationToken cancellationToken)
    {
        foreach (var ((target, id), notice) in peers.Undelivered.Where(u => u.Key.Peer == peer))
        {
            await DeliverAsync(target, peers.States[target].Options, id, notice, cancellationToken);
        }
    }

    private async Task<NoticeDelivery> DeliverAsync(Province peer, PeerOptions options, string noticeId, byte[] notice, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
        try
        {
            using var content = new ByteArrayContent(notice);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(WithdrawalNotice.MediaType);
            using var response = await peers.States[peer].Http.PostAsync(new Uri(options.BaseUrl.TrimEnd('/') + "/api/v1/federation/notices"), content, timeout.Token);
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

/// <summary>
/// Pulls every peer on its interval (docs/federation.md), pausing as <see cref="PeerState.PauseAfter"/> says
/// after each pass. Problems are logged without personal data.
/// </summary>
public sealed class FederationSyncService(FederationPeers peers, NoticeSender notices, FederatedTrust trust, TimeProvider time, ILogger<FederationSyncService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var sync in peers.Syncs)
        {
            sync.State.GraceUntil = time.GetUtcNow() + TimeSpan.FromSeconds(sync.State.Options.StartupGraceSeconds);
        }

        return Task.WhenAll(peers.Syncs.Select(sync => RunAsync(sync, stoppingToken)));
    }

    /// <summary>One log line each time a peer's data goes stale ("peer stale") or comes back ("peer recovered"), after a pass.</summary>
    private void ReportFreshness(PeerState state)
    {
        var now = time.GetUtcNow();
        var peer = Province.FromNodeId(state.Options.Province);
        var fresh = state.IsFresh(trust.Peer(peer), now);
        if (state.WasFresh == fresh || (!fresh && state.IsStarting(now)))
        {
            return;
        }

        if (fresh && state.WasFresh is not null)
        {
            logger.LogInformation("Peer recovered: {Peer}'s trust list and status data are fresh again", state.Options.Province);
        }
        else if (!fresh)
        {
            logger.LogWarning("Peer stale: {Peer}'s data is past its freshness limits (its licences verify CHECK where they depend on it); last error: {Error}",
                state.Options.Province, state.LastError ?? "none");
        }

        state.WasFresh = fresh;
    }

    private async Task RunAsync(PeerSync sync, CancellationToken stoppingToken)
    {
        var options = sync.State.Options;
        try
        {
            await sync.LoadAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                IReadOnlyList<string> problems;
                try
                {
                    problems = await sync.SyncOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A database fault must not end the loop: the last good copy stays in force meanwhile.
                    logger.LogError(e, "Sync with {Peer} failed", options.Province);
                    sync.State.LastError = e.GetType().Name;
                    sync.State.ConsecutiveFailures++;
                    problems = [e.GetType().Name];
                }

                if (sync.State.PersistenceError is { } unsaved)
                {
                    logger.LogWarning("Sync with {Peer}: in force, but not stored ({Error}); will store again", options.Province, unsaved);
                }

                if (problems.Count > 0 && sync.State.IsStarting(time.GetUtcNow()))
                {
                    logger.LogInformation("Waiting for {Peer} at {BaseUrl} to answer (start-up grace until {Until:O}): {Problems}", options.Province, options.BaseUrl, sync.State.GraceUntil, string.Join("; ", problems));
                }
                else if (problems.Count > 0)
                {
                    logger.LogWarning("Sync with {Peer} at {BaseUrl}: {Problems}", options.Province, options.BaseUrl, string.Join("; ", problems));
                }
                else
                {
                    await notices.RetryAsync(Province.FromNodeId(options.Province), stoppingToken);
                }

                ReportFreshness(sync.State);
                await Task.Delay(sync.State.PauseAfter(problems.Count > 0, time.GetUtcNow()), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
