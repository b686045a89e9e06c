using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Status;

namespace LicenceTrust.Issuance;

/// <summary>
/// Storage for issuance. Implementations run <see cref="InTransactionAsync{T}"/> as one database
/// transaction with writers serialised, so a status change, its status-list update and its audit
/// entry commit together or not at all (docs/architecture.md, "Revoke").
/// </summary>
public interface IIssuanceStore
{
    Task<T> InTransactionAsync<T>(Func<IIssuanceUnit, Task<T>> work, CancellationToken cancellationToken);

    Task<LicenceRecord?> FindAsync(string identifier, CancellationToken cancellationToken);

    Task<Page<LicenceRecord>> ListAsync(LicenceQuery query, CancellationToken cancellationToken);

    /// <summary>The status changes of a licence, oldest first.</summary>
    Task<IReadOnlyList<StatusEvent>> HistoryAsync(string identifier, CancellationToken cancellationToken);

    /// <summary>The whole audit log in sequence order.</summary>
    Task<IReadOnlyList<AuditEntry>> AuditLogAsync(CancellationToken cancellationToken);

    /// <summary>The audit entries about one subject (a licence identifier, an officer), in sequence order.</summary>
    Task<IReadOnlyList<AuditEntry>> AuditOfAsync(string subject, CancellationToken cancellationToken);

    /// <summary>The audit entries of these sequence numbers (those that exist).</summary>
    Task<IReadOnlyList<AuditEntry>> AuditEntriesAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken);

    /// <summary>A page of the audit log under the auditor's filters, newest first, with the number of entries they match.</summary>
    Task<Page<AuditEntry>> SearchAuditAsync(AuditQuery query, CancellationToken cancellationToken);

    Task<ApprovalRequest?> FindApprovalAsync(long id, CancellationToken cancellationToken);

    /// <summary>An administrator's request (<see cref="AdminRequests"/>), or null.</summary>
    Task<AdminRequest?> FindAdminRequestAsync(long id, CancellationToken cancellationToken);

    /// <summary>Administrators' requests in the state (null: any), oldest first.</summary>
    Task<IReadOnlyList<AdminRequest>> ListAdminRequestsAsync(ApprovalState? state, CancellationToken cancellationToken);

    /// <summary>Requests, newest first.</summary>
    Task<Page<ApprovalRequest>> ListApprovalsAsync(ApprovalQuery query, CancellationToken cancellationToken);

    /// <summary>Licences by status and by type, and how many were issued since a moment: the dashboard's counts.</summary>
    Task<LicenceCounts> CountAsync(string? authorityCode, DateTimeOffset issuedSince, CancellationToken cancellationToken);

    /// <summary>The latest status changes, newest first.</summary>
    Task<IReadOnlyList<StatusEvent>> RecentStatusEventsAsync(string? authorityCode, int limit, CancellationToken cancellationToken);

    Task<BatchJob?> FindBatchAsync(long id, CancellationToken cancellationToken);

    /// <summary>Jobs, newest first.</summary>
    Task<IReadOnlyList<BatchJob>> ListBatchesAsync(string? authorityCode, int limit, CancellationToken cancellationToken);

    /// <summary>The uploaded file, as stored.</summary>
    Task<byte[]> BatchContentAsync(long id, CancellationToken cancellationToken);

    /// <summary>A job's row errors, by line.</summary>
    Task<IReadOnlyList<BatchRowError>> BatchErrorsAsync(long id, CancellationToken cancellationToken);

    /// <summary>
    /// In one write transaction: the oldest job that is queued, or running with its lease renewed before
    /// <paramref name="lapsedBefore"/>, becomes running under <paramref name="runner"/>'s lease; null when there is none.
    /// </summary>
    Task<BatchJob?> ClaimBatchAsync(string runner, DateTimeOffset at, DateTimeOffset lapsedBefore, CancellationToken cancellationToken);

    /// <summary>Gives up a runner's lease (a clean stop), so the job can be claimed at once.</summary>
    Task ReleaseBatchAsync(long id, string runner, CancellationToken cancellationToken);
}

/// <summary>A live licence (valid or suspended) found by its number: of which type, under which identifier.</summary>
public sealed record LiveNumber(string TypeCode, string Number, string Identifier);

/// <summary>Counts for the console's dashboard.</summary>
public sealed record LicenceCounts(IReadOnlyDictionary<LicenceStatus, long> ByStatus, IReadOnlyDictionary<string, long> ByType, long IssuedSince);

/// <summary>The operations available inside one issuance transaction.</summary>
public interface IIssuanceUnit
{
    Task<LicenceRecord?> FindAsync(string identifier);

    /// <summary>Reserves <paramref name="count"/> consecutive serial numbers of an authority (1, 2, …); returns the first.</summary>
    Task<long> ReserveSerialsAsync(string authorityCode, int count);

    /// <summary>The earlier records of an authority for any of these idempotency keys, by key.</summary>
    Task<IReadOnlyDictionary<string, LicenceRecord>> FindByIdempotencyKeysAsync(string authorityCode, IReadOnlyCollection<string> idempotencyKeys);

    /// <summary>Which of the candidate slots of a list are taken.</summary>
    Task<IReadOnlySet<int>> TakenSlotsAsync(int list, IReadOnlyCollection<int> candidates);

    /// <summary>Inserts many licences (with their idempotency keys) in as few statements as the engine allows.</summary>
    Task InsertLicencesAsync(IReadOnlyList<(LicenceRecord Record, string? IdempotencyKey)> records);

    /// <summary>Inserts many audit entries, already chained, in as few statements as the engine allows.</summary>
    Task InsertAuditsAsync(IReadOnlyList<AuditEntry> entries);

