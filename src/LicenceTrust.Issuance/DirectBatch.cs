using LicenceTrust.Core.Results;

namespace LicenceTrust.Issuance;

/// <summary>What a batch signed at once came to.</summary>
/// <param name="Issued">Licences issued by this run.</param>
/// <param name="Replayed">Rows issued before (the same file run again): answered with the earlier licence.</param>
/// <param name="Errors">Rows not issued, by line: those the file's reader refused and those refused at signing.</param>
public sealed record DirectBatchOutcome(int Issued, int Replayed, IReadOnlyList<BatchRowError> Errors);

/// <summary>
/// A batch file signed at once with the keys the node's operator holds (the CLI's <c>issue batch</c>), for an
/// authority whose <c>IssueApproval</c> is <c>none</c>. Where approval is required there is no such path:
/// the file is submitted through <see cref="BatchJobs.SubmitAsync"/> and the node signs it once an approver
/// releases it (<c>BATCH_APPROVAL_REQUIRED</c> otherwise). Its start and its end are in the audit log as a
/// console batch's are (<c>batch.submitted</c>, <c>batch.finished</c>), under the subject
/// <c>batch-file:</c> and the first 16 hex digits of the file's SHA-256: the same file run again is the same
/// subject, as its rows are the same licences. docs/console.md, "The CLI's batch".
/// </summary>
public sealed class DirectBatch(IssuanceService issuance, IIssuanceTransactions store, ApprovalPolicy policy, BatchOptions options, TimeProvider time)
{
    /// <summary>Signs and stores the file's rows in chunks of <see cref="BatchOptions.ChunkSize"/>, as the console's batch runner does; <paramref name="progress"/> hears the rows done after each chunk.</summary>
    /// <exception cref="LicenceTrustException">403 BATCH_APPROVAL_REQUIRED: the authority's policy asks for an approver.</exception>
    public async Task<DirectBatchOutcome> RunAsync(BatchFile file, Actor actor, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(actor);
        var authority = actor.AuthorityCode ?? throw LicenceTrustException.Forbidden("ROLE_NOT_ALLOWED", "只有颁发机构可以执行此操作 (only an issuing authority may do this).");
        if (policy.Requires(authority, ApprovalKind.Batch))
        {
            throw LicenceTrustException.Forbidden("BATCH_APPROVAL_REQUIRED",
                $"机构{authority}签发须经审核：请以经办人员身份提交审核 (the authority {authority} requires approval: submit the file as its clerk, and an approver releases it).");
        }

        var subject = "batch-file:" + file.Sha256[..16];
        var total = file.Rows.Count + file.Refused.Count;
        await AuditAsync(AuditEvents.BatchSubmitted, "batch.submitted", actor, subject, $"file={file.Sha256[..16]};rows={total};bad={file.Refused.Count};direct=true", cancellationToken);

        var errors = file.Refused.ToList();
        int issued = 0, replayed = 0, done = 0;
        await foreach (var results in issuance.IssueChunksAsync(file.Rows.Chunk(options.ChunkSize), actor, cancellationToken))
        {
            foreach (var row in results)
            {
                if (row.Error is { } error)
                {
                    errors.Add(BatchRowError.Of(row.Line, error));
                }
                else if (row.Replayed)
                {
                    replayed++;
                }
                else
                {
                    issued++;
                }
            }

            done += results.Count;
            progress?.Report(done);
        }

        var failed = errors.Count - file.Refused.Count;
        await AuditAsync(AuditEvents.BatchFinished, "batch.finished", actor, subject, $"issued={issued};replayed={replayed};failed={failed};bad={file.Refused.Count}", cancellationToken);
        return new DirectBatchOutcome(issued, replayed, [.. errors.OrderBy(e => e.Line)]);
    }

    private Task AuditAsync(int code, string name, Actor actor, string subject, string detail, CancellationToken cancellationToken) =>
        store.InTransactionAsync(async unit =>
        {
            await AuditChain.AppendAsync(unit, new AuditDraft(code, name, actor.ToString(), subject, detail, time.GetUtcNow()));
            return 0;
        }, cancellationToken);
}
