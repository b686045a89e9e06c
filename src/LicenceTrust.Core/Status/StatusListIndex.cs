namespace LicenceTrust.Core.Status;

/// <summary>One entry of a node's status-list index: the list's id, its URI and its change counter.</summary>
public sealed record StatusListIndexEntry(int Id, string Uri, long Version);

/// <summary>A node's status-list index at <c>/api/v1/status-lists</c>: written by its publisher, read by its peers' sync.</summary>
public sealed record StatusListIndex(IReadOnlyList<StatusListIndexEntry> Lists);
