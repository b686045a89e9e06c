using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Core.Status;

/// <summary>The answer of a status look-up: the status, or why it could not be had.</summary>
/// <param name="Status">The licence's status; null when it could not be determined.</param>
/// <param name="Source">Whose data answered, e.g. <c>cq:database</c>.</param>
/// <param name="AsOf">How fresh the answer is.</param>
/// <param name="Failure">Why there is no status (CHECK reasons: STATUS_UNKNOWN, PEER_UNREACHABLE, STATUS_STALE).</param>
public sealed record StatusLookup(LicenceStatus? Status, string Source, DateTimeOffset? AsOf, ReasonCode Failure = ReasonCode.None)
{
    public static StatusLookup Found(LicenceStatus status, string source, DateTimeOffset asOf) => new(status, source, asOf);

    public static StatusLookup Unavailable(ReasonCode reason, string source) => new(null, source, null, reason);
}

/// <summary>Where a licence's status comes from: this node's database, or the peer's synced lists.</summary>
public interface IStatusSource
{
    Task<StatusLookup> LookupAsync(Licence licence, StatusReference reference, CancellationToken cancellationToken);

    /// <summary>
    /// When and why the licence's status last changed, as its issuing node recorded it; null when the
    /// source cannot tell (a status list carries bits only). Asked only for licences not in force, so
    /// it is off the hot path.
    /// </summary>
    Task<StatusChangeDetail?> LastChangeAsync(Licence licence, CancellationToken cancellationToken) => Task.FromResult<StatusChangeDetail?>(null);
}

/// <summary>The last status change of a licence: when, and the issuing authority's own reason (its words, shown as is).</summary>
public sealed record StatusChangeDetail(DateTimeOffset At, string Reason);

/// <summary>
/// The two status sources a node has, by the service key the modules register them under: this
/// province's own lists (the Status module) and every other province's synced lists (the Federation
/// module). Verification asks the one for the licence's province (<c>StatusByProvince</c>).
/// </summary>
public static class StatusSources
{
    /// <summary>This node's own province's licences.</summary>
    public const string OwnProvince = "own-province";

    /// <summary>Every other province's licences.</summary>
    public const string OtherProvinces = "other-provinces";
}
