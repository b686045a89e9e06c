using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Issuance;
using LicenceTrust.Verification;

namespace LicenceTrust.Server.Hosting;

/// <summary>Status of this node's own licences, from its database (always current).</summary>
public sealed class LocalStatusSource(IIssuanceStore store, Province province, TimeProvider time) : IStatusSource
{
    public async Task<StatusLookup> LookupAsync(Licence licence, StatusReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(licence);
        var record = await store.FindAsync(licence.Identifier.Value, cancellationToken);
        return record is null
            ? StatusLookup.Unavailable(ReasonCode.StatusUnknown, $"{province.NodeId}:database")
            : StatusLookup.Found(record.Status, $"{province.NodeId}:database", time.GetUtcNow());
    }
}
