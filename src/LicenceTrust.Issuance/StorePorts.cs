
namespace LicenceTrust.Issuance;

/// <summary>Runs work as one database transaction, writers serialised: a change, its status-list update and its audit entry commit together or not at all (docs/architecture.md, "Revoke").</summary>
public interface IIssuanceTransactions
{
    Task<T> InTransactionAsync<T>(Func<IIssuanceUnit, Task<T>> work, CancellationToken cancellationToken);
}

/// <summary>Reads of the licence register: records, their status history, and the dashboard's counts.</summary>
public interface ILicenceRegister
{
    Task<LicenceRecord?> FindAsync(string identifier, CancellationToken cancellationToken);

    Task<Page<LicenceRecord>> ListAsync(LicenceQuery query, CancellationToken cancellationToken);

    /// <summary>The status changes of a licence, oldest first.</summary>
    Task<IReadOnlyList<StatusEvent>> HistoryAsync(string identifier, CancellationToken cancellationToken);

    /// <summary>Licences by status and by type, and how many were issued since a moment: the dashboard's counts.</summary>
    Task<LicenceCounts> CountAsync(string? authorityCode, DateTimeOffset issuedSince, CancellationToken cancellationToken);

    /// <summary>The latest status changes, newest first.</summary>
    Task<IReadOnlyList<StatusEvent>> RecentStatusEventsAsync(string? authorityCode, int limit, CancellationToken cancellationToken);
}

/// <summary>Reads of the hash-chained audit log.</summary>
public interface IAuditLog
{
    /// <summary>The whole audit log in sequence order.</summary>
    Task<IReadOnlyList<AuditEntry>> AuditLogAsync(CancellationToken cancellationToken);

    /// <summary>The audit entries about one subject (a licence identifier, an officer), in sequence order.</summary>
    Task<IReadOnlyList<AuditEntry>> AuditOfAsync(string subject, CancellationToken cancellationToken);

    /// <summary>The audit entries of these sequence numbers (those that exist).</summary>
    Task<IReadOnlyList<AuditEntry>> AuditEntriesAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken);

    /// <summary>A page of the audit log under the auditor's filters, newest first, with the number of entries they match.</summary>
    Task<Page<AuditEntry>> SearchAuditAsync(AuditQuery query, CancellationToken cancellationToken);
}

/// <summary>Reads of the officers' and administrators' requests awaiting a second person.</summary>
public interface IApprovalQueue
{
    Task<ApprovalRequest?> FindApprovalAsync(long id, CancellationToken cancellationToken);

    /// <summary>An administrator's request (<see cref="AdminRequests"/>), or null.</summary>
    Task<AdminRequest?> FindAdminRequestAsync(long id, CancellationToken cancellationToken);

    /// <summary>Administrators' requests in the state (null: any), oldest first.</summary>
    Task<IReadOnlyList<AdminRequest>> ListAdminRequestsAsync(ApprovalState? state, CancellationToken cancellationToken);

    /// <summary>Requests, newest first.</summary>
    Task<Page<ApprovalRequest>> ListApprovalsAsync(ApprovalQuery query, CancellationToken cancellationToken);
}

/// <summary>The console's batch jobs: their files, row errors and the runner's lease.</summary>
public interface IBatchJobStore
{
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

/// <summary>
/// Storage for issuance, as one database provides it: the narrow ports above, each taken alone by the
/// code that needs only it.
/// </summary>
public interface IIssuanceStore : IIssuanceTransactions, ILicenceRegister, IAuditLog, IApprovalQueue, IBatchJobStore
{
}
