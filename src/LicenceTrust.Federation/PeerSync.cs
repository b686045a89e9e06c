using System.Diagnostics.Metrics;
using System.Text.Json;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Status;
using LicenceTrust.Core.Trust;

namespace LicenceTrust.Federation;

/// <summary>The peer's node metadata at <c>/.well-known/licencetrust</c> (the fields sync reads).</summary>
public sealed record NodeMetadata(string Province, string RootFingerprint, string RootCertificate);

/// <summary>
/// Pulls one peer's root, trust list and status lists (docs/federation.md). Every document is checked against the
/// pinned root before use and must not roll back; a refused or failed fetch leaves the last good copy in
/// force and is recorded in <see cref="PeerState"/>. Accepted documents are stored, so a restart starts
/// from them. One instance per peer; passes must not overlap.
/// </summary>
public sealed partial class PeerSync(PeerState state, FederatedTrust trust, IFederationStore store, TimeProvider time)
{
    public const string RootKind = "root";
    public const string TrustListKind = "trust-list";
    public const string StatusListKindPrefix = "status-list:";

    /// <summary>The meter of federation (propagation delay).</summary>
    public const string MeterName = "LicenceTrust.Federation";

    private static readonly Meter Meter = new(MeterName);
    private static readonly System.Diagnostics.ActivitySource Tracing = new(MeterName);
    private static readonly Histogram<double> Propagation = Meter.CreateHistogram<double>(
        "licencetrust.federation.propagation_delay", "ms", "From a status change committed at the peer to this node applying it.");

    private readonly PeerOptions _options = state.Options;
    private readonly Province _peer = Province.FromNodeId(state.Options.Province);
    /// <summary>At most one trust-list refresh a second for an unknown issuer, however many verifications ask.</summary>
    public static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(1);

    private TrustAnchor? _root;
    private readonly HashSet<string> _unsaved = new(StringComparer.Ordinal);
    private string? _persistenceError;

    // One request sequence to the peer at a time: the sync loop's pass or a refresh for an unknown issuer.
    private readonly SemaphoreSlim _pass = new(1, 1);
    // When each kind of refresh last ran: 0 the trust list (an unknown kid), 1 the status lists (a list not held).
    private readonly DateTimeOffset[] _lastRefresh = [DateTimeOffset.MinValue, DateTimeOffset.MinValue];

    // When a pass last ended having taken everything it was shown (so a list the peer's index named then is held).
    private DateTimeOffset? _passCompletedAt;
    private DateTimeOffset? _indexFetchedAt;

    // The index's ETag after a pass that took everything: the next pass asks "changed since?" in one request.
    private string? _indexETag;

    /// <summary>How often a confirmation without change is written to the database (it only matters after a restart).</summary>
    private static readonly TimeSpan TouchStoreInterval = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, DateTimeOffset> _touchStored = new(StringComparer.Ordinal);

    public PeerState State => state;

    /// <summary>Restores the last good documents from the database (after a restart, before the first pass).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var documents = (await store.PeerDocumentsAsync(_options.Province, cancellationToken)).ToDictionary(d => d.Kind, StringComparer.Ordinal);
        if (!documents.TryGetValue(RootKind, out var root) || !TryPin(root.Document, out _root, out _))
        {
            return;
        }

