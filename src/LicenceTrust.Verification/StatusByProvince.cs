using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Status;

namespace LicenceTrust.Verification;

/// <summary>
/// Status by the licence's province: this node's own lists (the Status capability) for its own
/// licences, the federated source for every other province. A licence of this province never goes
/// through Federation for its status.
/// </summary>
public sealed class StatusByProvince(Province own, IStatusSource ownLists, IStatusSource otherProvinces) : IStatusSource
{
    public Task<StatusLookup> LookupAsync(Licence licence, StatusReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(licence);
        return (licence.Province == own ? ownLists : otherProvinces).LookupAsync(licence, reference, cancellationToken);
    }

    public Task<StatusChangeDetail?> LastChangeAsync(Licence licence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(licence);
        return (licence.Province == own ? ownLists : otherProvinces).LastChangeAsync(licence, cancellationToken);
    }
}
