using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Status;
using LicenceTrust.Core.Trust;

namespace LicenceTrust.Federation;

/// <summary>The documents of one pass: the index, root, trust list and status lists fetched, checked, confirmed and stored.</summary>
public sealed partial class PeerSync
{
    /// <summary>
    /// The peer's status-list index, or null when the peer answered 304: its trust list and every list are as held
    /// (the index's ETag covers the trust-list sequence and every list's counter), so each is confirmed now.
    /// </summary>
    private async Task<(StatusListIndex Index, string? ETag)?> FetchIndexAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var conditional = _unsaved.Count == 0 && !state.StatusLists.Values.Any(l => NeedsRenewal(l, now));
        using var response = await SendAsync(HttpMethod.Get, PeerProtocol.StatusListIndexPath, conditional ? _indexETag : null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotModified && _indexETag is not null && trust.Peer(_peer) is not null)
        {
            _indexFetchedAt = now;
            await TouchTrustListAsync(now, cancellationToken);
            foreach (var cached in state.StatusLists.Values)
            {
                await TouchStatusListAsync(cached, now, cancellationToken);
            }

            return null;
        }

        Expect(response, HttpStatusCode.OK, "status-list index");
        var index = await response.Content.ReadFromJsonAsync<StatusListIndex>(JsonSerializerOptions.Web, cancellationToken)
            ?? throw new SyncRefusedException("the status-list index is empty");
        _indexFetchedAt = now;
        return (index, response.Headers.ETag?.Tag);
    }

    /// <summary>The peer confirmed its trust list unchanged: fresh in memory at once; in the database at most once a minute (a restart only finds it a little older).</summary>
    private async Task TouchTrustListAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        trust.TouchPeer(_peer, now);
        if (DueForStoring(TrustListKind, now))
        {
            await PersistAsync(TrustListKind, () => store.TouchPeerDocumentAsync(_options.Province, TrustListKind, now, cancellationToken));
        }
    }

    /// <inheritdoc cref="TouchTrustListAsync"/>
    private async Task TouchStatusListAsync(CachedStatusList cached, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var kind = StatusListKindPrefix + cached.List.Uri;
        state.SetStatusList(cached with { FetchedAt = now });
        if (DueForStoring(kind, now))
        {
            await PersistAsync(kind, () => store.TouchPeerDocumentAsync(_options.Province, kind, now, cancellationToken));
        }
    }

    /// <summary>A copy past half its life is fetched whole, so the peer's newly signed one replaces it before it expires.</summary>
    private static bool NeedsRenewal(CachedStatusList cached, DateTimeOffset now) =>
        cached.List.ExpiresAt - now < (cached.List.ExpiresAt - cached.List.IssuedAt) / 2;

    private bool DueForStoring(string kind, DateTimeOffset now)
    {
        if (_touchStored.TryGetValue(kind, out var stored) && now - stored < TouchStoreInterval)
        {
            return false;
        }

        _touchStored[kind] = now;
        return true;
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

    /// <param name="announced">The sequence the peer's index names: when it is the one held, the list is confirmed without a request.</param>
    private async Task SyncTrustListAsync(List<string> problems, CancellationToken cancellationToken, long? announced = null)
    {
        var current = trust.Peer(_peer);
        if (current is not null && announced == current.List.Sequence && !_unsaved.Contains(TrustListKind))
        {
            await TouchTrustListAsync(time.GetUtcNow(), cancellationToken);
            return;
        }

        using var response = await SendAsync(HttpMethod.Get, PeerProtocol.TrustListPath, current is null || _unsaved.Contains(TrustListKind) ? null : PeerProtocol.TrustListETag(current.List.Sequence), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotModified && current is not null)
        {
            await TouchTrustListAsync(time.GetUtcNow(), cancellationToken);
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

    private async Task SyncStatusListsAsync(List<string> problems, StatusListIndex index, CancellationToken cancellationToken)
    {
        if (trust.Peer(_peer)?.List.Signer is not { } signer)
        {
            return;
        }

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
            var renew = cached is not null && NeedsRenewal(cached, time.GetUtcNow());
            using var response = await SendAsync(HttpMethod.Get, PeerProtocol.StatusListPath(entry.Id), cached is null || renew || _unsaved.Contains(kind) ? null : PeerProtocol.StatusListETag(entry.Id, cached.Version), cancellationToken);
            var now = time.GetUtcNow();
            if (response.StatusCode == HttpStatusCode.NotModified && cached is not null)
            {
                await TouchStatusListAsync(cached, now, cancellationToken);
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
            // Measured when the change is in force here, before it is stored: a verification may see it from now on.
            if (cached is not null && list.UpdatedAt is { } updated && updated > cached.List.UpdatedAt)
            {
                var delay = now - updated;
                state.LastPropagationDelay = delay;
                Propagation.Record(delay.TotalMilliseconds, new KeyValuePair<string, object?>("peer", _options.Province));
            }

            await PersistAsync(kind, () => store.SavePeerDocumentAsync(new PeerDocument(_options.Province, kind, version, response.Headers.ETag?.Tag, bytes, now), cancellationToken));
        }
    }

    /// <summary>
    /// Takes what another replica of this node fetched from the peer and stored (docs/federation.md §3.3): a change
    /// notice reaches one replica, and the others take the documents it stored on their next look, without asking
    /// the peer. Only a document newer than the one held, checked against the pinned root and the rules of a fetch
    /// (no rollback). Skips the look when a pass is under way (it fetches for itself). Returns how many it took.
    /// </summary>
    public async Task<int> AdoptStoredAsync(IEnumerable<PeerDocumentVersion> stored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (_root is null || !stored.Any(IsNewer) || !await _pass.WaitAsync(0, cancellationToken))
        {
            return 0;
        }

        try
        {
            var taken = 0;
            var documents = (await store.PeerDocumentsAsync(_options.Province, cancellationToken)).Where(d => IsNewer(new PeerDocumentVersion(d.Peer, d.Kind, d.Sequence))).ToList();
            if (documents.Find(d => d.Kind == TrustListKind) is { } listDocument && TrustListToken.TryRead(listDocument.Document, _root, out _) is { } list
                && list.Sequence > (trust.Peer(_peer)?.List.Sequence ?? -1))
            {
                trust.SetPeer(new PeerTrust(_root, list, listDocument.FetchedAt, listDocument.Document));
                taken++;
            }

            if (trust.Peer(_peer)?.List.Signer is { } signer)
            {
                foreach (var document in documents.Where(d => d.Kind.StartsWith(StatusListKindPrefix, StringComparison.Ordinal)))
                {
                    var uri = document.Kind[StatusListKindPrefix.Length..];
                    if (StatusListRules.Check(document.Document, signer.Key, uri, time.GetUtcNow(), state.StatusList(uri)?.List).List is { } statusList)
                    {
                        state.SetStatusList(new CachedStatusList(statusList, document.Sequence, document.FetchedAt));
                        taken++;
                    }
                }
            }

            return taken;
        }
        finally
        {
            _pass.Release();
        }
    }

    private bool IsNewer(PeerDocumentVersion stored) => stored.Kind switch
    {
        TrustListKind => stored.Sequence > (trust.Peer(_peer)?.List.Sequence ?? -1),
        _ when stored.Kind.StartsWith(StatusListKindPrefix, StringComparison.Ordinal) =>
            stored.Sequence > (state.StatusList(stored.Kind[StatusListKindPrefix.Length..])?.Version ?? -1),
        _ => false,
    };

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
