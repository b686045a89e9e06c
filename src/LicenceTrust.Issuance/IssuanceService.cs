using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Status;

namespace LicenceTrust.Issuance;

/// <summary>
/// The issuing authorities' workflow, one entry for its parts: drafting (<see cref="LicenceDrafting"/>,
/// every lint once), issuing one licence (here: idempotent; lint → allocate → sign once → re-verify →
/// store with audit in one transaction, <see cref="LicenceSealing"/>), the batch pipeline
/// (<see cref="BatchIssuance"/>), status changes and supersession (<see cref="StatusChanges"/>) and reads
/// (<see cref="IssuanceReads"/>). After a status change commits, <paramref name="statusChanges"/> (the
/// Status capability's port) is told; without one (the CLI), nothing is. Thread-safe.
/// </summary>
public sealed class IssuanceService
{
    /// <summary>The meter of issuance: licences issued and status changes, by kind (no personal data).</summary>
    public const string MeterName = "LicenceTrust.Issuance";

    private readonly IIssuanceStore _store;
    private readonly TimeProvider _time;
    private readonly LicenceDrafting _drafting;
    private readonly LicenceSealing _sealing;
    private readonly BatchIssuance _batches;
    private readonly StatusChanges _changes;
    private readonly IssuanceReads _reads;

    public IssuanceService(IIssuanceStore store, IIssuerKeys keys, IssuanceOptions options, TimeProvider time, IStatusChangeSink? statusChanges = null)
    {
        _store = store;
        _time = time;
        _drafting = new LicenceDrafting(keys, options, time);
        _sealing = new LicenceSealing(options);
        _batches = new BatchIssuance(store, _drafting, _sealing, options, time);
        _changes = new StatusChanges(store, _drafting, _sealing, time, statusChanges);
        _reads = new IssuanceReads(store, store, store, _drafting, time);
    }

    /// <summary>The catalogue this service checks requests against (the node's, from <see cref="IssuanceOptions"/>).</summary>
    public LicenceTypeCatalogue LicenceTypes => _drafting.LicenceTypes;

    /// <summary>The catalogue's types that a certificate of the authority in force now allows: what it can issue.</summary>
    public IReadOnlyList<LicenceType> TypesFor(string authorityCode) => _drafting.TypesFor(authorityCode);

    /// <summary>
    /// The licence as it would be signed now, with a placeholder identifier (the node assigns the real
    /// one at signing): every lint runs, nothing is written. What the console shows before an officer issues.
    /// </summary>
    public Licence Preview(IssueCommand command, Actor actor) => _drafting.Preview(command, actor);

    /// <summary>
    /// Every problem of an issue request at once, the first of each field, in the form's order; empty when
    /// <see cref="Preview"/> would succeed.
    /// </summary>
    public IReadOnlyList<LicenceTrustError> Problems(IssueCommand command, Actor actor) => _drafting.Problems(command, actor);

    public Task<IssueOutcome> IssueAsync(IssueCommand command, Actor actor, CancellationToken cancellationToken = default) =>
        IssueAsync(command, actor, alsoInTransaction: null, cancellationToken);

    /// <summary>
    /// Issues; <paramref name="alsoInTransaction"/> runs in the same transaction after the licence is
    /// stored (or replayed), so a step that must commit with it (an approval's decision) commits or
    /// rolls back with it.
    /// </summary>
    internal async Task<IssueOutcome> IssueAsync(IssueCommand command, Actor actor, Func<IIssuanceUnit, IssueOutcome, Task>? alsoInTransaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        using var span = IssuanceTelemetry.Tracing.StartActivity("licencetrust.issue");
        var authorityCode = _drafting.RequireAuthority(actor);
        span?.SetTag("licencetrust.type", command.TypeCode);
        if (command.IdempotencyKey is { Length: > 100 })
        {
            throw LicenceTrustException.Validation("IDEMPOTENCY_KEY_INVALID", "Idempotency-Key最多100个字符 (the idempotency key is at most 100 characters).", "Idempotency-Key");
        }

        // Every lint runs before the first write, so a bad request changes nothing.
        var request = _drafting.Lint(command, authorityCode);
        var outcome = await _store.InTransactionAsync(async unit =>
        {
            IssueOutcome issued;
            if (request.Command.IdempotencyKey is { } key && (await unit.FindByIdempotencyKeysAsync(authorityCode, [key])).TryGetValue(key, out var earlier))
            {
                issued = new IssueOutcome(earlier, Replayed: true);
            }
            else
            {
                await LiveNumberRule.EnsureFreeAsync(unit, authorityCode, request.Type, request.Command.Number);
                var now = _time.GetUtcNow();
                var licence = LicenceDrafting.Named(request.Draft, await LicenceSealing.IdentifierAsync(unit, request.Type, authorityCode, now));
                var (list, index) = await _sealing.AllocateSlotAsync(unit, now);
                var record = _sealing.Seal(licence, request.Signing, list, index, actor, now, supersedes: null);
                await LicenceSealing.StoreIssuedAsync(unit, record, request.Command.IdempotencyKey, actor, now);
                issued = new IssueOutcome(record, Replayed: false);
            }

            if (alsoInTransaction is not null)
            {
                await alsoInTransaction(unit, issued);
            }

            return issued;
        }, cancellationToken);
        span?.SetTag("licencetrust.replayed", outcome.Replayed);
        if (!outcome.Replayed)
        {
            IssuanceTelemetry.Issued.Add(1, new KeyValuePair<string, object?>("type", request.Type.Code.Value));
        }

        return outcome;
    }

