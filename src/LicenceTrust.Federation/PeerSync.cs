using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
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
public sealed class PeerSync(PeerState state, FederatedTrust trust, IFederationStore store, TimeProvider time)
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
    private DateTimeOffset _lastRefresh = DateTimeOffset.MinValue;

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
    public async Task<bool> ConfirmTrustListAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        if (Confirmed(within))
        {
            return true;
        }

        if (!await _pass.WaitAsync(TimeSpan.FromSeconds(_options.TimeoutSeconds), cancellationToken))
        {
            return false;
        }

        try
        {
            if (Confirmed(within))
            {
                return true;
            }

            var now = time.GetUtcNow();
            if (now - _lastRefresh < MinRefreshInterval)
            {
                return false;
            }

            _lastRefresh = now;
            var problems = new List<string>();
            await SyncRootAsync(cancellationToken);
            await SyncTrustListAsync(problems, cancellationToken);
            return problems.Count == 0 && Confirmed(within);
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
            await SyncRootAsync(cancellationToken);
            await SyncTrustListAsync(problems, cancellationToken);
            await SyncStatusListsAsync(problems, cancellationToken);
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

    private async Task SyncRootAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, "/.well-known/licencetrust", null, cancellationToken);
        Expect(response, HttpStatusCode.OK, "node metadata");
        var metadata = await response.Content.ReadFromJsonAsync<NodeMetadata>(JsonSerializerOptions.Web, cancellationToken)
            ?? throw new SyncRefusedException("the node metadata is empty");
        if (metadata.Province != _options.Province)
        {
            throw new SyncRefusedException($"the peer at {_options.BaseUrl} says it is '{metadata.Province}', not '{_options.Province}'");
        }

        var der = Convert.FromBase64String(metadata.RootCertificate);
        if (!TryPin(der, out var root, out var error))
        {
            throw new SyncRefusedException(error);
        }

        if (_root is null || _root.Fingerprint != root!.Fingerprint || _unsaved.Contains(RootKind))
        {
            _root = root;
            await PersistAsync(RootKind, () => store.SavePeerDocumentAsync(new PeerDocument(_options.Province, RootKind, 0, null, der, time.GetUtcNow()), cancellationToken));
        }
    }

    private async Task SyncTrustListAsync(List<string> problems, CancellationToken cancellationToken)
    {
        var current = trust.Peer(_peer);
        using var response = await SendAsync(HttpMethod.Get, PeerProtocol.TrustListPath, current is null || _unsaved.Contains(TrustListKind) ? null : PeerProtocol.TrustListETag(current.List.Sequence), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotModified && current is not null)
        {
            var now = time.GetUtcNow();
            trust.TouchPeer(_peer, now);
            await PersistAsync(TrustListKind, () => store.TouchPeerDocumentAsync(_options.Province, TrustListKind, now, cancellationToken));
            return;
        }

        Expect(response, HttpStatusCode.OK, "trust list");
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (TrustListToken.TryRead(bytes, _root!, out var error) is not { } list)
        {
            problems.Add("trust list refused: " + error);
            return;
        }

        if (current is not null && list.Sequence < current.List.Sequence)
        {
            problems.Add($"trust list refused: sequence {list.Sequence} is lower than the {current.List.Sequence} in use (rollback)");
            return;
        }

        var fetched = time.GetUtcNow();
        trust.SetPeer(new PeerTrust(_root!, list, fetched, bytes));
        await PersistAsync(TrustListKind, () => store.SavePeerDocumentAsync(new PeerDocument(_options.Province, TrustListKind, list.Sequence, PeerProtocol.TrustListETag(list.Sequence), bytes, fetched), cancellationToken));
    }

    private async Task SyncStatusListsAsync(List<string> problems, CancellationToken cancellationToken)
    {
        if (trust.Peer(_peer)?.List.Signer is not { } signer)
        {
            return;
        }

        using var indexResponse = await SendAsync(HttpMethod.Get, PeerProtocol.StatusListIndexPath, null, cancellationToken);
        Expect(indexResponse, HttpStatusCode.OK, "status-list index");
        var index = await indexResponse.Content.ReadFromJsonAsync<StatusListIndex>(JsonSerializerOptions.Web, cancellationToken)
            ?? throw new SyncRefusedException("the status-list index is empty");
        state.StatusIndexConfirmedAt = time.GetUtcNow();
        // Lists the peer no longer serves (its PublicBaseUrl changed, so their URIs did) are dropped, here and
        // in the database, so their age never makes the peer look stale. Credentials naming an old URI find
        // the list of the same number (PeerState.StatusList).
        foreach (var gone in state.StatusLists.Keys.Where(uri => !index.Lists.Any(l => l.Uri == uri)).ToList())
        {
            state.RemoveStatusList(gone);
            await PersistAsync(StatusListKindPrefix + gone, () => store.DeletePeerDocumentAsync(_options.Province, StatusListKindPrefix + gone, cancellationToken));
        }

        foreach (var entry in index.Lists)
        {
            var cached = state.StatusList(entry.Uri);
            var kind = StatusListKindPrefix + entry.Uri;
            using var response = await SendAsync(HttpMethod.Get, PeerProtocol.StatusListPath(entry.Id), cached is null || _unsaved.Contains(kind) ? null : PeerProtocol.StatusListETag(entry.Id, cached.Version), cancellationToken);
            var now = time.GetUtcNow();
            if (response.StatusCode == HttpStatusCode.NotModified && cached is not null)
            {
                state.SetStatusList(cached with { FetchedAt = now });
                await PersistAsync(kind, () => store.TouchPeerDocumentAsync(_options.Province, kind, now, cancellationToken));
                continue;
            }

            Expect(response, HttpStatusCode.OK, "status list");
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var check = StatusListRules.Check(bytes, signer.Key, entry.Uri, now, cached?.List);
            if (check.List is not { } list)
            {
                problems.Add($"status list {entry.Id} refused: {check.Detail}");
                continue;
            }

            var version = PeerProtocol.StatusListVersionOf(response.Headers.ETag?.Tag) ?? entry.Version;
            state.SetStatusList(new CachedStatusList(list, version, now));
            await PersistAsync(kind, () => store.SavePeerDocumentAsync(new PeerDocument(_options.Province, kind, version, response.Headers.ETag?.Tag, bytes, now), cancellationToken));
            if (cached is not null && list.UpdatedAt is { } updated && updated > cached.List.UpdatedAt)
            {
                var delay = now - updated;
                state.LastPropagationDelay = delay;
                Propagation.Record(delay.TotalMilliseconds, new KeyValuePair<string, object?>("peer", _options.Province));
            }
        }
    }

    /// <summary>
    /// Stores an accepted document. It is already in force in memory: this node's own database being
    /// down must not keep a peer's revocations from verification, so a failed write is only recorded
    /// (<see cref="PeerState.PersistenceError"/>) and the next pass fetches that document whole and writes again.
    /// </summary>
    private async Task PersistAsync(string kind, Func<Task> write)
    {
        try
        {
            await write();
            _unsaved.Remove(kind);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _unsaved.Add(kind);
            _persistenceError ??= $"{kind} not stored: {e.GetType().Name}: {e.Message}";
        }
    }

    private bool TryPin(byte[] der, out TrustAnchor? root, out string error)
    {
        try
        {
            root = TrustAnchor.Create(der, _options.RootFingerprint);
            if (root.Province != _peer)
            {
                error = $"the pinned root is of {root.Province.NodeId}, not {_options.Province}";
                root = null;
                return false;
            }

            error = string.Empty;
            return true;
        }
        catch (FormatException e)
        {
            root = null;
            error = "peer root refused: " + e.Message;
            return false;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? ifNoneMatch, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
        using var request = new HttpRequestMessage(method, new Uri(new Uri(_options.BaseUrl.TrimEnd('/') + "/"), path.TrimStart('/')));
        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(ifNoneMatch));
        }

        var response = await state.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
        if (response.Content.Headers.ContentLength > 64L * 1024 * 1024)
        {
            response.Dispose();
            throw new SyncRefusedException($"{path}: the response is too large");
        }

        return response;
    }

    private static void Expect(HttpResponseMessage response, HttpStatusCode status, string what)
    {
        if (response.StatusCode != status)
        {
            throw new SyncRefusedException($"{what}: the peer answered {(int)response.StatusCode}");
        }
    }

}

/// <summary>The peer answered, but with something this node will not use.</summary>
public sealed class SyncRefusedException(string message) : Exception(message);
