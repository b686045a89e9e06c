using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Text;
using LicenceTrust.Core.Trust;
using LicenceTrust.Federation;

namespace LicenceTrust.Sharing;

/// <summary>What a window asks for: the holder, the matter, the case, the consent code the holder read out, and which of the matter's types (all, when none are named).</summary>
public sealed record EvidenceAsk(string? HolderCode, string? Matter, string? CaseNumber, string? ConsentCode, IReadOnlyList<string>? Types, string? Purpose);

/// <summary>What came back: where from, for which matter, and each licence's credential (verified by the caller as a scan).</summary>
public sealed record EvidenceFetch(string RequestId, Province Home, Matter Matter, IReadOnlyList<HeldLicence> Licences);

/// <summary>
/// A window of this province fetching a holder's licences for a case (docs/federation.md §9): the holder's home
/// province follows from the holder's code; the request is signed by this node's list signer and posted to that
/// province's node over its pinned (mTLS) channel; the answer's credentials are verified by the caller exactly as
/// scanned ones. A holder of this province is answered here, by the same rules. Recorded and audited.
/// </summary>
public sealed class EvidenceRequester(FederationPeers peers, FederationSite site, EvidenceProvider provider, MatterCatalogue matters, ISharingStore store, ISharingAudit audit,
    Province own, TimeProvider time)
{
    /// <summary>The peer's inbox for evidence requests.</summary>
    public const string InboxPath = "/api/v1/federation/evidence";

    /// <summary>The answer's largest size read (three licences are a few kB).</summary>
    public const int MaxAnswerBytes = 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="officer">The clerk as the audit names them (a staff user name, a partner key's name): masked before it leaves the node.</param>
    /// <exception cref="LicenceTrustException">The ask is refused here, or by the home node (its code passed on).</exception>
    public async Task<EvidenceFetch> FetchAsync(EvidenceAsk ask, string officer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ask);
        Matter matter;
        HolderHome holder;
        EvidenceRequest request;
        try
        {
            (matter, holder, request) = Prepare(ask, officer);
        }
        catch (LicenceTrustException e)
        {
            // Refused here, before anything is asked: audited all the same (a clerk trying codes leaves a trace), by
            // its code and field only, never what was typed.
            await audit.RecordAsync(SharingEvent.EvidenceRequested, officer, "-", $"refused={e.Error.Code} field={e.Error.Field ?? "-"}", time.GetUtcNow(), cancellationToken);
            throw;
        }

        var exchange = new Exchange(request.Id, ExchangeSide.Requested, holder.Code, holder.Province.NodeId, request.Officer, request.CaseNumber, matter.Code, request.Purpose, request.Types,
            request.IssuedAt);
        await store.BeginExchangeAsync(exchange, cancellationToken);
        try
        {
            var licences = holder.Province == own
                ? await provider.DecideAsync(request, null, cancellationToken)
                : await AskPeerAsync(holder.Province, request, cancellationToken);
            var identifiers = licences.Select(l => l.Identifier).ToList();
            await store.FinishExchangeAsync(request.Id, ExchangeSide.Requested, Exchange.Fetched, identifiers, cancellationToken);
            await audit.RecordAsync(SharingEvent.EvidenceRequested, officer, request.Id, $"{EvidenceProvider.Describe(request)} home={holder.Province.NodeId} licences={string.Join(',', identifiers)}",
                time.GetUtcNow(), cancellationToken);
            return new EvidenceFetch(request.Id, holder.Province, matter, licences);
        }
        catch (LicenceTrustException e)
        {
            await store.FinishExchangeAsync(request.Id, ExchangeSide.Requested, e.Error.Code, [], cancellationToken);
            await audit.RecordAsync(SharingEvent.EvidenceRequested, officer, request.Id, $"{EvidenceProvider.Describe(request)} home={holder.Province.NodeId} refused={e.Error.Code}",
                time.GetUtcNow(), cancellationToken);
            throw;
        }
    }

    /// <summary>What this node checks alone before it signs anything: the matter and each type it needs, the holder's code, the texts, the consent code's form.</summary>
    private (Matter Matter, HolderHome Holder, EvidenceRequest Request) Prepare(EvidenceAsk ask, string officer)
    {
        var matter = matters.Get(ask.Matter);
        var holder = HolderHome.Of(ask.HolderCode);
        var caseNumber = Text(ask.CaseNumber, "caseNumber", "办件编号");
        var purpose = ask.Purpose is null ? matter.NameZh : Text(ask.Purpose, "purpose", "用途");
        var types = ask.Types is { Count: > 0 } named ? named.Distinct(StringComparer.Ordinal).ToList() : [.. matter.Licences.Select(l => l.Type.Code.Value)];
        if (types.Count > EvidenceRequest.MaxTypes)
        {
            throw LicenceTrustException.Validation("FIELD_INVALID", $"一次最多调取{EvidenceRequest.MaxTypes}类证照 (at most {EvidenceRequest.MaxTypes} types a request).", "types");
        }

        if (types.Any(t => matter.For(t) is null))
        {
            throw LicenceTrustException.Forbidden("EVIDENCE_NOT_ALLOWED", $"事项“{matter.NameZh}”不需要所列的某类证照 (matter {matter.Code} does not need every type named).");
        }

        var consent = string.IsNullOrWhiteSpace(ask.ConsentCode) ? null : ask.ConsentCode.Trim();
        if (consent is not null && (consent.Length != ConsentCodes.Digits || consent.AsSpan().ContainsAnyExceptInRange('0', '9')))
        {
            throw LicenceTrustException.Forbidden("CONSENT_INVALID", $"授权码应为{ConsentCodes.Digits}位数字 (a consent code is {ConsentCodes.Digits} digits).");
        }

        return (matter, holder, new EvidenceRequest(own, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), time.GetUtcNow(), Mask(officer), caseNumber, matter.Code,
            holder.Code, types, consent, purpose));
    }

    private async Task<IReadOnlyList<HeldLicence>> AskPeerAsync(Province home, EvidenceRequest request, CancellationToken cancellationToken)
    {
        if (!peers.Current.States.TryGetValue(home, out var state) || !peers.Current.Recognitions.TryGetValue(home, out var recognition))
        {
            throw LicenceTrustException.Forbidden("EVIDENCE_PEER_UNKNOWN", $"本节点未与{home.NameZh}互认，无法调取 (this node does not federate with {home.NodeId}).");
        }

        // Nothing is asked for that this province would not recognise: the home node is not told of a request it need not see.
        if (request.Types.FirstOrDefault(t => !LicenceTypeCode.TryParse(t, out var code, out _) || !recognition.Agreement.Covers(code, time.GetUtcNow())) is { } outside)
        {
            throw LicenceTrustException.Forbidden("EVIDENCE_NOT_ALLOWED", $"本省与{home.NameZh}的互认协议不含该类证照 (type {outside} of {home.NodeId} is outside this province's recognition agreement).");
        }

        try
        {
            using var response = await state.PostSignedAsync(InboxPath, EvidenceRequest.MediaType, request.Sign(site.ListSigner, site.ListSignerCertificateDer),
                TimeSpan.FromSeconds(state.Options.TimeoutSeconds), cancellationToken);
            if (response.Content.Headers.ContentLength > MaxAnswerBytes)
            {
                throw Unavailable(home, "its answer is too large");
            }

            if (response.StatusCode == HttpStatusCode.OK)
            {
                var answer = await response.Content.ReadFromJsonAsync<EvidenceAnswer>(Json, cancellationToken);
                return answer is { } a && a.RequestId == request.Id && a.Licences is not null ? a.Licences : throw Unavailable(home, "its answer is not for this request");
            }

            // The home node's refusal, passed on with its code (both nodes share one problem catalogue).
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken);
            var code = problem.TryGetProperty("code", out var c) && c.GetString() is { } text ? ProblemCatalogue.Find(text) : null;
            throw code is null ? Unavailable(home, $"it answered {(int)response.StatusCode}")
                : new LicenceTrustException(new LicenceTrustError(ProblemCatalogue.KindOf(code), code.Code,
                    $"{home.NameZh}节点：{(problem.TryGetProperty("detail", out var d) ? d.GetString() : code.MeaningZh)}", RetryAfterSeconds: code.Status == 429 ? 1 : null));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or NotSupportedException && !cancellationToken.IsCancellationRequested)
        {
            throw Unavailable(home, e is TaskCanceledException ? $"no answer within {state.Options.TimeoutSeconds} s" : state.Describe(e));
        }
    }

    private static LicenceTrustException Unavailable(Province home, string why) =>
        new(new LicenceTrustError(ErrorKind.Unavailable, "EVIDENCE_PEER_UNAVAILABLE", $"{home.NameZh}节点暂时无法应答，请稍后重试 ({home.NodeId} could not answer: {why})."));

    /// <summary>
    /// The officer as the other province sees them: the first character and the last two, the rest hidden. Counted in
    /// text elements, so a name with a character outside the BMP (GB 18030's rare characters) is never cut inside it.
    /// </summary>
    public static string Mask(string officer)
    {
        ArgumentNullException.ThrowIfNull(officer);
        var elements = StringInfo.GetTextElementEnumerator(officer);
        var parts = new List<string>();
        while (elements.MoveNext())
        {
            parts.Add(elements.GetTextElement());
        }

        return parts.Count <= 3 ? new string('*', parts.Count) : parts[0] + new string('*', Math.Min(parts.Count - 3, 8)) + parts[^2] + parts[^1];
    }

    /// <summary>A window's text that is signed into the request: through the text policy first, then 1 to <see cref="EvidenceRequest.MaxText"/> characters.</summary>
    public static string Text(string? value, string field, string nameZh) =>
        TextPolicy.Clean(value?.Trim(), field) is { Length: > 0 and <= EvidenceRequest.MaxText } text ? text
            : throw LicenceTrustException.Validation("FIELD_INVALID", $"{nameZh}为空或超过{EvidenceRequest.MaxText}个字符 ({field} is empty or longer than {EvidenceRequest.MaxText} characters).", field);
}
