using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Trust;
using LicenceTrust.Federation;

namespace LicenceTrust.Sharing;

/// <summary>What the home node sends back: the request's id and each licence's own signed credential.</summary>
public sealed record EvidenceAnswer(string RequestId, IReadOnlyList<HeldLicence> Licences);

/// <summary>
/// The holder's home node answering a peer's evidence request (docs/federation.md §9). In this order, each refusal
/// with its own code that says nothing of the holder's licences: a peer in force (<c>EVIDENCE_NOT_FROM_PEER</c>),
/// within its rate (<c>EVIDENCE_RATE_LIMITED</c>, before any signature), signed under its pinned root
/// (<c>EVIDENCE_SIGNATURE_INVALID</c>), its texts within the text policy (<c>TEXT_CHARACTER_NOT_ALLOWED</c>), recent (<c>EVIDENCE_REQUEST_EXPIRED</c>), within the officer's rate, never
/// seen (<c>EVIDENCE_REQUEST_REPLAYED</c>, by id, in the database so replicas agree), a matter of the catalogue
/// (<c>MATTER_UNKNOWN</c>) that needs each type, each type within the recognition agreement with that peer
/// (<c>EVIDENCE_NOT_ALLOWED</c>), a holder of this province, the consent where a type needs it (<c>CONSENT_*</c>),
/// and at least one licence (<c>EVIDENCE_NOT_FOUND</c>). Every answer and every refusal is recorded and audited.
/// Thread-safe.
/// </summary>
public sealed class EvidenceProvider(FederationPeers peers, FederatedTrust trust, MatterCatalogue matters, ConsentCodes consents, ISharingStore store, ISharingAudit audit,
    Province own, TimeProvider time)
{
    /// <summary>How far a request's time may be from this node's clock: a replay is possible only this long, and its id is refused besides.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(2);

    private readonly EvidenceGate _gate = new();

    /// <exception cref="LicenceTrustException">The request is refused; the code says why (docs/api.md).</exception>
    public async Task<EvidenceAnswer> AnswerAsync(byte[] document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var claimed = EvidenceRequest.ClaimedProvince(document);
        if (claimed is not { } province || !peers.Current.Recognitions.TryGetValue(province, out var recognition))
        {
            var from = claimed?.NodeId ?? "unknown";
            await RefusedAsync(from, "-", $"province={from}", "EVIDENCE_NOT_FROM_PEER", cancellationToken);
            throw LicenceTrustException.Forbidden("EVIDENCE_NOT_FROM_PEER", $"本节点未与{claimed?.NameZh ?? "该省份"}互认，不提供证照 (this node does not share evidence with {from}).");
        }

        if (!_gate.AdmitPeer(province))
        {
            if (_gate.AuditFlood(province, time.GetUtcNow()))
            {
                await RefusedAsync(province.NodeId, "-", $"province={province.NodeId} more than {EvidenceGate.PeerRequestsPerSecond} a second", "EVIDENCE_RATE_LIMITED", cancellationToken);
            }

            throw RateLimited($"{province.NodeId}的调取请求过于频繁 (more than {EvidenceGate.PeerRequestsPerSecond} requests a second from {province.NodeId}).");
        }

        if (trust.Peer(province) is not { } held || EvidenceRequest.TryRead(document, held.Root, out var error) is not { } request)
        {
            await RefusedAsync(province.NodeId, "-", $"province={province.NodeId}", "EVIDENCE_SIGNATURE_INVALID", cancellationToken);
            throw LicenceTrustException.Validation("EVIDENCE_SIGNATURE_INVALID", $"调取请求未经{province.NameZh}的名单签名密钥签名 (the request is not signed under {province.NodeId}'s pinned root).");
        }

        try
        {
            request.CheckTexts();
        }
        catch (LicenceTrustException e)
        {
            // The refused text itself is kept out of the audit: its field and code point say what was wrong.
            await RefusedAsync(province.NodeId, request.Id, $"province={province.NodeId} field={e.Error.Field} character={e.Error.CodePoint}", e.Error.Code, cancellationToken);
            throw;
        }

        if ((time.GetUtcNow() - request.IssuedAt).Duration() > Window)
        {
            await RefusedAsync(province.NodeId, request.Id, Describe(request), "EVIDENCE_REQUEST_EXPIRED", cancellationToken);
            throw LicenceTrustException.Validation("EVIDENCE_REQUEST_EXPIRED", $"调取请求时间超出允许范围 (the request was signed at {request.IssuedAt:O}, more than {Window.TotalMinutes} minutes from now).");
        }

        if (!_gate.AdmitOfficer(province, request.Officer))
        {
            await RefusedAsync(province.NodeId, request.Id, Describe(request), "EVIDENCE_RATE_LIMITED", cancellationToken);
            throw RateLimited($"该工作人员的调取请求过于频繁 (more than {EvidenceGate.OfficerRequestsPerMinute} requests a minute from one officer).");
        }

        var exchange = new Exchange(request.Id, ExchangeSide.Provided, request.Holder, province.NodeId, request.Officer, request.CaseNumber, request.Matter, request.Purpose, request.Types, time.GetUtcNow());
        if (!await store.BeginExchangeAsync(exchange, cancellationToken))
        {
            await RefusedAsync(province.NodeId, request.Id, Describe(request), "EVIDENCE_REQUEST_REPLAYED", cancellationToken);
            throw LicenceTrustException.Conflict("EVIDENCE_REQUEST_REPLAYED", "该调取请求已处理过 (this request was answered before: each request id is used once).");
        }

        try
        {
            var licences = await DecideAsync(request, recognition, cancellationToken);
            var identifiers = licences.Select(l => l.Identifier).ToList();
            await store.FinishExchangeAsync(request.Id, ExchangeSide.Provided, Exchange.Fetched, identifiers, cancellationToken);
            await audit.RecordAsync(SharingEvent.EvidenceProvided, $"peer:{province.NodeId}/{request.Officer}", request.Id,
                $"{Describe(request)} licences={string.Join(',', identifiers)}", time.GetUtcNow(), cancellationToken);
            return new EvidenceAnswer(request.Id, licences);
        }
        catch (LicenceTrustException e)
        {
            await store.FinishExchangeAsync(request.Id, ExchangeSide.Provided, e.Error.Code, [], cancellationToken);
            await RefusedAsync(province.NodeId, request.Id, Describe(request), e.Error.Code, cancellationToken);
            throw;
        }
    }

    /// <summary>The rules on the request's content, the same for a request of this province's own windows (no agreement then).</summary>
    public async Task<IReadOnlyList<HeldLicence>> DecideAsync(EvidenceRequest request, Recognition? recognition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var matter = matters.Get(request.Matter);
        var wanted = new List<MatterLicence>();
        foreach (var typeCode in request.Types.Distinct(StringComparer.Ordinal))
        {
            if (matter.For(typeCode) is not { } licence)
            {
                throw LicenceTrustException.Forbidden("EVIDENCE_NOT_ALLOWED", $"事项“{matter.NameZh}”不需要该类证照 (matter {matter.Code} does not need type {typeCode}).");
            }

            if (recognition is not null && !recognition.Agreement.Covers(licence.Type.Code, time.GetUtcNow()))
            {
                throw LicenceTrustException.Forbidden("EVIDENCE_NOT_ALLOWED", $"{licence.Type.NameZh}不在与{request.Province.NameZh}的互认协议之内 (type {typeCode} is outside the recognition agreement with {request.Province.NodeId}).");
            }

            wanted.Add(licence);
        }

        var holder = HolderHome.Of(request.Holder);
        if (holder.Province != own)
        {
            throw NotFound();
        }

        var needConsent = wanted.Where(w => w.Consent).Select(w => w.Type.Code.Value).ToList();
        if (needConsent.Count > 0)
        {
            if (request.Consent is not { } code)
            {
                throw LicenceTrustException.Forbidden("CONSENT_REQUIRED", $"调取{string.Join("、", wanted.Where(w => w.Consent).Select(w => w.Type.NameZh))}需持证人授权码 (these licence types need the holder's consent code).");
            }

            await consents.UseAsync(code, holder.Code, request.Province, needConsent, cancellationToken);
        }

        var licences = await store.LicencesOfHolderAsync(holder.Code, [.. wanted.Select(w => w.Type.Code.Value)], cancellationToken);
        return licences.Count > 0 ? licences : throw NotFound();
    }

    private static LicenceTrustException NotFound() =>
        LicenceTrustException.NotFound("EVIDENCE_NOT_FOUND", "未找到符合条件的证照 (no licence of these types for this holder here).");

    private static LicenceTrustException RateLimited(string detail) =>
        new(new LicenceTrustError(ErrorKind.TooManyRequests, "EVIDENCE_RATE_LIMITED", detail, RetryAfterSeconds: 1));

    /// <summary>What the audit keeps of a request: no more personal data than the log needs (a citizen ID masked).</summary>
    public static string Describe(EvidenceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var holder = HolderHome.MaskedForLog(request.Holder);
        return $"province={request.Province.NodeId} officer={request.Officer} case={request.CaseNumber} matter={request.Matter} holder={holder} types={string.Join(',', request.Types)} consent={(request.Consent is null ? "no" : "yes")}";
    }

    private Task RefusedAsync(string province, string subject, string data, string code, CancellationToken cancellationToken) =>
        audit.RecordAsync(SharingEvent.EvidenceRefused, $"peer:{province}", subject, $"{data} refused={code}", time.GetUtcNow(), cancellationToken);
}