        if (documents.TryGetValue(TrustListKind, out var listDocument) && TrustListToken.TryRead(listDocument.Document, _root!, out _) is { } list)
        {
            trust.SetPeer(new PeerTrust(_root!, list, listDocument.FetchedAt, listDocument.Document));
            foreach (var document in documents.Values.Where(d => d.Kind.StartsWith(StatusListKindPrefix, StringComparison.Ordinal)))
            {
                if (list.Signer is { } signer && StatusListToken.TryRead(document.Document, signer.Key, out _) is { } statusList)
                {
                    state.SetStatusList(new CachedStatusList(statusList, document.Sequence, document.FetchedAt));
                }
            }
        }
    }

    /// <summary>
    /// Whether the peer's trust list held here is current: confirmed by the peer within <paramref name="within"/>,
    /// or fetched again now. One request at a time (a caller that waited finds what the other fetched), at most
    /// one every <see cref="MinRefreshInterval"/>, waiting at most the peer's timeout. False when the peer could
    /// not be asked. Thread-safe.
    /// </summary>
    public Task<bool> ConfirmTrustListAsync(TimeSpan within, CancellationToken cancellationToken) =>
        ConfirmAsync(0, () => Confirmed(within), async problems =>
        {
            await SyncRootAsync(cancellationToken);
            await SyncTrustListAsync(problems, cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// Whether the peer's status-list index held here is current (confirmed within <paramref name="within"/>), or
    /// fetched again now with the lists that moved: for a credential naming a list not held yet (one the peer opened
    /// since the last pass). Fetching a whole list tells the peer nothing of which licence is checked, unlike a live
    /// call. Limits as <see cref="ConfirmTrustListAsync"/>.
    /// </summary>
    public Task<bool> ConfirmStatusListsAsync(TimeSpan within, CancellationToken cancellationToken) =>
        ConfirmAsync(1, () => _passCompletedAt is { } at && time.GetUtcNow() - at <= within, async problems =>
        {
            _indexETag = null;
            problems.AddRange(await PassAsync(cancellationToken));
        }, cancellationToken);

    private async Task<bool> ConfirmAsync(int kind, Func<bool> confirmed, Func<List<string>, Task> refresh, CancellationToken cancellationToken)
    {
        if (confirmed())
        {
            return true;
        }

        if (!await _pass.WaitAsync(TimeSpan.FromSeconds(_options.TimeoutSeconds), cancellationToken))
        {
            return false;
        }

        try
        {
            if (confirmed())
            {
                return true;
            }

            var now = time.GetUtcNow();
            if (now - _lastRefresh[kind] < MinRefreshInterval)
            {
                return false;
            }

            _lastRefresh[kind] = now;
            var problems = new List<string>();
            await refresh(problems);
            return problems.Count == 0 && confirmed();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or SyncRefusedException or NotSupportedException or FormatException
            && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            _pass.Release();
        }
    }

    private bool Confirmed(TimeSpan within) => trust.Peer(_peer) is { } held && time.GetUtcNow() - held.FetchedAt <= within;

    /// <summary>One pass. Returns the problems met (already recorded in the state); empty when all went well.</summary>
    public async Task<IReadOnlyList<string>> SyncOnceAsync(CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken);
        try
        {
            return await PassAsync(cancellationToken);
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task<IReadOnlyList<string>> PassAsync(CancellationToken cancellationToken)
    {
        using var span = Tracing.StartActivity("licencetrust.peer_sync")?.SetTag("licencetrust.peer", _options.Province);
        state.LastAttempt = time.GetUtcNow();
        var problems = new List<string>();
        _persistenceError = null;
        try
        {
            // The index first, conditionally: when nothing moved (the common case) the pass is this one 304.
            if (await FetchIndexAsync(cancellationToken) is { } index)
            {
                await SyncRootAsync(cancellationToken);
                await SyncTrustListAsync(problems, cancellationToken, index.Index.TrustListSequence);
                await SyncStatusListsAsync(problems, index.Index, cancellationToken);
                // Only a pass that took all it was shown may skip the next fetch of the index.
                _indexETag = problems.Count == 0 && _unsaved.Count == 0 ? index.ETag : null;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or SyncRefusedException or NotSupportedException or FormatException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            problems.Add(e is TaskCanceledException ? $"timed out after {_options.TimeoutSeconds} s" : state.Describe(e));
        }

        state.PersistenceError = _persistenceError;
        if (problems.Count == 0)
        {
            _passCompletedAt = time.GetUtcNow();
            // The index counts as confirmed only once all it named was taken (a pass cut short leaves the peer as it was).
            if (_indexFetchedAt is { } fetched)
            {
                state.StatusIndexConfirmedAt = fetched;
                _indexFetchedAt = null;
            }
            state.LastSuccess = time.GetUtcNow();
            state.ConsecutiveFailures = 0;
            state.LastError = null;
            state.Breaker.Succeeded();
        }
        else
        {
            state.LastError = string.Join("; ", problems);
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, state.LastError);
            state.LastErrorAt = time.GetUtcNow();
            state.ConsecutiveFailures++;
        }

        return problems;
    }
}

/// <summary>The peer answered, but with something this node will not use.</summary>
public sealed class SyncRefusedException(string message) : Exception(message);
