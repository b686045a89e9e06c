using LicenceTrust.Core.Status;

namespace LicenceTrust.Status;

/// <summary>A status list's size, its change counter and when it last changed.</summary>
public sealed record StatusListInfo(int Id, int Size, long Version, DateTimeOffset UpdatedAt);

/// <summary>An occupied slot of a status list: its licence's status, and the licence (null for a slot recovered after a restore, whose licence this database never held).</summary>
public sealed record StatusSlot(int Index, LicenceStatus Status, string? Identifier);

/// <summary>A committed status change with the licence's status-list slot.</summary>
public sealed record StatusChange(string Identifier, int StatusList, int StatusIndex, LicenceStatus Status);

/// <summary>
/// Where the Status capability reads this node's status lists: the slots in use with their licences'
/// statuses, each list's change counter, and a licence's exact status and last change. Storage
/// implements it on the same tables Issuance writes.
/// </summary>
public interface IStatusListStore
{
    /// <summary>Only the licence's current status (the verification hot path: no licence to rebuild); null when unknown.</summary>
    Task<LicenceStatus?> StatusOfAsync(string identifier, CancellationToken cancellationToken);

    /// <summary>The list's size and change counter, or null when there is no such list.</summary>
    Task<StatusListInfo?> StatusListAsync(int list, CancellationToken cancellationToken);

    /// <summary>Every status list, in id order.</summary>
    Task<IReadOnlyList<StatusListInfo>> StatusListsAsync(CancellationToken cancellationToken);

    /// <summary>Every occupied slot of a list with its licence and that licence's status.</summary>
    Task<IReadOnlyList<StatusSlot>> StatusListEntriesAsync(int list, CancellationToken cancellationToken);

    /// <summary>
    /// Each licence of the list that is not valid, with its exact status and its last change's date and reason,
    /// in slot order: the details a status list carries for the peers (docs/format.md §13).
    /// </summary>
    Task<IReadOnlyList<StatusDetail>> StatusListDetailsAsync(int list, CancellationToken cancellationToken);

    /// <summary>When and why the licence's status last changed; null when it never did.</summary>
    Task<StatusChangeDetail?> LastChangeAsync(string identifier, CancellationToken cancellationToken);

    /// <summary>
    /// Whether <paramref name="exception"/> means the store cannot be reached now (the database is down),
    /// as opposed to a bug: then the lists in memory keep answering. Status knows no database types.
    /// </summary>
    bool IsUnavailable(Exception exception);
}

/// <summary>
/// The port Issuance calls after a status change has committed, so this node's status lists in memory
/// show it on the next verification. Implementations must be fast and must not throw.
/// </summary>
public interface IStatusChangeSink
{
    void Committed(StatusChange change);
}
