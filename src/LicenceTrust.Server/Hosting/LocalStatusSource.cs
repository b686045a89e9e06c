using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Issuance;
using LicenceTrust.Verification;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// Status from this node's own database, for licences of its province. Licences of the other
/// province answer PEER_UNREACHABLE (CHECK) until federation (issue 5) syncs the peer's status lists.
/// </summary>
public sealed class LocalStatusSource(IIssuanceStore store, Province province, TimeProvider time) : IStatusSource
{
    public async Task<StatusLookup> LookupAsync(Licence licence, StatusReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(licence);
        if (licence.Province != province)
        {
            return StatusLookup.Unavailable(ReasonCode.PeerUnreachable, $"{licence.Province.NodeId}:not-federated");
        }

        var record = await store.FindAsync(licence.Identifier.Value, cancellationToken);
        return record is null
            ? StatusLookup.Unavailable(ReasonCode.StatusUnknown, $"{province.NodeId}:database")
            : StatusLookup.Found(record.Status, $"{province.NodeId}:database", time.GetUtcNow());
    }
}
