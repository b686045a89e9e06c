using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Trust;
using LicenceTrust.Verification;

namespace LicenceTrust.Federation;

/// <summary>A configured peer with the agreement that says which of its licence types this node recognises.</summary>
public sealed record Recognition(PeerOptions Options, RecognitionAgreement Agreement);

/// <summary>
/// The federation rules of docs/federation.md: a peer licence is recognised only if the agreement covers its
/// type and the peer's trust list is fresh; an unknown issuer is explained when its key was withdrawn
/// or the peer was never reached. Thread-safe.
/// </summary>
/// <param name="peers">The peers in force (read at each question: peers can be reconfigured while the node runs); their syncs fetch a trust list again to confirm an unknown issuer.</param>
public sealed class FederationPolicy(FederatedTrust trust, Func<PeerSet> peers, Func<long?> ownSequence) : ITrustPolicy
{
    /// <summary>A peer's trust list confirmed by the peer this recently counts as current.</summary>
    public static readonly TimeSpan ConfirmedWithin = TimeSpan.FromSeconds(2);

    public Task<bool> ConfirmIssuersAsync(Province province, CancellationToken cancellationToken)
    {
        if (province == trust.Own)
        {
            return Task.FromResult(true);
        }

        return peers().Syncs.FirstOrDefault(s => s.State.Options.Province == province.NodeId) is { } sync
            ? sync.ConfirmTrustListAsync(ConfirmedWithin, cancellationToken)
            : Task.FromResult(false);
    }

    public ReasonCode ExplainUnknownIssuer(DecodedCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        if (trust.IsWithdrawn(credential.Kid))
        {
            return ReasonCode.IssuerWithdrawn;
        }

        var province = credential.Claims.Licence.Province;
        if (province == trust.Own)
        {
            return ReasonCode.None;
        }

        // A licence claiming a province whose trust list never arrived cannot be judged: CHECK, not red.
        return !peers().Recognitions.ContainsKey(province) ? ReasonCode.TypeNotRecognised
            : trust.Peer(province) is null ? ReasonCode.PeerUnreachable
            : ReasonCode.None;
    }

    public ReasonCode CheckRecognition(DecodedCredential credential, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var licence = credential.Claims.Licence;
        if (licence.Province == trust.Own)
        {
            return ReasonCode.None;
        }

        if (!peers().Recognitions.TryGetValue(licence.Province, out var recognition) || !recognition.Agreement.Covers(licence.TypeCode, credential.Claims.IssuedAt))
        {
            return ReasonCode.TypeNotRecognised;
        }

        return trust.Peer(licence.Province) is not { } peer ? ReasonCode.PeerUnreachable
            : now - peer.FetchedAt > recognition.Options.TrustListMaxAge ? ReasonCode.TrustListStale
            : ReasonCode.None;
    }

    public IReadOnlyList<TrustedIssuer> FindByKid(KeyId kid) => trust.FindByKid(kid);

    public long? TrustListSequence(Province province) => province == trust.Own ? ownSequence() : trust.Peer(province)?.List.Sequence;
}
