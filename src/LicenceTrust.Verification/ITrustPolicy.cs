using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Verification;

/// <summary>
/// The federation rules the pipeline asks about (docs/federation.md): why an issuer is unknown, whether the
/// licence's province and type are recognised here and the trust behind it is fresh, and which
/// trust-list version answered. Implementations must be thread-safe.
/// </summary>
public interface ITrustPolicy
{
    /// <summary>The trusted issuer certificates with this kid, own and peers' (usually one; kids can collide).</summary>
    IReadOnlyList<TrustedIssuer> FindByKid(KeyId kid);

    /// <summary>A more precise reason than UNKNOWN_ISSUER (ISSUER_WITHDRAWN, PEER_UNREACHABLE), or None.</summary>
    ReasonCode ExplainUnknownIssuer(DecodedCredential credential);

    /// <summary>None when recognised; TYPE_NOT_RECOGNISED (INVALID) or TRUST_LIST_STALE (CHECK) otherwise.</summary>
    ReasonCode CheckRecognition(DecodedCredential credential, DateTimeOffset now);

    /// <summary>The sequence of the trust list that vouches for the province's issuers at this node.</summary>
    long? TrustListSequence(Province province);

    /// <summary>
    /// For a credential of another province whose kid is not on that province's trust list held here: whether
    /// the list held is current, so that "unknown issuer" is a firm answer. A list the province confirmed moments
    /// ago is; otherwise the province is asked again now (one request at a time, at most one a second, waiting
    /// at most its timeout), so a genuine new issuer is found before its first licence is judged. False when it
    /// could not be asked: then the answer is CHECK, never a firm INVALID. Own province: always true.
    /// </summary>
    Task<bool> ConfirmIssuersAsync(Province province, CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>
    /// Everything the pipeline needs from the trust policy, asked once per credential: the issuer
    /// candidates for its kid, why an unknown kid is unknown, whether the licence is recognised here,
    /// and which trust list vouches for its province.
    /// </summary>
    TrustJudgement Judge(DecodedCredential credential, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var issuers = FindByKid(credential.Kid);
        return new TrustJudgement(issuers, issuers.Count == 0 ? ExplainUnknownIssuer(credential) : ReasonCode.None,
            CheckRecognition(credential, now), TrustListSequence(credential.Claims.Licence.Province));
    }
}

/// <summary>The trust policy's answers for one credential (<see cref="ITrustPolicy.Judge"/>).</summary>
/// <param name="Issuers">Trusted certificates with the credential's kid.</param>
/// <param name="UnknownIssuerReason">When there are none: a more precise reason than UNKNOWN_ISSUER, or None.</param>
/// <param name="Recognition">None when the licence's province and type are recognised here.</param>
/// <param name="TrustListSequence">The trust list that vouches for the province, when there is one.</param>
public sealed record TrustJudgement(IReadOnlyList<TrustedIssuer> Issuers, ReasonCode UnknownIssuerReason, ReasonCode Recognition, long? TrustListSequence);
