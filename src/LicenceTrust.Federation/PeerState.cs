using System.Collections.Concurrent;
using LicenceTrust.Core.Status;

namespace LicenceTrust.Federation;

/// <summary>A peer status list as last accepted, and when the peer last confirmed it.</summary>
public sealed record CachedStatusList(StatusList List, long Version, DateTimeOffset FetchedAt)
{
    /// <summary>The list's signed details (each licence of it that is not valid), by the licence's identifier.</summary>
    public IReadOnlyDictionary<string, StatusDetail> DetailsByIdentifier { get; } =
        (List.Details ?? []).DistinctBy(d => d.Identifier, StringComparer.Ordinal).ToDictionary(d => d.Identifier, StringComparer.Ordinal);

    /// <summary>The licence the detail of a slot names, or null when no detail covers it (the reader checked the indexes are unique).</summary>
    public string? IdentifierAt(int index) => _byIndex.TryGetValue(index, out var detail) ? detail.Identifier : null;

    private readonly Dictionary<int, StatusDetail> _byIndex = (List.Details ?? []).ToDictionary(d => d.Index);
}

/// <summary>How one peer's sync is going: for the status endpoint, health checks and verification. Thread-safe.</summary>
public sealed class PeerState(PeerOptions options, HttpClient http)
{
    private readonly ConcurrentDictionary<string, CachedStatusList> _statusLists = new(StringComparer.Ordinal);

    public PeerOptions Options { get; } = options;

    /// <summary>This peer's HTTP client (<see cref="PeerHttp"/>: its pinned TLS CA, this node's client certificate).</summary>
    public HttpClient Http { get; } = http;

    /// <summary>
    /// Posts a signed document (a notice, an evidence request) to one of the peer's inboxes over its pinned channel,
    /// waiting at most <paramref name="timeout"/> for the whole answer, which comes back read into memory.
    /// </summary>
    /// <exception cref="HttpRequestException">The peer could not be reached.</exception>
    /// <exception cref="TaskCanceledException">No answer within the timeout.</exception>
    public async Task<HttpResponseMessage> PostSignedAsync(string path, string mediaType, byte[] document, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var within = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        within.CancelAfter(timeout);
        using var content = new ByteArrayContent(document);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        return await Http.PostAsync(new Uri(Options.BaseUrl.TrimEnd('/') + path), content, within.Token);
    }

    /// <summary>Whether verifications may call the peer live; probes no more often than a sync interval (at least 1 s).</summary>
    public PeerBreaker Breaker { get; } = new(options.Province, TimeSpan.FromSeconds(Math.Max(1, options.SyncIntervalSeconds)));

    public DateTimeOffset? LastAttempt { get; set; }

    public DateTimeOffset? LastSuccess { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? LastErrorAt { get; set; }

    public int ConsecutiveFailures { get; set; }

    /// <summary>End of the start-up grace (<see cref="PeerOptions.StartupGraceSeconds"/>), set when syncing starts.</summary>
    public DateTimeOffset GraceUntil { get; set; }

    /// <summary>Whether the peer has not answered since this node started and the start-up grace still runs.</summary>
    public bool IsStarting(DateTimeOffset now) => LastSuccess is null && now < GraceUntil;

    /// <summary>
    /// The pause before the next pass: one interval, after a good pass or a failed one, so a peer that comes
    /// back is synced within one interval of its return (a pass is a handful of conditional GETs: at the
    /// interval it is no load on a peer that is down). While the peer is starting (it has not answered since
    /// this node started), the next try is one second away (at most an interval): nodes started together
    /// try each other before both listen, and the peer is then picked up as soon as it does.
    /// </summary>
    public TimeSpan PauseAfter(bool failed, DateTimeOffset now)
    {
        var interval = Options.SyncInterval;
        return failed && IsStarting(now) ? TimeSpan.FromTicks(Math.Min(interval.Ticks, TimeSpan.TicksPerSecond)) : interval;
    }

    // At most one pass owed: a burst of notices while a pass runs asks for one more, not one each.
    private readonly SemaphoreSlim _nudge = new(0, 1);

    /// <summary>Asks the sync loop for a pass now (a change notice was taken); nudges while one is owed fold into it.</summary>
    public void Nudge()
    {
        try
        {
            _nudge.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    /// <summary>Waits <paramref name="pause"/>, or less when <see cref="Nudge"/> asks for a pass first.</summary>
    public async Task PauseAsync(TimeSpan pause, CancellationToken cancellationToken) => await _nudge.WaitAsync(pause, cancellationToken);

    /// <summary>The sequence of the last change notice taken from this peer (replays and older notices are refused); 0 before any.</summary>
    public long LastNoticeSequence { get; set; }

    /// <summary>When the last change notice from this peer was taken, and when the pass it asked for ended.</summary>
    public DateTimeOffset? LastNoticeAt { get; set; }

    /// <summary>Why the peer's server certificate was last refused, and when; null when it never was.</summary>
    public (string Reason, DateTimeOffset At)? LastTlsRefusal { get; private set; }

    /// <summary>Records why the peer's TLS certificate was refused (<see cref="PeerHttp"/> calls it from the handshake).</summary>
    public void TlsRefused(string reason, DateTimeOffset at) => LastTlsRefusal = (reason, at);

    /// <summary>
    /// What went wrong with a request to this peer, in one line, with the TLS refusal's reason when the
    /// handshake failed on it (the exception itself says only that the check refused the certificate).
    /// </summary>
    public string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var text = PeerHttp.Describe(exception);
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException && LastTlsRefusal is { } refusal)
            {
                return $"{text} (TLS refused: {refusal.Reason})";
            }
        }

        return text;
    }

