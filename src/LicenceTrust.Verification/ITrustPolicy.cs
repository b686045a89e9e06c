using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Verification;

/// <summary>
/// The federation rules the pipeline asks about (docs/federation.md): why an issuer is unknown, whether the
/// licence's province and type are recognised here and the trust behind it is fresh, and which
/// trust-list version answered. Implementations must be thread-safe.
/// </summary>
public interface ITrustPolicy
{
    /// <summary>A more precise reason than UNKNOWN_ISSUER (ISSUER_WITHDRAWN, PEER_UNREACHABLE), or None.</summary>
    ReasonCode ExplainUnknownIssuer(DecodedCredential credential);

    /// <summary>None when recognised; TYPE_NOT_RECOGNISED (INVALID) or TRUST_LIST_STALE (CHECK) otherwise.</summary>
    ReasonCode CheckRecognition(DecodedCredential credential, DateTimeOffset now);

    /// <summary>The sequence of the trust list that vouches for the province's issuers at this node.</summary>
    long? TrustListSequence(Province province);
}

/// <summary>A node without peers: only its own province is recognised.</summary>
public sealed class SingleProvincePolicy(Province own) : ITrustPolicy
{
    public ReasonCode ExplainUnknownIssuer(DecodedCredential credential) => ReasonCode.None;

    public ReasonCode CheckRecognition(DecodedCredential credential, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return credential.Claims.Licence.Province == own ? ReasonCode.None : ReasonCode.TypeNotRecognised;
    }

    public long? TrustListSequence(Province province) => null;
}
