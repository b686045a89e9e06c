using LicenceTrust.Core.Json;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using LicenceTrust.Core.Text;
using LicenceTrust.Core.Trust;
using LicenceTrust.Status;
using LicenceTrust.Federation;
using LicenceTrust.KeyStore;
using LicenceTrust.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace LicenceTrust.Server.Endpoints;

/// <summary>Node metadata at /.well-known/licencetrust: what a peer or an integrator needs to find and pin this node.</summary>
public sealed record NodeMetadataView(string Province, string Name, string RootFingerprint, string RootCertificate, IReadOnlyList<string> Algorithms, IReadOnlyDictionary<string, string> Endpoints, IReadOnlyList<string> Peers);

/// <summary>The trust list in JSON (Accept: application/json); <c>token</c> is the signed list itself, base64.</summary>
/// <param name="StatusUriTemplate">The signed template of the node's status-list URIs, <c>…/{list}</c>; an LT2 credential carries the list number (docs/format.md §12.2).</param>
public sealed record TrustListView(string Province, long Sequence, DateTimeOffset IssuedAt, DateTimeOffset NextUpdate, string StatusUriTemplate, IReadOnlyList<TrustListEntryView> Issuers, string Token);

/// <summary>The body of an emergency withdrawal.</summary>
public sealed record WithdrawRequest(string? Reason);

/// <summary>What an emergency withdrawal did: the new trust-list sequence, which peers took the notice, and the signed notice (base64) for out-of-band delivery.</summary>
public sealed record WithdrawResponse(string Fingerprint, long TrustListSequence, long NoticeSequence, IReadOnlyList<NoticeDelivery> Peers, string Notice);

/// <summary>A received notice, applied.</summary>
public sealed record NoticeResponse(string Code, string Detail, string Province, long Sequence, string Fingerprint);

/// <summary>One peer's sync state.</summary>
/// <param name="Starting">The peer has not answered since this node started, and its start-up grace (<c>Node:Peers:N:StartupGraceSeconds</c>) still runs.</param>
public sealed record PeerStateView(
    string Province, string BaseUrl, DateTimeOffset? LastAttempt, DateTimeOffset? LastSuccess, string? LastError, DateTimeOffset? LastErrorAt, int ConsecutiveFailures,
    long? TrustListSequence, double? TrustListAgeSeconds, bool TrustListFresh, int StatusLists, double? OldestStatusListAgeSeconds, bool StatusFresh,
    double? LastPropagationDelayMs, IReadOnlyList<string> RecognisedTypes, DateTimeOffset RecognisedFrom, string Breaker, DateTimeOffset? BreakerOpenedAt, bool Starting);

/// <summary>The peers' sync states.</summary>
public sealed record PeersResponse(string Node, IReadOnlyList<PeerStateView> Peers);

/// <summary>
/// Federation endpoints (docs/federation.md): node metadata, the signed trust list and the status-list index for
/// peers, emergency withdrawal for admins, the notice inbox for peers, and the peers' sync state.
/// </summary>
public static class FederationApi
{
    private const int MaxNoticeBytes = 16 * 1024;

    /// <summary>A change notice naming <see cref="ChangeNotice.MaxLists"/> lists, with its certificate, fits.</summary>
    private const int MaxChangeNoticeBytes = 96 * 1024;