    /// <summary>The list new licences get slots in, opening a new one of <paramref name="size"/> when the current is half full.</summary>
    Task<(int List, int Size)> OpenStatusListAsync(int size, DateTimeOffset at);

    Task InsertLicenceAsync(LicenceRecord record, string? idempotencyKey);

    /// <summary>Sets the status only if it is still <paramref name="from"/>; false when it is not (a concurrent change).</summary>
    Task<bool> ChangeStatusAsync(string identifier, LicenceStatus from, LicenceStatus to, string? supersededBy);

    Task InsertStatusEventAsync(StatusEvent statusEvent);

    /// <summary>Bumps the list's change counter so servers rebuild it, and counts <paramref name="added"/> newly used slots.</summary>
    Task TouchStatusListAsync(int list, DateTimeOffset at, int added);

    /// <summary>The authority's live licences (valid or suspended) with any of these numbers, any type.</summary>
    Task<IReadOnlyList<LiveNumber>> FindLiveNumbersAsync(string authorityCode, IReadOnlyCollection<string> numbers);

    /// <summary>Every licence that holds a slot of the list: its slot, identifier and status.</summary>
    Task<IReadOnlyList<(int Index, string Identifier, LicenceStatus Status)>> SlotsOfListAsync(int list);

    /// <summary>
    /// Slots shown revoked or suspended by the node's published lists whose licences the database does not
    /// hold (issued after a backup it was restored from): published so, and never given to a licence.
    /// </summary>
    Task InsertLostSlotsAsync(IReadOnlyList<(int List, int Index, LicenceStatus Status)> slots, DateTimeOffset at);

    /// <summary>Sets the list's change counter to at least <paramref name="version"/>, creating the list (of <paramref name="size"/>, empty) when there is none.</summary>
    Task RaiseStatusListAsync(int list, int size, long version, DateTimeOffset at);

    /// <summary>The highest status-list number in use; null when there is none.</summary>
    Task<int?> HighestStatusListAsync();

    /// <summary>Moves every authority's last serial on by <paramref name="gap"/>.</summary>
    Task SkipSerialsAsync(long gap);

    /// <summary>The last audit entry's sequence and hash; (0, genesis) for an empty log.</summary>
    Task<(long Sequence, string Hash)> LastAuditAsync();

    Task InsertAuditAsync(AuditEntry entry);

    Task InsertApiKeyAsync(ApiKeyRecord record);

    /// <summary>Sets the key's revocation time only if it is not revoked yet; false when it was.</summary>
    Task<bool> RevokeApiKeyAsync(string id, DateTimeOffset at);

    /// <summary>Stores a request; when the authority already has one with the same <see cref="ApprovalRequest.RequestKey"/>, returns that one's id and stores nothing.</summary>
    Task<(long Id, bool Existed)> InsertApprovalAsync(ApprovalRequest request);

    /// <summary>Decides a request only if it is still pending; false when it is not (decided meanwhile).</summary>
    Task<bool> DecideApprovalAsync(long id, ApprovalState state, string decidedBy, DateTimeOffset at, string? reason, string? result);

    /// <summary>Stores an administrator's request; returns its id.</summary>
    Task<long> InsertAdminRequestAsync(AdminRequest request);

    /// <summary>Decides an administrator's request only if it is still pending; false when it is not.</summary>
    Task<bool> DecideAdminRequestAsync(long id, ApprovalState state, string decidedBy, DateTimeOffset at, string? reason, string? result);

    /// <summary>Stores a new officer (an approved request); false when the user name is taken.</summary>
    Task<bool> InsertOfficerAsync(Officer officer);

    /// <summary>Sets an officer's password hash and whether it must be changed, ending their sessions; false when there is no such officer.</summary>
    Task<bool> SetOfficerPasswordAsync(string username, string passwordHash, bool mustChange);

    /// <summary>Sets an officer's roles, ending their sessions; returns the roles they held, null when there is no such officer.</summary>
    Task<OfficerRoles?> SetOfficerRolesAsync(string username, OfficerRoles roles);

    /// <summary>Stores a linted batch job with its file and row errors; returns its id.</summary>
    Task<long> InsertBatchAsync(BatchJob job, byte[] content, IReadOnlyList<BatchRowError> errors);

    Task LinkBatchApprovalAsync(long id, long approvalId);

    /// <summary>Releases (<see cref="BatchState.Queued"/>, issued for <paramref name="by"/>) or rejects a job still awaiting approval; false when it is not.</summary>
    Task<bool> DecideBatchAsync(long id, BatchState state, string by, DateTimeOffset at);

    /// <summary>Adds a committed chunk's counts (and the row errors, when some changed) and renews the lease, only while <paramref name="runner"/> holds it.</summary>
    Task<bool> AdvanceBatchAsync(long id, string runner, BatchProgress progress, IReadOnlyList<BatchRowError>? errors, DateTimeOffset at);

    /// <summary>Marks the job done, only while <paramref name="runner"/> holds it; returns it as finished, or null.</summary>
    Task<BatchJob?> FinishBatchAsync(long id, string runner, DateTimeOffset at);
}

/// <summary>An issuer certificate with the signer of its key.</summary>
public sealed record IssuerSigning(IssuerCertificate Certificate, ICredentialSigner Signer);

/// <summary>The signing keys of this node's authorities (files, or an HSM).</summary>
public interface IIssuerKeys
{
    /// <summary>A key of the authority whose certificate allows the type, or null.</summary>
    IssuerSigning? Find(string authorityCode, Core.Identifiers.LicenceTypeCode type);

    /// <summary>Whether the node holds any key for the authority.</summary>
    bool Knows(string authorityCode);
}
