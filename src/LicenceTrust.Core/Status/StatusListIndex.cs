namespace LicenceTrust.Core.Status;

/// <summary>One entry of a node's status-list index: the list's id, its URI and its change counter.</summary>
public sealed record StatusListIndexEntry(int Id, string Uri, long Version);

/// <summary>A node's status-list index at <c>/api/v1/status-lists</c>: written by its publisher, read by its peers' sync.</summary>
/// <param name="Lists">Each list with its change counter.</param>
/// <param name="TrustListSequence">The sequence of the node's trust list now, so one conditional request tells a peer whether anything moved (null from a node before it).</param>
public sealed record StatusListIndex(IReadOnlyList<StatusListIndexEntry> Lists, long? TrustListSequence = null);
