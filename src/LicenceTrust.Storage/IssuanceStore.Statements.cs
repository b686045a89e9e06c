using Dapper;
using LicenceTrust.Core.Json;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;

namespace LicenceTrust.Storage;

public sealed partial class IssuanceStore
{
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
        public string StatusListEntries { get; } = "SELECT status_index, status, identifier FROM licences WHERE status_list = @list UNION ALL SELECT status_index, status, NULL FROM lost_slots WHERE status_list = @list";

        // The last change of each licence of the list that is not valid (ix_status_events_identifier finds it).
        public string StatusListDetails { get; } = "SELECT l.status_index, l.identifier, l.status, COALESCE(e.at, l.issued_at), COALESCE(e.reason, '') FROM licences l " +
            "LEFT JOIN status_events e ON e.id = (SELECT MAX(x.id) FROM status_events x WHERE x.identifier = l.identifier) " +
            "WHERE l.status_list = @list AND l.status <> 0 ORDER BY l.status_index";

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
}
