namespace LicenceTrust.Core.Status;

/// <summary>
/// "What this node publishes to its peers has changed": a status change committed here, or a new trust list.
/// Status and Federation raise it; the federation's announcer listens and tells the peers at once
/// (docs/federation.md §3). Raising never blocks and never throws into the caller. Thread-safe.
/// </summary>
public sealed class PublicationSignal
{
    /// <summary>Raised on each change; handlers must be fast (the announcer only wakes its loop).</summary>
    public event Action? Changed;

    public void Raise() => Changed?.Invoke();
}

/// <summary>Where the federation reads this node's status-list index for a change notice (Status implements it).</summary>
public interface IStatusListIndex
{
    /// <summary>Every list with its URI and change counter.</summary>
    Task<IReadOnlyList<StatusListIndexEntry>> IndexAsync(CancellationToken cancellationToken);
}