    public static void MapFederationApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/licencetrust", Metadata).WithProblems(429).WithName("NodeMetadata").WithSummary("Node metadata: province, root fingerprint, endpoints, peers");
        app.MapGet(PeerProtocol.TrustListPath, TrustListAsync).Produces<TrustListView>(200, "application/json").Produces(200, contentType: PeerProtocol.TrustListMediaType).WithProblems(429).WithName("GetTrustList").WithSummary("This province's signed trust list");
        app.MapGet(PeerProtocol.StatusListIndexPath, StatusListIndexAsync).Produces<StatusListIndex>().Produces(304).WithProblems(429).WithName("GetStatusListIndex")
            .WithSummary("The index of this node's status lists, with its trust list's sequence (ETag: a quiet pass is one 304)");
        app.MapPost("/api/v1/trust/issuers/{fingerprint}/withdraw", WithdrawAsync).RequireAuthorization(Policies.Admin).WithProblems(400, 401, 403, 404, 409, 429).WithName("WithdrawIssuer").WithSummary("Emergency withdrawal of an issuer certificate");
        app.MapPost(PeerProtocol.ChangesPath, ReceiveChangeAsync).Accepts<byte[]>(PeerProtocol.ChangeNoticeMediaType).Produces<ChangeTaken>(202).WithProblems(400, 403, 409, 413, 415, 429)
            .WithName("ReceiveChangeNotice").WithSummary("Receive a peer's signed change notice: its trust list or status lists moved, a pass fetches them now");
        app.MapPost(PeerProtocol.NoticesPath, ReceiveNoticeAsync).Accepts<byte[]>(PeerProtocol.NoticeMediaType).WithProblems(400, 403, 409, 413, 415, 429).WithName("ReceiveNotice").WithSummary("Receive a peer's signed withdrawal notice");
        app.MapGet("/api/v1/trust-bundle", TrustBundleAsync).WithProblems(429).WithName("GetTrustBundle").WithSummary("Roots and signed trust lists for offline verification");
        app.MapGet("/api/v1/federation/peers", Peers).WithProblems(429).WithName("GetPeers").WithSummary("Each peer's sync state and freshness");
        app.MapGet(PeerProtocol.HoldingsRoute, HoldingsAsync).WithProblems(404, 429).WithName("GetPeerHoldings")
            .WithSummary("What this node holds of a peer province, as that province signed it: for the province's check after a restore");
    }

    private static Ok<NodeMetadataView> Metadata(ProvinceKeys keys, FederationPeers peers, IOptions<NodeOptions> options)
    {
        var root = options.Value.PublicBase;
        return TypedResults.Ok(new NodeMetadataView(
            keys.Province.NodeId,
            keys.Province.NameZh,
            keys.Root.Fingerprint,
            Convert.ToBase64String(keys.Root.Der.Span),
            ["SM2-SM3", "ES256"],
            new Dictionary<string, string>
            {
                ["trustList"] = root + PeerProtocol.TrustListPath,
                ["statusLists"] = root + PeerProtocol.StatusListIndexPath,
                ["licenceStatus"] = root + PeerProtocol.LicenceStatusRoute,
                ["verify"] = root + "/api/v1/verify",
                ["notices"] = root + PeerProtocol.NoticesPath,
                ["changes"] = root + PeerProtocol.ChangesPath,
                ["openapi"] = root + "/openapi/v1.json",
            },
            [.. peers.States.Keys.Select(p => p.NodeId)]));
    }

    private static async Task<IResult> TrustListAsync(HttpContext http, TrustAuthority authority, FederatedTrust trust)
    {
        var published = await authority.CurrentAsync(http.RequestAborted);
        var etag = PeerProtocol.TrustListETag(published.Sequence);
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "public, max-age=1";
        if (http.Request.Headers.IfNoneMatch.Contains(etag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        if (http.Request.Headers.Accept.Any(a => a?.Contains("application/json", StringComparison.OrdinalIgnoreCase) == true))
        {
            return TypedResults.Ok(new TrustListView(trust.Own.NodeId, published.Sequence, published.IssuedAt, published.NextUpdate, published.StatusUriTemplate,
                [.. trust.OwnIssuers.Select(i => i.ToView())], Convert.ToBase64String(published.Token)));
        }

        return Results.Bytes(published.Token, PeerProtocol.TrustListMediaType);
    }

    /// <summary>For offline verification (<c>licencetrust verify --bundle</c>): the roots and signed trust lists this node holds.</summary>
    private static async Task<Ok<TrustBundle>> TrustBundleAsync(HttpContext http, TrustAuthority authority, FederatedTrust trust, TimeProvider time)
    {
        var own = await authority.CurrentAsync(http.RequestAborted);
        var peers = Core.Identifiers.Province.All.Where(p => p != trust.Own).Select(trust.Peer).OfType<PeerTrust>().Where(p => p.Token is not null).ToList();
        return TypedResults.Ok(new TrustBundle(trust.Own.NodeId, time.GetUtcNow(),
            [Convert.ToBase64String(trust.OwnRoot.Der.Span), .. peers.Select(p => Convert.ToBase64String(p.Root.Der.Span))],
            [Convert.ToBase64String(own.Token), .. peers.Select(p => Convert.ToBase64String(p.Token!))]));
    }

    /// <summary>The index, with the trust list's sequence; ETag over both, so a peer's quiet pass is one 304.</summary>
    private static async Task<IResult> StatusListIndexAsync(StatusListPublisher publisher, TrustAuthority authority, HttpContext http)
    {
        var trustList = await authority.CurrentAsync(http.RequestAborted);
        var lists = await publisher.IndexAsync(http.RequestAborted);
        var etag = PeerProtocol.StatusListIndexETag(trustList.Sequence, lists);
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "no-cache";
        return http.Request.Headers.IfNoneMatch.Contains(etag)
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(new StatusListIndex(lists, trustList.Sequence));
    }

    private static async Task<Ok<WithdrawResponse>> WithdrawAsync(string fingerprint, WithdrawRequest? body, HttpContext http, IssuerWithdrawals withdrawals)
    {
        var outcome = await withdrawals.WithdrawAsync(fingerprint, body?.Reason, ApiKeyAuthentication.ActorOf(http.User).ToString(), http.RequestAborted);
        var withdrawal = outcome.Withdrawal;
        return TypedResults.Ok(new WithdrawResponse(withdrawal.Fingerprint, outcome.TrustListSequence, withdrawal.NoticeSequence, outcome.Deliveries, Convert.ToBase64String(withdrawal.Notice)));
    }

    private static async Task<Ok<NoticeResponse>> ReceiveNoticeAsync(HttpContext http, IssuerWithdrawals withdrawals, NoticeInboxGate gate)
    {
        var document = await ReadNoticeAsync(http, gate, PeerProtocol.NoticeMediaType, MaxNoticeBytes);
        var outcome = await withdrawals.ReceiveAsync(document, http.RequestAborted);
        var notice = outcome.Notice!;
        return TypedResults.Ok(new NoticeResponse(outcome.Code, outcome.Detail, notice.Province.NodeId, notice.Sequence, notice.Fingerprint));
    }

    private static async Task<Accepted<ChangeTaken>> ReceiveChangeAsync(HttpContext http, ChangeInbox inbox, NoticeInboxGate gate)
    {
        var document = await ReadNoticeAsync(http, gate, PeerProtocol.ChangeNoticeMediaType, MaxChangeNoticeBytes);
        return TypedResults.Accepted((string?)null, inbox.Receive(document));
    }

    /// <summary>A notice's bytes, from a connection the inbox takes, of the right type and size.</summary>
    internal static async Task<byte[]> ReadNoticeAsync(HttpContext http, NoticeInboxGate gate, string mediaType, int maxBytes, string emptyCode = "NOTICE_SIGNATURE_INVALID")
    {
        gate.Check(http.Connection.ClientCertificate, http.Connection.RemoteIpAddress?.ToString());
        if (!string.Equals(http.Request.ContentType, mediaType, StringComparison.OrdinalIgnoreCase))
        {
            throw new LicenceTrustException(new(ErrorKind.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", $"通知的类型应为{mediaType} (send the notice as {mediaType})."));
        }

        if (http.Request.ContentLength > maxBytes)
        {
            throw new LicenceTrustException(new(ErrorKind.TooLarge, "BODY_TOO_LARGE", "通知过大 (the notice is too large)."));
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        if (buffer.Length == 0 || buffer.Length > maxBytes)
        {
            throw LicenceTrustException.Validation(emptyCode, "通知为空或过大 (the notice is empty or too large).");
        }

        return buffer.ToArray();
    }

    /// <summary>A peer province's trust list, status lists and notices as this node holds them; a restored node reads them at start (docs/operations.md, "Backup and restore").</summary>
    private static async Task<Ok<PeerHoldings>> HoldingsAsync(string province, FederationPeers peers, IFederationStore store, HttpContext http) =>
        TypedResults.Ok(await PeerHoldings.OfAsync(province, peers, store, http.RequestAborted)
            ?? throw LicenceTrustException.NotFound("PEER_NOT_FOUND", $"本节点未与{TextPolicy.Quote(province)}互认 (this node does not federate with that province)."));

    private static Ok<PeersResponse> Peers(ProvinceKeys keys, FederationPeers peers, FederatedTrust trust, TimeProvider time)
    {
        var set = peers.Current;
        return TypedResults.Ok(new PeersResponse(keys.Province.NodeId, [.. set.States.Select(p => ViewOf(p.Key, p.Value, set.Recognitions[p.Key], trust, time.GetUtcNow()))]));
    }

    internal static PeerStateView ViewOf(Core.Identifiers.Province province, PeerState state, Recognition recognition, FederatedTrust trust, DateTimeOffset now)
    {
        var peer = trust.Peer(province);
        var listAge = peer is null ? (double?)null : (now - peer.FetchedAt).TotalSeconds;
        return new PeerStateView(
            province.NodeId, state.Options.BaseUrl, state.LastAttempt, state.LastSuccess, state.LastError, state.LastErrorAt, state.ConsecutiveFailures,
            peer?.List.Sequence, listAge, listAge <= state.Options.TrustListMaxAgeSeconds,
            state.StatusLists.Count, state.OldestStatusListAge(now), state.StatusFresh(now),
            state.LastPropagationDelay?.TotalMilliseconds, [.. recognition.Agreement.LicenceTypes.Order(StringComparer.Ordinal)], recognition.Agreement.From,
            state.Breaker.State switch { BreakerState.Closed => "closed", BreakerState.Open => "open", _ => "half-open" }, state.Breaker.OpenedAt,
            state.IsStarting(now));
    }
}
