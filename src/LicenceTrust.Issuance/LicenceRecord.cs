using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Status;

namespace LicenceTrust.Issuance;

/// <summary>A licence as the issuing node stores it: the full licence, its status and its credential.</summary>
/// <param name="Licence">The licence with the full holder code (personal data: node-internal).</param>
/// <param name="Status">Current status.</param>
/// <param name="StatusList">The status list the licence has a slot in.</param>
/// <param name="StatusIndex">Its slot in that list.</param>
/// <param name="QrText">The signed credential.</param>
/// <param name="IssuedAt">When it was signed.</param>
/// <param name="IssuedBy">The actor that issued it.</param>
/// <param name="Supersedes">The identifier of the licence this one replaced, if any.</param>
/// <param name="SupersededBy">The identifier of the licence that replaced this one, if any.</param>
public sealed record LicenceRecord(
    Licence Licence,
    LicenceStatus Status,
    int StatusList,
    int StatusIndex,
    string QrText,
    DateTimeOffset IssuedAt,
    string IssuedBy,
    string? Supersedes = null,
    string? SupersededBy = null)
{
    public string Identifier => Licence.Identifier.Value;
}

/// <summary>One status change, as kept in a licence's history.</summary>
public sealed record StatusEvent(string Identifier, LicenceStatus From, LicenceStatus To, string Reason, string Actor, DateTimeOffset At);

/// <summary>A page of a listing.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, long Total);

/// <summary>Filters for listing an authority's licences.</summary>
/// <param name="AuthorityCode">Only this authority's licences (null = all, for admins).</param>
/// <param name="TypeCode">Only this type.</param>
/// <param name="Status">Only this status.</param>
/// <param name="PageNumber">1-based page.</param>
/// <param name="PageSize">1–200.</param>
public sealed record LicenceQuery(string? AuthorityCode, string? TypeCode, LicenceStatus? Status, int PageNumber = 1, int PageSize = 50)
{
    /// <summary>A licence number, identifier or holder code (exact), or part of a holder name.</summary>
    public string? Text { get; init; }

    /// <summary>Issued at or after this moment.</summary>
    public DateTimeOffset? IssuedFrom { get; init; }

    /// <summary>Issued before this moment.</summary>
    public DateTimeOffset? IssuedBefore { get; init; }

    /// <summary>The order; ties are broken by identifier, so pages are stable.</summary>
    public LicenceSort Sort { get; init; } = LicenceSort.NewestFirst;
}

/// <summary>Orders of a licence listing.</summary>
public enum LicenceSort
{
    NewestFirst,
    OldestFirst,
    Number,
    HolderName,
}