    /// <summary>
    /// Issues many licences for one authority: every row is linted first (bad rows come back with their
    /// error and are not written), then stored as one chunk. Rows whose idempotency key was seen before
    /// return the earlier record.
    /// </summary>
    public Task<IReadOnlyList<BatchRowResult>> IssueBatchAsync(IReadOnlyList<BatchRow> rows, Actor actor, CancellationToken cancellationToken = default) =>
        _batches.IssueBatchAsync(rows, actor, alsoInTransaction: null, cancellationToken);

    internal Task<IReadOnlyList<BatchRowResult>> IssueBatchAsync(IReadOnlyList<BatchRow> rows, Actor actor, Func<IIssuanceUnit, IReadOnlyList<BatchRowResult>, Task>? alsoInTransaction, CancellationToken cancellationToken) =>
        _batches.IssueBatchAsync(rows, actor, alsoInTransaction, cancellationToken);

    /// <summary>
    /// Issues chunk after chunk for one authority, and yields each chunk's results once it is stored
    /// (<see cref="BatchIssuance"/>: all or none per chunk, the next chunk signed while one is stored).
    /// </summary>
    public IAsyncEnumerable<IReadOnlyList<BatchRowResult>> IssueChunksAsync(IEnumerable<IReadOnlyList<BatchRow>> chunks, Actor actor, CancellationToken cancellationToken = default) =>
        _batches.IssueChunksAsync(chunks, actor, alsoInTransaction: null, cancellationToken);

    internal IAsyncEnumerable<IReadOnlyList<BatchRowResult>> IssueChunksAsync(IEnumerable<IReadOnlyList<BatchRow>> chunks, Actor actor, Func<IIssuanceUnit, IReadOnlyList<BatchRowResult>, Task>? alsoInTransaction, CancellationToken cancellationToken = default) =>
        _batches.IssueChunksAsync(chunks, actor, alsoInTransaction, cancellationToken);

    /// <summary>Issues the next version of a licence and marks the old one SUPERSEDED, in one transaction.</summary>
    /// <remarks>
    /// Ownership is checked before the replacement is built or validated (<paramref name="replacement"/>
    /// runs only then, inside the transaction): a caller learns nothing about another authority's
    /// licence from validation, and a missing replacement (null) is FIELD_REQUIRED only for the owner.
    /// </remarks>
    public Task<LicenceRecord> SupersedeAsync(string identifier, Func<IssueCommand?> replacement, string? reason, Actor actor, CancellationToken cancellationToken = default) =>
        _changes.SupersedeAsync(identifier, replacement, reason, actor, alsoInTransaction: null, cancellationToken);

    internal Task<LicenceRecord> SupersedeAsync(string identifier, Func<IssueCommand?> replacement, string? reason, Actor actor, Func<IIssuanceUnit, LicenceRecord, Task>? alsoInTransaction, CancellationToken cancellationToken) =>
        _changes.SupersedeAsync(identifier, replacement, reason, actor, alsoInTransaction, cancellationToken);

    /// <summary>Suspends, reinstates, revokes or cancels an own licence. Ownership is checked before the reason, in the one transaction.</summary>
    public Task<LicenceRecord> ChangeStatusAsync(string identifier, StatusAction action, string? reason, Actor actor, CancellationToken cancellationToken = default) =>
        _changes.ChangeStatusAsync(identifier, action, reason, actor, alsoInTransaction: null, cancellationToken);

