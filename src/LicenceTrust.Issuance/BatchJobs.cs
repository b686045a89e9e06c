using LicenceTrust.Core.Results;

namespace LicenceTrust.Issuance;

/// <summary>Where a batch job stands.</summary>
public enum BatchState
{
    /// <summary>Linted and stored; an approver of the authority must release it (IssueApproval = required).</summary>
    AwaitingApproval = 1,

    /// <summary>Waiting for the node's batch runner.</summary>
    Queued = 2,

    /// <summary>Being signed and stored, chunk by chunk; a runner holds its lease.</summary>
    Running = 3,

    /// <summary>Every good row is issued (or was already).</summary>
    Done = 4,

    /// <summary>An approver sent it back; nothing of it was issued.</summary>
    Rejected = 5,
}

/// <summary>A row of a batch that cannot be issued: its line in the file, the error code, the field and why.</summary>
public sealed record BatchRowError(int Line, string Code, string Field, string Detail)
{
    /// <summary>The row error of a refusal at line <paramref name="line"/>: its code, field (empty when none) and words.</summary>
    public static BatchRowError Of(int line, LicenceTrustError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new BatchRowError(line, error.Code, error.Field ?? string.Empty, error.Detail);
    }
}

/// <summary>
/// A batch file an officer uploaded, with its progress. Progress is counted in the same transaction as
/// the chunk it counts, so after a crash it says exactly which rows are stored, and the runner resumes
/// after them.
/// </summary>
/// <param name="Id">Assigned by the store.</param>
/// <param name="AuthorityCode">The authority that issues it.</param>
/// <param name="FileName">The uploaded file's name, as shown.</param>
/// <param name="FileSha256">The file's SHA-256 (its rows' idempotency keys derive from it).</param>
/// <param name="TotalRows">Rows in the file.</param>
/// <param name="BadRows">Rows refused when the file was linted (nothing of them is written).</param>
/// <param name="State">Where it stands.</param>
/// <param name="DoneRows">Good rows processed so far.</param>
/// <param name="Issued">Licences issued by this job.</param>
/// <param name="Replayed">Rows already issued before (the same file issued earlier).</param>
/// <param name="Failed">Good rows refused at signing time (a rule that changed since the lint, such as a date now in the past).</param>
/// <param name="SubmittedBy">The clerk's user name.</param>
/// <param name="SubmittedAt">When the file was uploaded.</param>
/// <param name="IssuedBy">The officer the licences are signed for: the approver who released it, or the clerk when no approval is needed.</param>
/// <param name="ApprovalId">The approval request that releases it, if one is needed.</param>
/// <param name="FinishedAt">When the last chunk committed, or when it was rejected.</param>
public sealed record BatchJob(
    long Id,
    string AuthorityCode,
    string FileName,
    string FileSha256,
    int TotalRows,
    int BadRows,
    BatchState State,
    int DoneRows,
    int Issued,
    int Replayed,
    int Failed,
    string SubmittedBy,
    DateTimeOffset SubmittedAt,
    string? IssuedBy,
    long? ApprovalId,
    DateTimeOffset? FinishedAt)
{
    /// <summary>Rows that passed the lint and will be issued.</summary>
    public int GoodRows => TotalRows - BadRows;

    /// <summary>0–100: good rows processed.</summary>
    public int Percent => GoodRows == 0 ? 100 : (int)(100L * DoneRows / GoodRows);

    public bool Finished => State is BatchState.Done or BatchState.Rejected;

    /// <summary>The subject of the job's audit entries and approval request.</summary>
    public string Subject => SubjectOf(Id);

    public static string SubjectOf(long id) => SubjectPrefix + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The job id in a subject made by <see cref="SubjectOf"/> (an approval request's subject).</summary>
    public static long IdOf(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return long.Parse(subject.AsSpan(SubjectPrefix.Length), System.Globalization.CultureInfo.InvariantCulture);
    }

    private const string SubjectPrefix = "batch:";
}

/// <summary>How batch jobs run.</summary>
public sealed record BatchOptions
{
    /// <summary>The most rows one transaction takes (<c>Issuance:Batch:ChunkSize</c>, the CLI's <c>--chunk</c>).</summary>
    public const int MaxChunkSize = 5000;

    /// <summary>Rows per transaction (1 to <see cref="MaxChunkSize"/>): progress moves, and a crash loses at most, one chunk.</summary>
    public int ChunkSize { get; init; } = 200;

    /// <summary>A pause between chunks, so a large batch leaves the CPU to verification on a busy node (default none).</summary>
    public TimeSpan Pause { get; init; } = TimeSpan.Zero;

    /// <summary>How long a runner's claim on a job lasts without progress before another runner (or this node, restarted) takes it over.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest file the console takes.</summary>
    public int MaxBytes { get; init; } = 20 * 1024 * 1024;

    /// <summary>The most rows the console takes in one file.</summary>
    public int MaxRows { get; init; } = 100_000;
}

/// <summary>
/// Batch issue for console officers (docs/console.md, "Batch issue"): a clerk uploads a file, every row is
/// linted before anything is written (the errors are kept, to show and download), then, once an approver
/// of the authority releases it (IssueApproval = required) or at once, the node's runner signs and stores
/// the good rows chunk by chunk through <see cref="IssuanceService.IssueChunksAsync(IEnumerable{IReadOnlyList{BatchRow}}, Actor, CancellationToken)"/>.
/// Each row's idempotency key comes from the file (<see cref="BatchFile"/>), and each chunk commits with
/// its progress, so a runner interrupted at any point (a restart, a crash) resumes where the last chunk
/// ended and nothing is issued twice. Thread-safe.
/// </summary>
public sealed class BatchJobs(IssuanceService issuance, IIssuanceStore store, ApprovalPolicy policy, BatchOptions options, TimeProvider time)
{
    /// <summary>A clerk's upload: read and linted in full, then stored waiting for approval (or queued). Nothing is issued yet.</summary>
    public async Task<BatchJob> SubmitAsync(string fileName, byte[] content, Officer officer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(officer);
        officer.Require(OfficerRoles.Clerk);
        var name = CheckUpload(fileName, content.Length);
        var file = BatchFile.Read(name, content);
        var total = file.Rows.Count + file.Refused.Count;
        if (total == 0 || total > options.MaxRows)
        {
            throw LicenceTrustException.Validation("BATCH_ROWS", $"文件应有1至{options.MaxRows}行数据（CSV须有表头） (the file must have 1 to {options.MaxRows} rows; a CSV needs a header row).", "file");
        }

        var errors = await LintAsync(file, officer.AsAuthority, cancellationToken);
        var needsApproval = policy.Requires(officer.AuthorityCode, ApprovalKind.Issue) && errors.Count < total;
        var state = errors.Count == total ? BatchState.Done : needsApproval ? BatchState.AwaitingApproval : BatchState.Queued;
        var now = time.GetUtcNow();
        var job = new BatchJob(0, officer.AuthorityCode, name, file.Sha256, total, errors.Count, state, 0, 0, 0, 0, officer.Username, now,
            needsApproval ? null : officer.Username, null, state == BatchState.Done ? now : null);
        var id = await store.InTransactionAsync(async unit =>
        {
            var id = await unit.InsertBatchAsync(job, content, errors);
            long? approval = null;
            if (needsApproval)
            {
                (approval, _) = await unit.InsertApprovalAsync(new ApprovalRequest(0, ApprovalKind.Batch, officer.AuthorityCode, BatchJob.SubjectOf(id), null, null,
                    "batch-" + id, officer.Username, now));
                await unit.LinkBatchApprovalAsync(id, approval.Value);
            }

            await AuditChain.AppendAsync(unit, new AuditDraft(AuditEvents.BatchSubmitted, "batch.submitted", officer.AsAuthority.ToString(), BatchJob.SubjectOf(id),
                $"file={file.Sha256[..16]};rows={total};bad={errors.Count}" + (approval is { } a ? $";request={a}" : string.Empty), now));
            return id;
        }, cancellationToken);
        return await store.FindBatchAsync(id, cancellationToken) ?? job with { Id = id };
    }

    /// <summary>Refuses a missing file or one of the wrong size before it is read; returns the file's name without any path.</summary>
    public string CheckUpload(string? fileName, long bytes)
    {
        // A browser may send a full client path (either separator): keep the name only.
        var name = (fileName ?? string.Empty).Split('/', '\\')[^1].Trim();
        if (name.Length is 0 or > 200)
        {
            throw LicenceTrustException.Validation("BATCH_FILE_REQUIRED", "请选择要上传的CSV或JSON Lines文件 (choose a CSV or JSON Lines file to upload).", "file");
        }

        if (bytes <= 0 || bytes > options.MaxBytes)
        {
            throw LicenceTrustException.Validation("BATCH_FILE_SIZE", $"文件应为1字节至{options.MaxBytes / 1024 / 1024} MB (the file must be 1 byte to {options.MaxBytes / 1024 / 1024} MB).", "file");
        }

        return name;
    }

    /// <summary>One job, for an officer of its authority (or an admin).</summary>
    public async Task<BatchJob> GetAsync(long id, Officer officer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(officer);
        var job = await store.FindBatchAsync(id, cancellationToken);
        return job is not null && (job.AuthorityCode == officer.AuthorityCode || officer.IsAdministrator) ? job : throw NotFound();
    }

    /// <summary>A job's row errors, by line: the lint's and any found while signing.</summary>
    public async Task<IReadOnlyList<BatchRowError>> ErrorsAsync(long id, Officer officer, CancellationToken cancellationToken = default)
    {
        await GetAsync(id, officer, cancellationToken);
        return await store.BatchErrorsAsync(id, cancellationToken);
    }

    /// <summary>
    /// The rows the job signs (or signed): every row of its file the lint did not refuse, as the approver
    /// checks them against the source records; those whose number or holder name contains
    /// <paramref name="search"/>, when given. Read from the stored file, so what is shown is what is signed.
    /// </summary>
    public async Task<IReadOnlyList<BatchRow>> GoodRowsAsync(long id, Officer officer, string? search = null, CancellationToken cancellationToken = default)
    {
        var job = await GetAsync(id, officer, cancellationToken);
        var refused = (await store.BatchErrorsAsync(id, cancellationToken)).Select(e => e.Line).ToHashSet();
        var file = BatchFile.Read(job.FileName, await store.BatchContentAsync(id, cancellationToken));
        var text = search?.Trim();
        return [.. file.Rows.Where(r => !refused.Contains(r.Line)
            && (string.IsNullOrEmpty(text) || r.Command.Number.Contains(text, StringComparison.OrdinalIgnoreCase) || r.Command.HolderName.Contains(text, StringComparison.Ordinal)))];
    }

    /// <summary>The officer's authority's jobs (an admin's: every authority's), newest first.</summary>
    public Task<IReadOnlyList<BatchJob>> ListAsync(Officer officer, int limit = 50, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(officer);
        return store.ListBatchesAsync(officer.IsAdministrator ? null : officer.AuthorityCode, limit, cancellationToken);
    }

    /// <summary>
    /// Claims the next job that is queued, or running under a lease that lapsed (its runner died), and
    /// runs it to the end. Returns false when there was none. <paramref name="runner"/> names this runner's
    /// lease; on cancellation the lease is given up, so the next start resumes at once.
    /// </summary>
    public async Task<bool> RunNextAsync(string runner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runner);
        var job = await store.ClaimBatchAsync(runner, time.GetUtcNow(), time.GetUtcNow() - options.Lease, cancellationToken);
        if (job is null)
        {
            return false;
        }

        try
        {
            await RunAsync(job, runner, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await store.ReleaseBatchAsync(job.Id, runner, CancellationToken.None);
            throw;
        }

        return true;
    }

    private async Task RunAsync(BatchJob job, string runner, CancellationToken cancellationToken)
    {
        var content = await store.BatchContentAsync(job.Id, cancellationToken);
        var file = BatchFile.Read(job.FileName, content);
        var errors = (await store.BatchErrorsAsync(job.Id, cancellationToken)).ToList();

        // The lint's errors come first; rows refused while signing follow and are counted in DoneRows, so
        // only the lint's are left out of the rows to walk (else a resume would skip good rows).
        var bad = errors.Take(job.BadRows).Select(e => e.Line).ToHashSet();
        var actor = new Actor(ActorRole.Authority, "officer:" + (job.IssuedBy ?? job.SubmittedBy), job.AuthorityCode);
        var chunks = file.Rows.Where(r => !bad.Contains(r.Line)).Skip(job.DoneRows).Chunk(Math.Max(1, options.ChunkSize));
        await foreach (var _ in issuance.IssueChunksAsync(chunks, actor, async (unit, results) =>
        {
            var refused = results.Where(r => r.Error is not null).Select(r => BatchRowError.Of(r.Line, r.Error!)).ToList();
            var progress = new BatchProgress(results.Count, results.Count(r => r is { Record: not null, Replayed: false }), results.Count(r => r.Replayed), refused.Count);
            if (!await unit.AdvanceBatchAsync(job.Id, runner, progress, refused.Count == 0 ? null : [.. errors, .. refused], time.GetUtcNow()))
            {
                // Another runner took the job over: roll this chunk back and leave it to that runner.
                throw new OperationCanceledException($"batch {job.Id}: lease lost");
            }

            errors.AddRange(refused);
        }, cancellationToken))
        {
            if (options.Pause > TimeSpan.Zero)
            {
                await Task.Delay(options.Pause, time, cancellationToken);
            }
        }

        await store.InTransactionAsync(async unit =>
        {
            var now = time.GetUtcNow();
            if (await unit.FinishBatchAsync(job.Id, runner, now) is { } done)
            {
                await AuditChain.AppendAsync(unit, new AuditDraft(AuditEvents.BatchFinished, "batch.finished", actor.ToString(), job.Subject,
                    $"issued={done.Issued};replayed={done.Replayed};failed={done.Failed};bad={done.BadRows}", now));
            }

            return 0;
        }, cancellationToken);
    }

    /// <summary>
    /// Every lint of the service, row by row, and the numbers already live at the authority (a file uploaded
    /// twice, or a row for a licence in force), with nothing written. Signing checks the numbers again.
    /// </summary>
    private async Task<List<BatchRowError>> LintAsync(BatchFile file, Actor actor, CancellationToken cancellationToken)
    {
        var errors = file.Refused.ToList();
        var good = new List<(BatchRow Row, Core.Licences.LicenceType Type)>();
        foreach (var row in file.Rows)
        {
            try
            {
                issuance.Preview(row.Command, actor);
                good.Add((row, Lints.KnownType(issuance.LicenceTypes, row.Command.TypeCode)));
            }
            catch (LicenceTrustException e)
            {
                errors.Add(BatchRowError.Of(row.Line, e.Error));
            }
        }

        // A row of this very file issued before (an interrupted run, the CLI) is answered as issued when it runs, not refused.
        var (live, earlier) = await store.InTransactionAsync(async unit => (
            await LiveNumberRule.LiveAsync(unit, actor.AuthorityCode!, good.Select(g => (g.Type.Code.Value, g.Row.Command.Number))),
            await unit.FindByIdempotencyKeysAsync(actor.AuthorityCode!, [.. good.Select(g => g.Row.Command.IdempotencyKey).OfType<string>()])), cancellationToken);
        foreach (var (row, type) in good)
        {
            if (live.TryGetValue((type.Code.Value, row.Command.Number.Trim()), out var identifier)
                && !(row.Command.IdempotencyKey is { } key && earlier.TryGetValue(key, out var same) && same.Identifier == identifier))
            {
                var error = LiveNumberRule.Refusal(type, row.Command.Number, identifier).Error;
                errors.Add(BatchRowError.Of(row.Line, error));
            }
        }

        return [.. errors.OrderBy(e => e.Line)];
    }

    private static LicenceTrustException NotFound() => LicenceTrustException.NotFound("BATCH_NOT_FOUND", "未找到该批量任务 (no such batch).");
}

/// <summary>What one committed chunk adds to a job's counts.</summary>
public sealed record BatchProgress(int Done, int Issued, int Replayed, int Failed);
