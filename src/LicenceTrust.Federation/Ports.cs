namespace LicenceTrust.Federation;

/// <summary>A peer's signed document as last fetched and accepted: its trust list, or one of its status lists.</summary>
/// <param name="Peer">The peer's node id, e.g. <c>sc</c>.</param>
/// <param name="Kind"><c>trust-list</c>, or <c>status-list:</c> + the list's URI.</param>
/// <param name="Sequence">The trust list's sequence, or the peer's change counter of the status list when it was fetched (both only grow).</param>
/// <param name="ETag">The peer's ETag, for conditional requests.</param>
/// <param name="Document">The signed bytes, exactly as the peer served them.</param>
/// <param name="FetchedAt">When the peer last confirmed it (a 304 counts): freshness is measured from here.</param>
public sealed record PeerDocument(string Peer, string Kind, long Sequence, string? ETag, byte[] Document, DateTimeOffset FetchedAt);

/// <summary>Which version of a peer document the database holds, without its bytes: what a replica compares with what it holds.</summary>
public sealed record PeerDocumentVersion(string Peer, string Kind, long Sequence);

/// <summary>An issuer certificate withdrawn by its province (this node's own, or a peer's by notice).</summary>
public sealed record Withdrawal(string Fingerprint, string Province, string Reason, DateTimeOffset At, string NoticeId, long NoticeSequence, byte[] Notice);

/// <summary>Federation's storage: the last good copy of each peer document, withdrawals, trust-list versions.</summary>
public interface IFederationStore
{
    Task<IReadOnlyList<PeerDocument>> PeerDocumentsAsync(string peer, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the document of that peer and kind.</summary>
    Task SavePeerDocumentAsync(PeerDocument document, CancellationToken cancellationToken);

    /// <summary>The version of every stored peer document, without the documents: small enough to ask twice a second.</summary>
    Task<IReadOnlyList<PeerDocumentVersion>> PeerDocumentVersionsAsync(CancellationToken cancellationToken);

    /// <summary>Deletes the document of that peer and kind (a status list the peer no longer serves); nothing when there is none.</summary>
    Task DeletePeerDocumentAsync(string peer, string kind, CancellationToken cancellationToken);

    /// <summary>Records that the peer confirmed the stored document unchanged (304).</summary>
    Task TouchPeerDocumentAsync(string peer, string kind, DateTimeOffset fetchedAt, CancellationToken cancellationToken);

    Task<IReadOnlyList<Withdrawal>> WithdrawalsAsync(CancellationToken cancellationToken);

    /// <summary>Stores a withdrawal; false when that certificate, notice id or (province, sequence) is already recorded.</summary>
    Task<bool> AddWithdrawalAsync(Withdrawal withdrawal, CancellationToken cancellationToken);

    /// <summary>The latest trust-list version of this node, if any.</summary>
    Task<(long Sequence, string ContentHash, DateTimeOffset IssuedAt)?> LastTrustListVersionAsync(CancellationToken cancellationToken);

    Task AddTrustListVersionAsync(long sequence, string contentHash, DateTimeOffset issuedAt, CancellationToken cancellationToken);
}