    internal Task<LicenceRecord> ChangeStatusAsync(string identifier, StatusAction action, string? reason, Actor actor, Func<IIssuanceUnit, Task>? alsoInTransaction, CancellationToken cancellationToken) =>
        _changes.ChangeStatusAsync(identifier, action, reason, actor, alsoInTransaction, cancellationToken);

    /// <summary>A licence's audit entries for its owner (or an admin), with their check against the log around them.</summary>
    public Task<(IReadOnlyList<AuditEntry> Entries, AuditVerification Check)> AuditOfAsync(string identifier, Actor actor, CancellationToken cancellationToken = default) =>
        _reads.AuditOfAsync(identifier, actor, cancellationToken);

    /// <summary>Writes that <paramref name="actor"/> took licence data out of the node (a CSV export): what, and how much (no personal data).</summary>
    public Task RecordExportAsync(Actor actor, string what, string data, CancellationToken cancellationToken = default) =>
        _reads.RecordExportAsync(actor, what, data, cancellationToken);

    /// <summary>The auditor reads the log under filters (read-only; docs/console.md, "The auditor's view").</summary>
    public Task<Page<AuditEntry>> SearchAuditAsync(AuditQuery query, Officer auditor, CancellationToken cancellationToken = default) =>
        _reads.SearchAuditAsync(query, auditor, cancellationToken);

    /// <summary>Checks the whole audit log's hash chain (docs/api.md, "Audit log").</summary>
    public Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken = default) => _reads.VerifyAuditAsync(cancellationToken);

    /// <summary>The credential (QR text) of a licence of this node, for anyone: it is what the licence's holder shows.</summary>
    public Task<string> CredentialAsync(string identifier, CancellationToken cancellationToken = default) => _reads.CredentialAsync(identifier, cancellationToken);

    /// <summary>A licence record for its owner or an admin, a person's holder code masked (for QR images, the print view, checks).</summary>
    public Task<LicenceRecord> GetAsync(string identifier, Actor actor, CancellationToken cancellationToken = default) => _reads.GetAsync(identifier, actor, cancellationToken);

    /// <summary>As <see cref="GetAsync"/>, with the licence's last status change (null when it never changed), for the print view.</summary>
    public Task<(LicenceRecord Record, StatusEvent? LastChange)> GetWithLastChangeAsync(string identifier, Actor actor, CancellationToken cancellationToken = default) =>
        _reads.GetWithLastChangeAsync(identifier, actor, cancellationToken);

    /// <summary>
    /// The full record, for the API's single-record read: the owning authority gets the full holder code,
    /// and that read of a person's code is audited; an admin gets the personal code masked.
    /// </summary>
    public Task<LicenceRecord> ReadRecordAsync(string identifier, Actor actor, CancellationToken cancellationToken = default) => _reads.ReadRecordAsync(identifier, actor, cancellationToken);

    /// <summary>A page of the register, scoped to the authority (an admin sees all), personal codes masked.</summary>
    public Task<Page<LicenceRecord>> ListAsync(LicenceQuery query, Actor actor, CancellationToken cancellationToken = default) => _reads.ListAsync(query, actor, cancellationToken);

    /// <summary>The status history, oldest first, and the status as at <paramref name="at"/> (default: now).</summary>
    public Task<(LicenceRecord Record, IReadOnlyList<StatusEvent> History, StatusAt? At)> StatusAsync(string identifier, DateTimeOffset? at, CancellationToken cancellationToken = default) =>
        _reads.StatusAsync(identifier, at, cancellationToken);

    /// <summary>The status at a time: VALID from issue, then each change in order; null before issue.</summary>
    public static StatusAt? StatusAsOf(LicenceRecord record, IReadOnlyList<StatusEvent> history, DateTimeOffset at) => IssuanceReads.StatusAsOf(record, history, at);

    /// <summary>The status changes of a licence, oldest first, for its owner or an admin.</summary>
    public Task<IReadOnlyList<StatusEvent>> HistoryAsync(string identifier, Actor actor, CancellationToken cancellationToken = default) =>
        _reads.HistoryAsync(identifier, actor, cancellationToken);

    /// <summary>The console dashboard's figures for an authority (null: every authority, for an administrator).</summary>
    public Task<(LicenceCounts Counts, IReadOnlyList<StatusEvent> Recent)> DashboardAsync(string? authorityCode, DateTimeOffset since, int recent, CancellationToken cancellationToken = default) =>
        _reads.DashboardAsync(authorityCode, since, recent, cancellationToken);
}