    /// <summary>Why the last pass could not store what it accepted (this node's database); null when all was stored.</summary>
    public string? PersistenceError { get; set; }

    /// <summary>Revocation propagation: from a change committed at the peer to this node applying it.</summary>
    public TimeSpan? LastPropagationDelay { get; set; }

    public IReadOnlyDictionary<string, CachedStatusList> StatusLists => _statusLists;

    /// <summary>The list with exactly this URI.</summary>
    public CachedStatusList? StatusList(string uri) => _statusLists.GetValueOrDefault(uri);

    /// <summary>
    /// The list a credential's status URI points at: the one with that URI, or, when the peer has moved
    /// (a new PublicBaseUrl, so its lists have new URIs), the one of the same number: a node numbers its
    /// lists once, and credentials issued before the move still carry the old URI.
    /// </summary>
    public CachedStatusList? StatusListFor(string uri)
    {
        if (_statusLists.TryGetValue(uri, out var exact))
        {
            return exact;
        }

        return PeerProtocol.StatusListNumber(uri) is { } number ? _statusLists.Values.FirstOrDefault(l => PeerProtocol.StatusListNumber(l.List.Uri) == number) : null;
    }

    public void SetStatusList(CachedStatusList list) => _statusLists[list.List.Uri] = list;

    /// <summary>
    /// What the peer's signed lists say of a licence that is not valid, from whichever list names it (a licence is
    /// judged by its identifier, wherever the credential's slot points: docs/format.md §13); null when none does.
    /// </summary>
    public (StatusDetail Detail, CachedStatusList List)? DetailFor(string identifier)
    {
        foreach (var list in _statusLists.Values)
        {
            if (list.DetailsByIdentifier.TryGetValue(identifier, out var detail))
            {
                return (detail, list);
            }
        }

        return null;
    }

    /// <summary>Whether every list held carries details (a peer from before them carries none: its answers need the live API for "when and why").</summary>
    public bool ListsCarryDetails => !_statusLists.IsEmpty && _statusLists.Values.All(l => l.List.Details is not null);

    public void RemoveStatusList(string uri) => _statusLists.TryRemove(uri, out _);

    /// <summary>When the peer last served its status-list index: a province with no licences yet has no list, and is fresh by this.</summary>
    public DateTimeOffset? StatusIndexConfirmedAt { get; set; }

    /// <summary>Seconds since the oldest status list held was confirmed by the peer; null when none is held.</summary>
    public double? OldestStatusListAge(DateTimeOffset now) =>
        _statusLists.IsEmpty ? null : _statusLists.Values.Max(l => (now - l.FetchedAt).TotalSeconds);

    /// <summary>
    /// Whether the peer's status data is fresh (<see cref="PeerOptions.StatusMaxAge"/>): every list held confirmed
    /// within it or, when the peer has no list at all (a province with no licences yet), its empty index.
    /// </summary>
    public bool StatusFresh(DateTimeOffset now) => OldestStatusListAge(now) is { } oldest
        ? oldest <= Options.StatusMaxAgeSeconds
        : StatusIndexConfirmedAt is { } confirmed && now - confirmed <= Options.StatusMaxAge;

    /// <summary>Whether everything of the peer that verification relies on is fresh: its trust list (<paramref name="held"/>) and its status data.</summary>
    public bool IsFresh(PeerTrust? held, DateTimeOffset now) =>
        held is not null && now - held.FetchedAt <= Options.TrustListMaxAge && StatusFresh(now);

    /// <summary>Whether the sync loop last found the peer fresh (for "stale" and "recovered" log lines on each change).</summary>
    public bool? WasFresh { get; set; }

    /// <summary>Most final statuses remembered from live answers (a few hundred bytes each); past it, new ones are not remembered.</summary>
    public const int MaxRememberedFinal = 100_000;

    private readonly ConcurrentDictionary<string, (LicenceStatus Status, DateTimeOffset At)> _final = new(StringComparer.Ordinal);

    /// <summary>
    /// A final status the peer's live API gave (revoked, cancelled, superseded: it cannot change back),
    /// so a later verification still answers it when the peer's data has gone stale.
    /// </summary>
    public void RememberFinal(string identifier, LicenceStatus status, DateTimeOffset at)
    {
        if (status.IsFinal() && (_final.Count < MaxRememberedFinal || _final.ContainsKey(identifier)))
        {
            _final[identifier] = (status, at);
        }
    }

    public (LicenceStatus Status, DateTimeOffset At)? KnownFinal(string identifier) =>
        _final.TryGetValue(identifier, out var known) ? known : null;
}
