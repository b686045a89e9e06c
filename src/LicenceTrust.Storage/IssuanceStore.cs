using System.Data.Common;
using System.Text.Json;
using Dapper;
using LicenceTrust.Core.Json;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;
using LicenceTrust.Status;
using LicenceTrust.Verification;

namespace LicenceTrust.Storage;

/// <summary>
/// The issuance store on any <see cref="IDatabase"/>. All SQL for it is in this file; the few
/// statements that differ by dialect come from the database.
/// </summary>
public sealed class IssuanceStore(IDatabase database) : IIssuanceStore, IStatusListStore
{
    private readonly Statements _sql = new(database);

    private const int ValuesPerList = 200;

    internal const string LicenceColumns =
        "identifier, licence_json AS LicenceJson, status, status_list AS StatusList, status_index AS StatusIndex, qr_text AS QrText, " +
        "issued_at AS IssuedAt, issued_by AS IssuedBy, supersedes, superseded_by AS SupersededBy";

    public async Task<T> InTransactionAsync<T>(Func<IIssuanceUnit, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var result = await work(new Unit(connection, transaction, _sql, database));
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    public async Task<LicenceRecord?> FindAsync(string identifier, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<LicenceRow>(new CommandDefinition(
            _sql.FindLicence, new { identifier }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<LicenceStatus?> StatusOfAsync(string identifier, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var status = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(_sql.StatusOf, new { identifier }, cancellationToken: cancellationToken));
        return status is { } value ? (LicenceStatus)value : null;
    }

    public async Task<Page<LicenceRecord>> ListAsync(LicenceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var text = string.IsNullOrWhiteSpace(query.Text) ? null : query.Text.Trim();
        var parameters = new
        {
            query.AuthorityCode,
            query.TypeCode,
            Status = (int?)query.Status,
            Text = text,
            NameLike = text is null ? null : ContainsPattern(text),
            IssuedFrom = query.IssuedFrom?.ToUnixTimeMilliseconds(),
            IssuedBefore = query.IssuedBefore?.ToUnixTimeMilliseconds(),
            Limit = query.PageSize,
            Offset = (long)(query.PageNumber - 1) * query.PageSize,
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.CountLicences, parameters, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<LicenceRow>(new CommandDefinition(
            _sql.ListLicences[query.Sort], parameters, cancellationToken: cancellationToken));
        return new Page<LicenceRecord>([.. rows.Select(r => r.ToRecord())], query.PageNumber, query.PageSize, total);
    }

    /// <summary>A LIKE pattern (with <c>ESCAPE '\'</c>) for text containing what was typed: its wildcards match only themselves.</summary>
    private static string ContainsPattern(string typed) =>
        "%" + typed.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    public async Task<IReadOnlyList<StatusEvent>> HistoryAsync(string identifier, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(
            _sql.History,
            new { identifier }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToEvent())];
    }

    public async Task<StatusListInfo?> StatusListAsync(int list, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(long Id, long Size, long Version, long UpdatedAt)?>(new CommandDefinition(
            _sql.StatusList, new { list }, cancellationToken: cancellationToken));
        return row is { } r ? new StatusListInfo((int)r.Id, (int)r.Size, r.Version, DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAt)) : null;
    }

    public async Task<IReadOnlyList<StatusListInfo>> StatusListsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, long Size, long Version, long UpdatedAt)>(new CommandDefinition(
            _sql.StatusLists, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new StatusListInfo((int)r.Id, (int)r.Size, r.Version, DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAt)))];
    }

    /// <summary>Any ADO.NET error of the engine: the connection, the server or the file is not there.</summary>
    public bool IsUnavailable(Exception exception) => exception is DbException;

    public async Task<StatusChangeDetail?> LastChangeAsync(string identifier, CancellationToken cancellationToken)
    {
        var history = await HistoryAsync(identifier, cancellationToken);
        return history.Count == 0 ? null : new StatusChangeDetail(history[^1].At, history[^1].Reason);
    }

    public async Task<IReadOnlyList<(int Index, LicenceStatus Status)>> StatusListEntriesAsync(int list, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Index, long Status)>(new CommandDefinition(
            _sql.StatusListEntries, new { list }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => ((int)r.Index, (LicenceStatus)r.Status))];
    }

    public async Task<IReadOnlyList<AuditEntry>> AuditLogAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(
            _sql.AuditLog,
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToEntry())];
    }

    public async Task<IReadOnlyList<AuditEntry>> AuditOfAsync(string subject, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(_sql.AuditOf, new { subject }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToEntry())];
    }

    public async Task<IReadOnlyList<AuditEntry>> AuditEntriesAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var found = new List<AuditEntry>(sequences.Count);
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var part in sequences.Chunk(ValuesPerList))
        {
            found.AddRange((await connection.QueryAsync<AuditRow>(new CommandDefinition(_sql.AuditEntries, new { sequences = part }, cancellationToken: cancellationToken))).Select(r => r.ToEntry()));
        }

        return found;
    }

    public async Task<ApprovalRequest?> FindApprovalAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<ApprovalRow>(new CommandDefinition(_sql.FindApproval, new { id }, cancellationToken: cancellationToken)))?.ToRequest();
    }

    public async Task<Page<AuditEntry>> SearchAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var events = query.EventIds is { Count: > 0 } ids ? ids.ToArray() : [0];
        var actor = string.IsNullOrWhiteSpace(query.Actor) ? null : query.Actor.Trim();
        var parameters = new
        {
            From = query.From?.ToUnixTimeMilliseconds(),
            Before = query.Before?.ToUnixTimeMilliseconds(),
            Actor = actor,
            ActorLike = actor is null ? null : ContainsPattern(actor),
            AnyEvent = query.EventIds is { Count: > 0 } ? 0 : 1,
            EventIds = events,
            Subject = string.IsNullOrWhiteSpace(query.Subject) ? null : query.Subject.Trim(),
            Limit = query.PageSize,
            Offset = (long)(query.PageNumber - 1) * query.PageSize,
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.CountAudit, parameters, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(_sql.SearchAudit, parameters, cancellationToken: cancellationToken));
        return new Page<AuditEntry>([.. rows.Select(r => r.ToEntry())], query.PageNumber, query.PageSize, total);
    }

    public async Task<AdminRequest?> FindAdminRequestAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<AdminRequestRow>(new CommandDefinition(_sql.FindAdminRequest, new { id }, cancellationToken: cancellationToken)))?.ToRequest();
    }

    public async Task<IReadOnlyList<AdminRequest>> ListAdminRequestsAsync(ApprovalState? state, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AdminRequestRow>(new CommandDefinition(_sql.ListAdminRequests,
            new { State = (int?)state, Limit = AdminRequestListLimit, Offset = 0 }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRequest()).Reverse()];
    }

    /// <summary>The newest requests a list holds (administrators' requests are few: a page of them is every one that matters).</summary>
    private const int AdminRequestListLimit = 500;

    public async Task<Page<ApprovalRequest>> ListApprovalsAsync(ApprovalQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = Math.Max(1, query.PageNumber);
        var parameters = new
        {
            query.AuthorityCode, State = (int?)query.State, query.Subject, Kind = (int?)query.Kind, query.RequestedBy,
            RequestedBefore = query.RequestedBefore?.ToUnixTimeMilliseconds(), Limit = query.Limit, Offset = (long)(page - 1) * query.Limit,
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.CountApprovals, parameters, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<ApprovalRow>(new CommandDefinition(query.OldestFirst ? _sql.ListApprovalsOldestFirst : _sql.ListApprovals, parameters, cancellationToken: cancellationToken));
        return new Page<ApprovalRequest>([.. rows.Select(r => r.ToRequest())], page, query.Limit, total);
    }

    public async Task<LicenceCounts> CountAsync(string? authorityCode, DateTimeOffset issuedSince, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var byStatus = await connection.QueryAsync<(long Status, long Count)>(new CommandDefinition(_sql.CountByStatus, new { AuthorityCode = authorityCode }, cancellationToken: cancellationToken));
        var byType = await connection.QueryAsync<(string TypeCode, long Count)>(new CommandDefinition(_sql.CountByType, new { AuthorityCode = authorityCode }, cancellationToken: cancellationToken));
        var since = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.CountIssuedSince,
            new { AuthorityCode = authorityCode, Since = issuedSince.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return new LicenceCounts(byStatus.ToDictionary(r => (LicenceStatus)r.Status, r => r.Count), byType.ToDictionary(r => r.TypeCode, r => r.Count), since);
    }

    public async Task<IReadOnlyList<StatusEvent>> RecentStatusEventsAsync(string? authorityCode, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(_sql.RecentStatusEvents,
            new { AuthorityCode = authorityCode, Limit = limit, Offset = 0 }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToEvent())];
    }

    public async Task<BatchJob?> FindBatchAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<BatchJobRow>(new CommandDefinition(_sql.FindBatch, new { id }, cancellationToken: cancellationToken)))?.ToJob();
    }

    public async Task<IReadOnlyList<BatchJob>> ListBatchesAsync(string? authorityCode, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<BatchJobRow>(new CommandDefinition(_sql.ListBatches, new { AuthorityCode = authorityCode, Limit = limit, Offset = 0 }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToJob())];
    }

    public async Task<byte[]> BatchContentAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(_sql.BatchContent, new { id }, cancellationToken: cancellationToken)) ?? [];
    }

    public async Task<IReadOnlyList<BatchRowError>> BatchErrorsAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var json = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(_sql.BatchErrors, new { id }, cancellationToken: cancellationToken));
        return json is null ? [] : JsonSerializer.Deserialize<List<BatchRowError>>(json, CommandJsonOptions) ?? [];
    }

    public async Task<BatchJob?> ClaimBatchAsync(string runner, DateTimeOffset at, DateTimeOffset lapsedBefore, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var parameters = new { runner, at = at.ToUnixTimeMilliseconds(), lapsed = lapsedBefore.ToUnixTimeMilliseconds(), Limit = 1, Offset = 0 };
        var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(_sql.ClaimableBatch, parameters, transaction, cancellationToken: cancellationToken));
        BatchJob? job = null;
        if (id is { } claimed && await connection.ExecuteAsync(new CommandDefinition(_sql.ClaimBatch, new { id = claimed, parameters.runner, parameters.at, parameters.lapsed }, transaction, cancellationToken: cancellationToken)) == 1)
        {
            job = (await connection.QuerySingleAsync<BatchJobRow>(new CommandDefinition(_sql.FindBatch, new { id = claimed }, transaction, cancellationToken: cancellationToken))).ToJob();
        }

        await transaction.CommitAsync(cancellationToken);
        return job;
    }

    public async Task ReleaseBatchAsync(long id, string runner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(_sql.ReleaseBatch, new { id, runner }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Every statement of this repository, in the database's dialect (the SQL Server test parses them all).</summary>
    public sealed class Statements(IDatabase database)
    {
        private const string where = "WHERE (@AuthorityCode IS NULL OR authority_code = @AuthorityCode) AND (@TypeCode IS NULL OR type_code = @TypeCode) AND (@Status IS NULL OR status = @Status)"
            + " AND (@Text IS NULL OR identifier = @Text OR number = @Text OR holder_code = @Text OR holder_name LIKE @NameLike ESCAPE '\\')"
            + " AND (@IssuedFrom IS NULL OR issued_at >= @IssuedFrom) AND (@IssuedBefore IS NULL OR issued_at < @IssuedBefore)";

        public string FindLicence { get; } = $"SELECT {LicenceColumns} FROM licences WHERE identifier = @identifier";

        public string StatusOf { get; } = "SELECT status FROM licences WHERE identifier = @identifier";

        public string CountLicences { get; } = $"SELECT COUNT(*) FROM licences {where}";

        public IReadOnlyDictionary<LicenceSort, string> ListLicences { get; } = new Dictionary<LicenceSort, string>
        {
            [LicenceSort.NewestFirst] = database.Page($"SELECT {LicenceColumns} FROM licences {where} ORDER BY issued_at DESC, identifier DESC"),
            [LicenceSort.OldestFirst] = database.Page($"SELECT {LicenceColumns} FROM licences {where} ORDER BY issued_at, identifier"),
            [LicenceSort.Number] = database.Page($"SELECT {LicenceColumns} FROM licences {where} ORDER BY number, identifier"),
            [LicenceSort.HolderName] = database.Page($"SELECT {LicenceColumns} FROM licences {where} ORDER BY holder_name, identifier"),
        };

        public string AuditOf { get; } = $"SELECT {AuditColumns} FROM audit_log WHERE subject = @subject ORDER BY sequence";

        private string AuditFilter => "WHERE (@From IS NULL OR at >= @From) AND (@Before IS NULL OR at < @Before) AND (@Actor IS NULL OR actor LIKE @ActorLike ESCAPE '\\') "
            + $"AND (@Subject IS NULL OR subject = @Subject) AND (@AnyEvent = 1 OR {database.InList("event_id", "EventIds")})";

        public string SearchAudit => database.Page($"SELECT {AuditColumns} FROM audit_log {AuditFilter} ORDER BY sequence DESC");

        public string CountAudit => $"SELECT COUNT(*) FROM audit_log {AuditFilter}";

        public string AuditEntries { get; } = $"SELECT {AuditColumns} FROM audit_log WHERE {database.InList("sequence", "sequences")}";

        public string CountByStatus { get; } = "SELECT status AS Status, COUNT(*) AS Count FROM licences WHERE (@AuthorityCode IS NULL OR authority_code = @AuthorityCode) GROUP BY status";

        public string CountByType { get; } = "SELECT type_code AS TypeCode, COUNT(*) AS Count FROM licences WHERE (@AuthorityCode IS NULL OR authority_code = @AuthorityCode) GROUP BY type_code";

        public string CountIssuedSince { get; } = "SELECT COUNT(*) FROM licences WHERE (@AuthorityCode IS NULL OR authority_code = @AuthorityCode) AND issued_at >= @Since";

        public string RecentStatusEvents { get; } = database.Page("SELECT e.identifier, e.from_status AS FromStatus, e.to_status AS ToStatus, e.reason, e.actor, e.at FROM status_events e "
            + "JOIN licences l ON l.identifier = e.identifier WHERE (@AuthorityCode IS NULL OR l.authority_code = @AuthorityCode) ORDER BY e.id DESC");

        private const string AuditColumns = "sequence, event_id AS EventId, event, actor, subject, data, at, previous_hash AS PreviousHash, hash";

        private const string ApprovalColumns = "id, kind, authority_code AS AuthorityCode, subject, command_json AS CommandJson, reason, request_key AS RequestKey, requested_by AS RequestedBy, "
            + "requested_at AS RequestedAt, state, decided_by AS DecidedBy, decided_at AS DecidedAt, decision_reason AS DecisionReason, result";

        public string FindApproval => $"SELECT {ApprovalColumns} FROM approval_requests WHERE id = @id";

        public string FindApprovalByKey => $"SELECT id FROM approval_requests WHERE authority_code = @AuthorityCode AND request_key = @RequestKey";

        private const string ApprovalFilter = "WHERE (@AuthorityCode IS NULL OR authority_code = @AuthorityCode) AND (@State IS NULL OR state = @State) "
            + "AND (@Subject IS NULL OR subject = @Subject) AND (@Kind IS NULL OR kind = @Kind) AND (@RequestedBy IS NULL OR lower(requested_by) = lower(@RequestedBy)) "
            + "AND (@RequestedBefore IS NULL OR requested_at < @RequestedBefore)";

        public string ListApprovals => database.Page($"SELECT {ApprovalColumns} FROM approval_requests {ApprovalFilter} ORDER BY id DESC");

        public string ListApprovalsOldestFirst => database.Page($"SELECT {ApprovalColumns} FROM approval_requests {ApprovalFilter} ORDER BY id");

        public string CountApprovals => $"SELECT COUNT(*) FROM approval_requests {ApprovalFilter}";

        public string InsertApproval { get; } = database.InsertReturningId("approval_requests",
            "kind, authority_code, subject, command_json, reason, request_key, requested_by, requested_at, state",
            "@Kind, @AuthorityCode, @Subject, @CommandJson, @Reason, @RequestKey, @RequestedBy, @RequestedAt, @State");

        public string DecideApproval { get; } = "UPDATE approval_requests SET state = @state, decided_by = @decidedBy, decided_at = @at, decision_reason = @reason, result = @result WHERE id = @id AND state = 1";

        private const string AdminRequestColumns = "id, kind, details_json AS DetailsJson, requested_by AS RequestedBy, requested_at AS RequestedAt, state, "
            + "decided_by AS DecidedBy, decided_at AS DecidedAt, decision_reason AS DecisionReason, result";

        public string FindAdminRequest => $"SELECT {AdminRequestColumns} FROM admin_requests WHERE id = @id";

        public string ListAdminRequests => database.Page($"SELECT {AdminRequestColumns} FROM admin_requests WHERE (@State IS NULL OR state = @State) ORDER BY id DESC");

        public string InsertAdminRequest { get; } = database.InsertReturningId("admin_requests",
            "kind, details_json, requested_by, requested_at, state", "@Kind, @DetailsJson, @RequestedBy, @RequestedAt, @State");

        public string DecideAdminRequest { get; } = "UPDATE admin_requests SET state = @state, decided_by = @decidedBy, decided_at = @at, decision_reason = @reason, result = @result WHERE id = @id AND state = 1";

        private const string BatchColumns = "id, authority_code AS AuthorityCode, file_name AS FileName, file_sha256 AS FileSha256, total_rows AS TotalRows, bad_rows AS BadRows, state, "
            + "done_rows AS DoneRows, issued, replayed, failed, submitted_by AS SubmittedBy, submitted_at AS SubmittedAt, issued_by AS IssuedBy, approval_id AS ApprovalId, finished_at AS FinishedAt";

        private const string Claimable = "(state = 2 OR (state = 3 AND (heartbeat_at IS NULL OR heartbeat_at < @lapsed)))";

        public string FindBatch => $"SELECT {BatchColumns} FROM batch_jobs WHERE id = @id";

        public string ListBatches => database.Page($"SELECT {BatchColumns} FROM batch_jobs WHERE (@AuthorityCode IS NULL OR authority_code = @AuthorityCode) ORDER BY id DESC");

        public string BatchContent { get; } = "SELECT content FROM batch_jobs WHERE id = @id";

        public string BatchErrors { get; } = "SELECT errors_json FROM batch_jobs WHERE id = @id";

        public string InsertBatch { get; } = database.InsertReturningId("batch_jobs",
            "authority_code, file_name, file_sha256, content, total_rows, bad_rows, errors_json, state, done_rows, issued, replayed, failed, submitted_by, submitted_at, issued_by, finished_at",
            "@AuthorityCode, @FileName, @FileSha256, @Content, @TotalRows, @BadRows, @ErrorsJson, @State, 0, 0, 0, 0, @SubmittedBy, @SubmittedAt, @IssuedBy, @FinishedAt");

        public string LinkBatchApproval { get; } = "UPDATE batch_jobs SET approval_id = @approvalId WHERE id = @id";

        public string DecideBatch { get; } = "UPDATE batch_jobs SET state = @state, issued_by = @issuedBy, finished_at = @finishedAt WHERE id = @id AND state = 1";

        public string ClaimableBatch => database.Page($"SELECT id FROM batch_jobs WHERE {Claimable} ORDER BY id");

        public string ClaimBatch { get; } = $"UPDATE batch_jobs SET state = 3, runner = @runner, heartbeat_at = @at WHERE id = @id AND {Claimable}";

        public string ReleaseBatch { get; } = "UPDATE batch_jobs SET heartbeat_at = NULL WHERE id = @id AND runner = @runner AND state = 3";

        public string AdvanceBatch { get; } = "UPDATE batch_jobs SET done_rows = done_rows + @Done, issued = issued + @Issued, replayed = replayed + @Replayed, failed = failed + @Failed, "
            + "errors_json = COALESCE(@errors, errors_json), heartbeat_at = @at WHERE id = @id AND runner = @runner AND state = 3";

        public string FinishBatch { get; } = "UPDATE batch_jobs SET state = 4, finished_at = @at WHERE id = @id AND runner = @runner AND state = 3";

        public string History { get; } = "SELECT identifier, from_status AS FromStatus, to_status AS ToStatus, reason, actor, at FROM status_events WHERE identifier = @identifier ORDER BY id";

        public string StatusList { get; } = "SELECT id, size, version, updated_at FROM status_lists WHERE id = @list";

        public string StatusLists { get; } = "SELECT id, size, version, updated_at FROM status_lists ORDER BY id";

        // A lost slot (a licence issued after the backup a database was restored from) is published as the peers saw it.
        public string StatusListEntries { get; } = "SELECT status_index, status FROM licences WHERE status_list = @list UNION ALL SELECT status_index, status FROM lost_slots WHERE status_list = @list";

        public string SlotsOfList { get; } = "SELECT status_index, identifier, status FROM licences WHERE status_list = @list";

        public string LiveNumbers { get; } = database.SelectByKeys("type_code AS TypeCode, number, identifier", "licences", "authority_code = @authorityCode AND status IN (0, 1)", "number", "numbers");

        public string InsertLostSlot { get; } = "INSERT INTO lost_slots (status_list, status_index, status, recovered_at) VALUES (@List, @Index, @Status, @At)";

        public string RaiseStatusList { get; } = "UPDATE status_lists SET version = @version, updated_at = @at WHERE id = @list AND version < @version";

        public string CountStatusList { get; } = "SELECT COUNT(*) FROM status_lists WHERE id = @list";

        public string HighestStatusList { get; } = "SELECT MAX(id) FROM status_lists";

        public string SkipSerials { get; } = "UPDATE serials SET last_serial = last_serial + @gap";

        public string AuditLog { get; } = $"SELECT {AuditColumns} FROM audit_log ORDER BY sequence";


        public string LastStatusList { get; } = database.Page("SELECT id, size, used FROM status_lists ORDER BY id DESC");

        public string InsertStatusList { get; } = "INSERT INTO status_lists (id, size, used, version, updated_at) VALUES (@id, @size, 0, 0, @at)";



        public string ChangeStatus { get; } = "UPDATE licences SET status = @to, superseded_by = COALESCE(@supersededBy, superseded_by) WHERE identifier = @identifier AND status = @from";

        public string InsertStatusEvent { get; } = "INSERT INTO status_events (identifier, from_status, to_status, reason, actor, at) VALUES (@Identifier, @From, @To, @Reason, @Actor, @At)";

        public string TouchStatusList { get; } = "UPDATE status_lists SET version = version + 1, used = used + @added, updated_at = @at WHERE id = @list";

        public string LastAudit { get; } = database.Page("SELECT sequence, hash FROM audit_log ORDER BY sequence DESC");

        public string InsertAudit { get; } = MultiRowInsert("audit_log", AuditInsertColumns, 1);

        public string ReserveSerials { get; } = database.ReserveSerialsSql;

        public string FindByIdempotencyKeys { get; } = database.SelectByKeys($"{LicenceColumns}, idempotency_key AS IdempotencyKey", "licences", "authority_code = @authorityCode", "idempotency_key", "keys");

        public string TakenSlots { get; } = database.SelectByKeys("status_index", "licences", "status_list = @list", "status_index", "candidates");

        public string InsertLicence { get; } = MultiRowInsert("licences", LicenceInsertColumns, 1);

        public string InsertLicencesTwoRows { get; } = MultiRowInsert("licences", LicenceInsertColumns, 2);

        public static readonly string[] LicenceInsertColumns =
            ["identifier", "authority_code", "type_code", "number", "holder_name", "holder_code", "licence_json", "status", "status_list", "status_index", "qr_text", "issued_at", "issued_by", "idempotency_key", "supersedes"];

        public static readonly string[] AuditInsertColumns =
            ["sequence", "event_id", "event", "actor", "subject", "data", "at", "previous_hash", "hash"];

        /// <summary><c>INSERT INTO table (columns) VALUES (@p0_0, …), (@p1_0, …)</c> for <paramref name="rows"/> rows.</summary>
        public static string MultiRowInsert(string table, string[] columns, int rows) =>
            $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES " +
            string.Join(", ", Enumerable.Range(0, rows).Select(r => "(" + string.Join(", ", columns.Select((_, c) => $"@p{r}_{c}")) + ")"));

        /// <summary>All statements, for dialect checks.</summary>
        public IEnumerable<string> All() => GetType().GetProperties().Where(p => p.PropertyType == typeof(string)).Select(p => (string)p.GetValue(this)!).Concat(ListLicences.Values);
    }

    private sealed class Unit(DbConnection connection, DbTransaction transaction, Statements sql, IDatabase database) : IIssuanceUnit
    {
        public async Task<LicenceRecord?> FindAsync(string identifier) =>
            (await connection.QuerySingleOrDefaultAsync<LicenceRow>(sql.FindLicence, new { identifier }, transaction))?.ToRecord();

        public async Task<IReadOnlyList<LiveNumber>> FindLiveNumbersAsync(string authorityCode, IReadOnlyCollection<string> numbers)
        {
            var found = new List<LiveNumber>();
            foreach (var part in numbers.Distinct(StringComparer.Ordinal).Chunk(ValuesPerList))
            {
                found.AddRange(await connection.QueryAsync<LiveNumber>(sql.LiveNumbers, new { authorityCode, numbers = database.KeysValue(part) }, transaction));
            }

            return found;
        }

        public async Task<IReadOnlyList<(int Index, string Identifier, LicenceStatus Status)>> SlotsOfListAsync(int list) =>
            [.. (await connection.QueryAsync<(long Index, string Identifier, long Status)>(sql.SlotsOfList, new { list }, transaction)).Select(r => ((int)r.Index, r.Identifier, (LicenceStatus)r.Status))];

        public async Task InsertLostSlotsAsync(IReadOnlyList<(int List, int Index, LicenceStatus Status)> slots, DateTimeOffset at)
        {
            var millis = at.ToUnixTimeMilliseconds();
            foreach (var slot in slots)
            {
                await connection.ExecuteAsync(sql.InsertLostSlot, new { slot.List, slot.Index, Status = (int)slot.Status, At = millis }, transaction);
            }
        }

        public async Task RaiseStatusListAsync(int list, int size, long version, DateTimeOffset at)
        {
            var millis = at.ToUnixTimeMilliseconds();
            if (await connection.ExecuteScalarAsync<long>(sql.CountStatusList, new { list }, transaction) == 0)
            {
                await connection.ExecuteAsync(sql.InsertStatusList, new { id = list, size, at = millis }, transaction);
            }

            await connection.ExecuteAsync(sql.RaiseStatusList, new { list, version, at = millis }, transaction);
        }

        public async Task<int?> HighestStatusListAsync() =>
            (int?)await connection.ExecuteScalarAsync<long?>(sql.HighestStatusList, transaction: transaction);

        public Task SkipSerialsAsync(long gap) => connection.ExecuteAsync(sql.SkipSerials, new { gap }, transaction);

        public async Task<long> ReserveSerialsAsync(string authorityCode, int count) =>
            await connection.ExecuteScalarAsync<long>(sql.ReserveSerials, new { authorityCode, count }, transaction) - count + 1;

        public async Task<IReadOnlyDictionary<string, LicenceRecord>> FindByIdempotencyKeysAsync(string authorityCode, IReadOnlyCollection<string> idempotencyKeys)
        {
            var found = new Dictionary<string, LicenceRecord>(StringComparer.Ordinal);
            foreach (var keys in idempotencyKeys.Chunk(ValuesPerList))
            {
                foreach (var row in await connection.QueryAsync<LicenceRow>(sql.FindByIdempotencyKeys, new { authorityCode, keys = database.KeysValue(keys) }, transaction))
                {
                    found[row.IdempotencyKey!] = row.ToRecord();
                }
            }

            return found;
        }

        public async Task<IReadOnlySet<int>> TakenSlotsAsync(int list, IReadOnlyCollection<int> candidates)
        {
            var taken = new HashSet<int>();
            foreach (var part in candidates.Chunk(ValuesPerList))
            {
                taken.UnionWith((await connection.QueryAsync<long>(sql.TakenSlots, new { list, candidates = database.KeysValue(part.Select(c => (long)c).ToArray()) }, transaction)).Select(i => (int)i));
            }

            return taken;
        }

        public Task InsertLicencesAsync(IReadOnlyList<(LicenceRecord Record, string? IdempotencyKey)> records) =>
            InsertRowsAsync("licences", Statements.LicenceInsertColumns, records, r => new object?[]
            {
                r.Record.Identifier, r.Record.Licence.AuthorityCode, r.Record.Licence.TypeCode.Value, r.Record.Licence.Number,
                r.Record.Licence.Holder.Name, r.Record.Licence.Holder.Code, JsonViews.Serialize(r.Record.Licence.ToView(types: null)), (int)r.Record.Status, r.Record.StatusList,
                r.Record.StatusIndex, r.Record.QrText, r.Record.IssuedAt.ToUnixTimeMilliseconds(), r.Record.IssuedBy, r.IdempotencyKey, r.Record.Supersedes,
            });

        public Task InsertAuditsAsync(IReadOnlyList<AuditEntry> entries) =>
            InsertRowsAsync("audit_log", Statements.AuditInsertColumns, entries, e => new object?[]
            {
                e.Sequence, e.EventId, e.Event, e.Actor, e.Subject, e.Data, e.At.ToUnixTimeMilliseconds(), e.PreviousHash, e.Hash,
            });

        private async Task InsertRowsAsync<T>(string table, string[] columns, IReadOnlyList<T> rows, Func<T, object?[]> values)
        {
            if (rows.Count >= database.CopyFromRows)
            {
                await database.CopyRowsAsync(connection, table, columns, rows.Select(values));
                return;
            }

            // Statements stay small: binding named parameters is quadratic in their number (the drivers look
            // each one up by name), so a few dozen rows a statement beat one huge statement by far.
            var perStatement = Math.Clamp(database.MaxParameters / columns.Length, 1, database.RowsPerInsert);
            if (connection.CanCreateBatch)
            {
                // A server (PostgreSQL below its CopyFromRows, SQL Server): every statement of the chunk in one round trip.
                await using var batch = connection.CreateBatch();
                batch.Transaction = transaction;
                foreach (var part in rows.Chunk(perStatement))
                {
                    var command = batch.CreateBatchCommand();
                    command.CommandText = Statements.MultiRowInsert(table, columns, part.Length);
                    for (var r = 0; r < part.Length; r++)
                    {
                        var row = values(part[r]);
                        for (var c = 0; c < columns.Length; c++)
                        {
                            var parameter = command.CreateParameter();
                            parameter.ParameterName = $"p{r}_{c}";
                            parameter.Value = row[c] ?? DBNull.Value;
                            command.Parameters.Add(parameter);
                        }
                    }

                    batch.BatchCommands.Add(command);
                }

                await batch.ExecuteNonQueryAsync();
                return;
            }

            // SQLite, in process: one prepared statement per statement size, executed again with each part's
            // values, so nothing is parsed more than once a chunk. Microsoft.Data.Sqlite looks every parameter
            // up by name on every execution, in a list SQLite scans with strncmp; a name without its "@" is
            // first looked for as it is, a whole scan that fails, and only then with the prefix.
            var prepared = new Dictionary<int, DbCommand>();
            try
            {
                foreach (var part in rows.Chunk(perStatement))
                {
                    if (!prepared.TryGetValue(part.Length, out var command))
                    {
                        command = connection.CreateCommand();
                        command.Transaction = transaction;
                        command.CommandText = Statements.MultiRowInsert(table, columns, part.Length);
                        for (var i = 0; i < part.Length * columns.Length; i++)
                        {
                            var parameter = command.CreateParameter();
                            parameter.ParameterName = $"@p{i / columns.Length}_{i % columns.Length}";
                            command.Parameters.Add(parameter);
                        }

                        await command.PrepareAsync();
                        prepared[part.Length] = command;
                    }

                    for (var r = 0; r < part.Length; r++)
                    {
                        var row = values(part[r]);
                        for (var c = 0; c < columns.Length; c++)
                        {
                            command.Parameters[r * columns.Length + c].Value = row[c] ?? DBNull.Value;
                        }
                    }

                    await command.ExecuteNonQueryAsync();
                }
            }
            finally
            {
                foreach (var command in prepared.Values)
                {
                    await command.DisposeAsync();
                }
            }
        }

        public async Task<(int List, int Size)> OpenStatusListAsync(int size, DateTimeOffset at)
        {
            var current = await connection.QuerySingleOrDefaultAsync<(long Id, long Size, long Used)?>(
                sql.LastStatusList, new { Limit = 1, Offset = 0 }, transaction);
            // A list is closed at half full so random slot picks stay cheap.
            if (current is { } list && list.Used * 2 < list.Size)
            {
                return ((int)list.Id, (int)list.Size);
            }

            var id = (current?.Id ?? 0) + 1;
            await connection.ExecuteAsync(
                sql.InsertStatusList,
                new { id, size, at = at.ToUnixTimeMilliseconds() }, transaction);
            return ((int)id, size);
        }

        public Task InsertLicenceAsync(LicenceRecord record, string? idempotencyKey) => InsertLicencesAsync([(record, idempotencyKey)]);

        public async Task<bool> ChangeStatusAsync(string identifier, LicenceStatus from, LicenceStatus to, string? supersededBy) =>
            await connection.ExecuteAsync(
                sql.ChangeStatus,
                new { identifier, from = (int)from, to = (int)to, supersededBy }, transaction) == 1;

        public Task InsertStatusEventAsync(StatusEvent statusEvent) => connection.ExecuteAsync(
            sql.InsertStatusEvent,
            new { statusEvent.Identifier, From = (int)statusEvent.From, To = (int)statusEvent.To, statusEvent.Reason, statusEvent.Actor, At = statusEvent.At.ToUnixTimeMilliseconds() },
            transaction);

        public Task TouchStatusListAsync(int list, DateTimeOffset at, int added) => connection.ExecuteAsync(
            sql.TouchStatusList, new { list, added, at = at.ToUnixTimeMilliseconds() }, transaction);

        public async Task<(long Sequence, string Hash)> LastAuditAsync()
        {
            var last = await connection.QuerySingleOrDefaultAsync<(long Sequence, string Hash)?>(
                sql.LastAudit, new { Limit = 1, Offset = 0 }, transaction);
            return last ?? (0, AuditChain.Genesis);
        }

        public Task InsertApiKeyAsync(ApiKeyRecord record) => connection.ExecuteAsync(
            ApiKeyStore.InsertSql,
            new { record.Id, record.SecretHash, Role = (int)record.Role, record.Name, record.AuthorityCode, CreatedAt = record.CreatedAt.ToUnixTimeMilliseconds() },
            transaction);

        public async Task<bool> RevokeApiKeyAsync(string id, DateTimeOffset at) =>
            await connection.ExecuteAsync(ApiKeyStore.RevokeSql, new { id, at = at.ToUnixTimeMilliseconds() }, transaction) == 1;

        public Task InsertAuditAsync(AuditEntry entry) => InsertAuditsAsync([entry]);

        public async Task<(long Id, bool Existed)> InsertApprovalAsync(ApprovalRequest request)
        {
            var row = new
            {
                Kind = (int)request.Kind, request.AuthorityCode, request.Subject,
                CommandJson = request.Command is null ? null : JsonSerializer.Serialize(request.Command, CommandJsonOptions),
                request.Reason, request.RequestKey, request.RequestedBy, RequestedAt = request.RequestedAt.ToUnixTimeMilliseconds(), State = (int)request.State,
            };
            if (await connection.QuerySingleOrDefaultAsync<long?>(sql.FindApprovalByKey, row, transaction) is { } existing)
            {
                return (existing, true);
            }

            return (await connection.ExecuteScalarAsync<long>(sql.InsertApproval, row, transaction), false);
        }

        public async Task<bool> DecideApprovalAsync(long id, ApprovalState state, string decidedBy, DateTimeOffset at, string? reason, string? result) =>
            await connection.ExecuteAsync(sql.DecideApproval, new { id, state = (int)state, decidedBy, at = at.ToUnixTimeMilliseconds(), reason, result }, transaction) == 1;

        public Task<long> InsertAdminRequestAsync(AdminRequest request) => connection.ExecuteScalarAsync<long>(sql.InsertAdminRequest, new
        {
            Kind = (int)request.Kind, DetailsJson = JsonSerializer.Serialize(request.Details, CommandJsonOptions), request.RequestedBy,
            RequestedAt = request.RequestedAt.ToUnixTimeMilliseconds(), State = (int)request.State,
        }, transaction);

        public async Task<bool> DecideAdminRequestAsync(long id, ApprovalState state, string decidedBy, DateTimeOffset at, string? reason, string? result) =>
            await connection.ExecuteAsync(sql.DecideAdminRequest, new { id, state = (int)state, decidedBy, at = at.ToUnixTimeMilliseconds(), reason, result }, transaction) == 1;

        public async Task<bool> InsertOfficerAsync(Officer officer)
        {
            if (await connection.QuerySingleOrDefaultAsync<string>(OfficerStore.ExistsSql, new { username = officer.Username }, transaction) is not null)
            {
                return false;
            }

            await connection.ExecuteAsync(OfficerStore.InsertSql, OfficerStore.InsertParameters(officer), transaction);
            return true;
        }

        public async Task<bool> SetOfficerPasswordAsync(string username, string passwordHash, bool mustChange) =>
            await connection.ExecuteAsync(OfficerStore.SetPasswordSql, new { username, passwordHash, mustChangePassword = mustChange ? 1 : 0 }, transaction) == 1;

        public async Task<OfficerRoles?> SetOfficerRolesAsync(string username, OfficerRoles roles)
        {
            if (await connection.QuerySingleOrDefaultAsync<int?>(OfficerStore.RolesSql, new { username }, transaction) is not { } before)
            {
                return null;
            }

            await connection.ExecuteAsync(OfficerStore.SetRolesSql, new { username, roles = (int)roles }, transaction);
            return (OfficerRoles)before;
        }

        public Task<long> InsertBatchAsync(BatchJob job, byte[] content, IReadOnlyList<BatchRowError> errors) => connection.ExecuteScalarAsync<long>(sql.InsertBatch, new
        {
            job.AuthorityCode, job.FileName, job.FileSha256, Content = content, job.TotalRows, job.BadRows, ErrorsJson = JsonSerializer.Serialize(errors, CommandJsonOptions),
            State = (int)job.State, job.SubmittedBy, SubmittedAt = job.SubmittedAt.ToUnixTimeMilliseconds(), job.IssuedBy, FinishedAt = job.FinishedAt?.ToUnixTimeMilliseconds(),
        }, transaction);

        public Task LinkBatchApprovalAsync(long id, long approvalId) => connection.ExecuteAsync(sql.LinkBatchApproval, new { id, approvalId }, transaction);

        public async Task<bool> DecideBatchAsync(long id, BatchState state, string by, DateTimeOffset at) =>
            await connection.ExecuteAsync(sql.DecideBatch, new
            {
                id, state = (int)state,
                issuedBy = state == BatchState.Queued ? by : null,
                finishedAt = state == BatchState.Rejected ? at.ToUnixTimeMilliseconds() : (long?)null,
            }, transaction) == 1;

        public async Task<bool> AdvanceBatchAsync(long id, string runner, BatchProgress progress, IReadOnlyList<BatchRowError>? errors, DateTimeOffset at) =>
            await connection.ExecuteAsync(sql.AdvanceBatch, new
            {
                id, runner, progress.Done, progress.Issued, progress.Replayed, progress.Failed,
                errors = errors is null ? null : JsonSerializer.Serialize(errors, CommandJsonOptions), at = at.ToUnixTimeMilliseconds(),
            }, transaction) == 1;

        public async Task<BatchJob?> FinishBatchAsync(long id, string runner, DateTimeOffset at) =>
            await connection.ExecuteAsync(sql.FinishBatch, new { id, runner, at = at.ToUnixTimeMilliseconds() }, transaction) == 1
                ? (await connection.QuerySingleAsync<BatchJobRow>(sql.FindBatch, new { id }, transaction)).ToJob()
                : null;
    }

    private sealed class LicenceRow
    {
        public string Identifier { get; init; } = string.Empty;
        public string LicenceJson { get; init; } = string.Empty;
        public long Status { get; init; }
        public long StatusList { get; init; }
        public long StatusIndex { get; init; }
        public string QrText { get; init; } = string.Empty;
        public long IssuedAt { get; init; }
        public string IssuedBy { get; init; } = string.Empty;
        public string? Supersedes { get; init; }
        public string? SupersededBy { get; init; }

        public string? IdempotencyKey { get; init; }

        public LicenceRecord ToRecord() => new(
            (JsonSerializer.Deserialize<LicenceView>(LicenceJson, JsonViews.Options) ?? throw new InvalidDataException($"licence {Identifier}: empty JSON")).ToLicence(),
            (LicenceStatus)Status, (int)StatusList, (int)StatusIndex, QrText, DateTimeOffset.FromUnixTimeMilliseconds(IssuedAt), IssuedBy, Supersedes, SupersededBy);
    }

    private sealed class EventRow
    {
        public string Identifier { get; init; } = string.Empty;
        public long FromStatus { get; init; }
        public long ToStatus { get; init; }
        public string Reason { get; init; } = string.Empty;
        public string Actor { get; init; } = string.Empty;
        public long At { get; init; }

        public StatusEvent ToEvent() => new(Identifier, (LicenceStatus)FromStatus, (LicenceStatus)ToStatus, Reason, Actor, DateTimeOffset.FromUnixTimeMilliseconds(At));
    }

    private sealed class ApprovalRow
    {
        public long Id { get; init; }
        public long Kind { get; init; }
        public string AuthorityCode { get; init; } = string.Empty;
        public string? Subject { get; init; }
        public string? CommandJson { get; init; }
        public string? Reason { get; init; }
        public string RequestKey { get; init; } = string.Empty;
        public string RequestedBy { get; init; } = string.Empty;
        public long RequestedAt { get; init; }
        public long State { get; init; }
        public string? DecidedBy { get; init; }
        public long? DecidedAt { get; init; }
        public string? DecisionReason { get; init; }
        public string? Result { get; init; }

        public ApprovalRequest ToRequest() => new(Id, (ApprovalKind)Kind, AuthorityCode, Subject,
            CommandJson is null ? null : JsonSerializer.Deserialize<IssueCommand>(CommandJson, CommandJsonOptions), Reason, RequestKey, RequestedBy,
            DateTimeOffset.FromUnixTimeMilliseconds(RequestedAt), (ApprovalState)State, DecidedBy, DecidedAt is { } d ? DateTimeOffset.FromUnixTimeMilliseconds(d) : null, DecisionReason, Result);
    }

    private sealed class AdminRequestRow
    {
        public long Id { get; init; }
        public long Kind { get; init; }
        public string DetailsJson { get; init; } = "{}";
        public string RequestedBy { get; init; } = string.Empty;
        public long RequestedAt { get; init; }
        public long State { get; init; }
        public string? DecidedBy { get; init; }
        public long? DecidedAt { get; init; }
        public string? DecisionReason { get; init; }
        public string? Result { get; init; }

        public AdminRequest ToRequest() => new(Id, (AdminRequestKind)Kind, JsonSerializer.Deserialize<AdminRequestDetails>(DetailsJson, CommandJsonOptions)!, RequestedBy,
            DateTimeOffset.FromUnixTimeMilliseconds(RequestedAt), (ApprovalState)State, DecidedBy, DecidedAt is { } d ? DateTimeOffset.FromUnixTimeMilliseconds(d) : null, DecisionReason, Result);
    }

    private sealed class BatchJobRow
    {
        public long Id { get; init; }
        public string AuthorityCode { get; init; } = string.Empty;
        public string FileName { get; init; } = string.Empty;
        public string FileSha256 { get; init; } = string.Empty;
        public long TotalRows { get; init; }
        public long BadRows { get; init; }
        public long State { get; init; }
        public long DoneRows { get; init; }
        public long Issued { get; init; }
        public long Replayed { get; init; }
        public long Failed { get; init; }
        public string SubmittedBy { get; init; } = string.Empty;
        public long SubmittedAt { get; init; }
        public string? IssuedBy { get; init; }
        public long? ApprovalId { get; init; }
        public long? FinishedAt { get; init; }

        public BatchJob ToJob() => new(Id, AuthorityCode, FileName, FileSha256, (int)TotalRows, (int)BadRows, (BatchState)State, (int)DoneRows, (int)Issued, (int)Replayed, (int)Failed,
            SubmittedBy, DateTimeOffset.FromUnixTimeMilliseconds(SubmittedAt), IssuedBy, ApprovalId, FinishedAt is { } f ? DateTimeOffset.FromUnixTimeMilliseconds(f) : null);
    }

    /// <summary>A draft's command as stored: plain property names, the text exactly as the clerk's form gave it after the text policy.</summary>
    internal static readonly JsonSerializerOptions CommandJsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private sealed class AuditRow
    {
        public long Sequence { get; init; }
        public long EventId { get; init; }
        public string Event { get; init; } = string.Empty;
        public string Actor { get; init; } = string.Empty;
        public string Subject { get; init; } = string.Empty;
        public string Data { get; init; } = string.Empty;
        public long At { get; init; }
        public string PreviousHash { get; init; } = string.Empty;
        public string Hash { get; init; } = string.Empty;

        public AuditEntry ToEntry() => new(Sequence, (int)EventId, Event, Actor, Subject, Data, DateTimeOffset.FromUnixTimeMilliseconds(At), PreviousHash, Hash);
    }
}
