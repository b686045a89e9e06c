using LicenceTrust.Core.Status;

namespace LicenceTrust.Issuance;

/// <summary>Inside a transaction: licences, serial numbers and idempotency keys.</summary>
public interface ILicenceWrites
{
    Task<LicenceRecord?> FindAsync(string identifier);

    /// <summary>Reserves <paramref name="count"/> consecutive serial numbers of an authority (1, 2, …); returns the first.</summary>
    Task<long> ReserveSerialsAsync(string authorityCode, int count);

    /// <summary>The earlier records of an authority for any of these idempotency keys, by key.</summary>
    Task<IReadOnlyDictionary<string, LicenceRecord>> FindByIdempotencyKeysAsync(string authorityCode, IReadOnlyCollection<string> idempotencyKeys);

    /// <summary>Inserts many licences (with their idempotency keys) in as few statements as the engine allows.</summary>
    Task InsertLicencesAsync(IReadOnlyList<(LicenceRecord Record, string? IdempotencyKey)> records);

    Task InsertLicenceAsync(LicenceRecord record, string? idempotencyKey);

    /// <summary>Sets the status only if it is still <paramref name="from"/>; false when it is not (a concurrent change).</summary>
    Task<bool> ChangeStatusAsync(string identifier, LicenceStatus from, LicenceStatus to, string? supersededBy);

    Task InsertStatusEventAsync(StatusEvent statusEvent);

    /// <summary>The authority's live licences (valid or suspended) with any of these numbers, any type.</summary>
    Task<IReadOnlyList<LiveNumber>> FindLiveNumbersAsync(string authorityCode, IReadOnlyCollection<string> numbers);

    /// <summary>Moves every authority's last serial on by <paramref name="gap"/>.</summary>
    Task SkipSerialsAsync(long gap);
}

/// <summary>Inside a transaction: status lists and their slots.</summary>
public interface IStatusListWrites
{
    /// <summary>Which of the candidate slots of a list are taken.</summary>
    Task<IReadOnlySet<int>> TakenSlotsAsync(int list, IReadOnlyCollection<int> candidates);

    /// <summary>The list new licences get slots in, opening a new one of <paramref name="size"/> when the current is half full.</summary>
    Task<(int List, int Size)> OpenStatusListAsync(int size, DateTimeOffset at);

    /// <summary>Bumps the list's change counter so servers rebuild it, and counts <paramref name="added"/> newly used slots.</summary>
    Task TouchStatusListAsync(int list, DateTimeOffset at, int added);

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
}

/// <summary>Inside a transaction: the audit log's head and new entries.</summary>
public interface IAuditWrites
{
    /// <summary>The last audit entry's sequence and hash; (0, genesis) for an empty log.</summary>
    Task<(long Sequence, string Hash)> LastAuditAsync();

    Task InsertAuditAsync(AuditEntry entry);

    /// <summary>Inserts many audit entries, already chained, in as few statements as the engine allows.</summary>
    Task InsertAuditsAsync(IReadOnlyList<AuditEntry> entries);
}

/// <summary>Inside a transaction: requests and their decisions.</summary>
public interface IApprovalWrites
{
    /// <summary>Stores a request; when the authority already has one with the same <see cref="ApprovalRequest.RequestKey"/>, returns that one's id and stores nothing.</summary>
    Task<(long Id, bool Existed)> InsertApprovalAsync(ApprovalRequest request);

    /// <summary>Decides a request only if it is still pending; false when it is not (decided meanwhile).</summary>
    Task<bool> DecideApprovalAsync(long id, ApprovalState state, string decidedBy, DateTimeOffset at, string? reason, string? result);

    /// <summary>Stores an administrator's request; returns its id.</summary>
    Task<long> InsertAdminRequestAsync(AdminRequest request);

    /// <summary>Decides an administrator's request only if it is still pending; false when it is not.</summary>
    Task<bool> DecideAdminRequestAsync(long id, ApprovalState state, string decidedBy, DateTimeOffset at, string? reason, string? result);
}

/// <summary>Inside a transaction: API keys and officers, written with their audit entries.</summary>
public interface IAccountWrites
{
    Task InsertApiKeyAsync(ApiKeyRecord record);

    /// <summary>Sets the key's revocation time only if it is not revoked yet; false when it was.</summary>
    Task<bool> RevokeApiKeyAsync(string id, DateTimeOffset at);

    /// <summary>Stores a new officer (an approved request); false when the user name is taken.</summary>
    Task<bool> InsertOfficerAsync(Officer officer);

    /// <summary>Sets an officer's password hash and whether it must be changed, ending their sessions; false when there is no such officer.</summary>
    Task<bool> SetOfficerPasswordAsync(string username, string passwordHash, bool mustChange);

    /// <summary>Sets an officer's roles, ending their sessions; returns the roles they held, null when there is no such officer.</summary>
    Task<OfficerRoles?> SetOfficerRolesAsync(string username, OfficerRoles roles);
}

/// <summary>Inside a transaction: batch jobs and their progress.</summary>
public interface IBatchJobWrites
{
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

/// <summary>The operations available inside one issuance transaction: every write port, on one connection.</summary>
public interface IIssuanceUnit : ILicenceWrites, IStatusListWrites, IAuditWrites, IApprovalWrites, IAccountWrites, IBatchJobWrites
{
}
