using LicenceTrust.Core.Identifiers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LicenceTrust.Federation;

/// <summary>
/// Pulls every peer on its interval (docs/federation.md), pausing as <see cref="PeerState.PauseAfter"/> says
/// after each pass, one loop per peer in force: when the peers are reconfigured (<see cref="FederationPeers.Changed"/>)
/// a new peer's loop starts and a removed one's stops, while unchanged peers go on. Problems are logged
/// without personal data. Beside them, every <see cref="FederationSite.ReplicaWatch"/>, one look at the database for
/// peer documents another replica of this node stored (<see cref="PeerSync.AdoptStoredAsync"/>).
/// </summary>
public sealed class FederationSyncService(FederationPeers peers, NoticeSender notices, ChangeAnnouncer announcer, FederatedTrust trust, IFederationStore store, FederationSite site,
    TimeProvider time, ILogger<FederationSyncService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watch = site.ReplicaWatch > TimeSpan.Zero ? WatchStoredAsync(site.ReplicaWatch, stoppingToken) : Task.CompletedTask;
        await SyncPeersAsync(stoppingToken);
        await watch;
    }

    /// <summary>
    /// A change notice reaches one replica of this node (the one its load balancer chose), which fetches the change
    /// and stores it: the other replicas take it from the database here, within one look, instead of at their next pull.
    /// </summary>
    private async Task WatchStoredAsync(TimeSpan every, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                // A node without peers (yet: they may be configured while it runs) has nothing to look for.
                if (peers.Syncs.Count == 0)
                {
                    continue;
                }

                try
                {
                    var stored = (await store.PeerDocumentVersionsAsync(stoppingToken)).ToLookup(v => v.Peer, StringComparer.Ordinal);
                    foreach (var sync in peers.Syncs)
                    {
                        if (await sync.AdoptStoredAsync(stored[sync.State.Options.Province], stoppingToken) is > 0 and var taken)
                        {
                            logger.LogDebug("Took {Count} of {Peer}'s documents another replica stored", taken, sync.State.Options.Province);
                        }
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The database away: the pulls and notices go on; the next look tries again.
                    logger.LogDebug(e, "Looking for documents another replica stored failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SyncPeersAsync(CancellationToken stoppingToken)
    {
        var running = new Dictionary<PeerSync, (CancellationTokenSource Stop, Task Loop)>();
        using var changed = new SemaphoreSlim(0);
        void OnChanged() => changed.Release();
        peers.Changed += OnChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var current = peers.Syncs;
                foreach (var sync in current.Where(s => !running.ContainsKey(s)))
                {
                    sync.State.GraceUntil = time.GetUtcNow() + TimeSpan.FromSeconds(sync.State.Options.StartupGraceSeconds);
                    var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    running[sync] = (stop, RunAsync(sync, stop.Token));
                }

                foreach (var gone in running.Keys.Where(s => !current.Contains(s)).ToList())
                {
                    await StopAsync(running[gone]);
                    running.Remove(gone);

                    // A pass that ended after the peer was removed may have put its trust back: take it out again.
                    var province = Province.FromNodeId(gone.State.Options.Province);
                    if (!peers.Current.States.ContainsKey(province))
                    {
                        trust.RemovePeer(province);
                    }
                }

                await changed.WaitAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            peers.Changed -= OnChanged;
            foreach (var loop in running.Values)
            {
                await StopAsync(loop);
            }
        }
    }

    private static async Task StopAsync((CancellationTokenSource Stop, Task Loop) loop)
    {
        await loop.Stop.CancelAsync();
        await loop.Loop;
        loop.Stop.Dispose();
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
                    await announcer.RetryAsync(Province.FromNodeId(options.Province), stoppingToken);
                }

                ReportFreshness(sync.State);
                await sync.State.PauseAsync(sync.State.PauseAfter(problems.Count > 0, time.GetUtcNow()), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
