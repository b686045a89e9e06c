using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;

namespace LicenceTrust.Issuance;

/// <summary>What became of a clerk's issue request: a draft waiting for approval, or (no approval required) the licence.</summary>
public sealed record SubmitOutcome(ApprovalRequest? Draft, LicenceRecord? Issued);

/// <summary>What became of a revocation or cancellation request: waiting, or (no approval required) applied.</summary>
public sealed record RequestOutcome(ApprovalRequest? Request, LicenceRecord? Changed);

/// <summary>
/// The console officers' workflow on top of <see cref="IssuanceService"/> (docs/console.md): roles
/// (经办 clerk, 审核 approver, 管理员 admin) and maker–checker (填报 → 审核 → 签发). A clerk's issue
/// request is a draft and a clerk's revocation or cancellation waits in the approvers' queue, unless the
/// <see cref="ApprovalPolicy"/> says the authority needs no approval for it. An approver of the same
/// authority, never the maker, approves (which signs the draft or applies the change, in the same
/// transaction as the decision and its audit entry) or rejects with a reason. Every rule is enforced
/// here, whatever the page shows. Thread-safe.
/// </summary>
public sealed class OfficerWorkflow(IssuanceService issuance, IIssuanceStore store, ApprovalPolicy policy, TimeProvider time)
{
    /// <summary>The licence as it would be signed, for the form's preview (clerk).</summary>
    public Licence Preview(IssueCommand command, Officer officer)
    {
        Require(officer, OfficerRoles.Clerk);
        return issuance.Preview(command, officer.AsAuthority);
    }

    /// <summary>Every problem of a clerk's form at once (<see cref="IssuanceService.Problems"/>), for the form to show them all.</summary>
    public IReadOnlyList<LicenceTrustError> Problems(IssueCommand command, Officer officer)
    {
        Require(officer, OfficerRoles.Clerk);
        return issuance.Problems(command, officer.AsAuthority);
    }

    /// <summary>
    /// A clerk's issue request: linted in full now, then stored as a draft (or issued when the authority
    /// needs no approval). <see cref="IssueCommand.IdempotencyKey"/> is the form's key: a double click finds the first draft.
    /// </summary>
    public async Task<SubmitOutcome> SubmitIssueAsync(IssueCommand command, Officer officer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var key = RequestKey(command.IdempotencyKey);
        Preview(command, officer);
        if (!policy.Requires(officer.AuthorityCode, ApprovalKind.Issue))
        {
            return new SubmitOutcome(null, (await issuance.IssueAsync(command with { IdempotencyKey = "console:" + key }, officer.AsAuthority, cancellationToken)).Record);
        }

        var draft = new ApprovalRequest(0, ApprovalKind.Issue, officer.AuthorityCode, null, Lints.CleanText(command) with { IdempotencyKey = null }, null, key, officer.Username, time.GetUtcNow());
        return new SubmitOutcome(await StoreRequestAsync(draft, officer, cancellationToken), null);
    }

    /// <summary>A clerk asks to revoke or cancel an own licence; the change is checked as possible now, and applied only on approval.</summary>
    public async Task<RequestOutcome> RequestStatusChangeAsync(string identifier, ApprovalKind kind, string? reason, string? requestKey, Officer officer, CancellationToken cancellationToken = default)
    {
        Require(officer, OfficerRoles.Clerk);
        if (kind == ApprovalKind.Issue)
        {
            throw new ArgumentOutOfRangeException(nameof(kind), "Issue requests are drafts: use SubmitIssueAsync.");
        }

        var record = await issuance.GetAsync(identifier, officer.AsAuthority, cancellationToken);
        var why = Lints.Reason(reason);
        StatusChanges.EnsureCanChange(record, kind == ApprovalKind.Revoke ? LicenceStatus.Revoked : LicenceStatus.Cancelled);

        if (!policy.Requires(officer.AuthorityCode, kind))
        {
            return new RequestOutcome(null, await issuance.ChangeStatusAsync(identifier, Action(kind), why, officer.AsAuthority, cancellationToken));
        }

        var key = await NoOtherPendingAsync(identifier, requestKey, officer, cancellationToken);
        var request = new ApprovalRequest(0, kind, officer.AuthorityCode, record.Identifier, null, why, key, officer.Username, time.GetUtcNow());
        return new RequestOutcome(await StoreRequestAsync(request, officer, cancellationToken), null);
    }

    /// <summary>
    /// A clerk's new version of an own licence (变更换发), the type unchanged: linted in full now, then a
    /// draft the approvers check like a new licence (the authority's IssueApproval policy), or signed at
    /// once when it needs no approval. Ownership is checked before anything of the draft is.
    /// </summary>
    public async Task<SubmitOutcome> SubmitSupersedeAsync(string identifier, IssueCommand command, string? reason, Officer officer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        Require(officer, OfficerRoles.Clerk);
        var old = await issuance.GetAsync(identifier, officer.AsAuthority, cancellationToken);
        if (old.Licence.TypeCode.Value != command.TypeCode)
        {
            throw LicenceTrustException.Validation("TYPE_CHANGE_NOT_ALLOWED", "变更换发不能改变证照类型 (a replacement keeps the licence type).", "typeCode");
        }

        Preview(command, officer);
        var why = Lints.Reason(reason);

        StatusChanges.EnsureCanChange(old, LicenceStatus.Superseded);
        if (!policy.Requires(officer.AuthorityCode, ApprovalKind.Supersede))
        {
            return new SubmitOutcome(null, await issuance.SupersedeAsync(identifier, () => command with { IdempotencyKey = null }, why, officer.AsAuthority, cancellationToken));
        }

        var key = await NoOtherPendingAsync(old.Identifier, command.IdempotencyKey, officer, cancellationToken);
        var draft = new ApprovalRequest(0, ApprovalKind.Supersede, officer.AuthorityCode, old.Identifier, Lints.CleanText(command) with { IdempotencyKey = null }, why, key, officer.Username, time.GetUtcNow());
        return new SubmitOutcome(await StoreRequestAsync(draft, officer, cancellationToken), null);
    }

    /// <summary>A clerk suspends an own licence at once (a suspension can be lifted, so it needs no second officer).</summary>
    public Task<LicenceRecord> SuspendAsync(string identifier, string? reason, Officer officer, CancellationToken cancellationToken = default)
    {
        Require(officer, OfficerRoles.Clerk);
        return issuance.ChangeStatusAsync(identifier, StatusAction.Suspend, reason, officer.AsAuthority, cancellationToken);
    }

    /// <summary>An approver lifts a suspension.</summary>
    public Task<LicenceRecord> ReinstateAsync(string identifier, string? reason, Officer officer, CancellationToken cancellationToken = default)
    {
        Require(officer, OfficerRoles.Approver);
        return issuance.ChangeStatusAsync(identifier, StatusAction.Reinstate, reason, officer.AsAuthority, cancellationToken);
    }

    /// <summary>
    /// An approver approves: a draft is signed and stored, a revocation or cancellation applied, a batch
    /// released to the runner, and the decision and its audit entry commit in the same transaction.
    /// Returns the licence (null for a batch, which the runner issues next).
    /// </summary>
    public async Task<LicenceRecord?> ApproveAsync(long id, Officer officer, CancellationToken cancellationToken = default) =>
        await ApproveAsync(await DecidableAsync(id, officer, cancellationToken), officer, cancellationToken);

    /// <summary>
    /// Approves a request the caller has just read (the console's page, which reads it to show it): the same
    /// checks as <see cref="ApproveAsync(long, Officer, CancellationToken)"/> without reading it again. The
    /// decision is written only while the request is still pending, so a request decided meanwhile is refused.
    /// </summary>
    public async Task<LicenceRecord?> ApproveAsync(ApprovalRequest request, Officer officer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Decidable(request, officer);
        var id = request.Id;
        var now = time.GetUtcNow();
        async Task Decide(IIssuanceUnit unit, string result)
        {
            if (!await unit.DecideApprovalAsync(id, ApprovalState.Approved, officer.Username, now, null, result))
            {
                throw AlreadyDecided(id);
            }

            await AuditChain.AppendAsync(unit, new AuditDraft(AuditEvents.ApprovalApproved, "approval.approved", officer.AsAuthority.ToString(), result,
                $"request={id};kind={request.Kind};maker={request.RequestedBy}", now));
        }

        if (request.Kind == ApprovalKind.Issue)
        {
            // The idempotency key makes a retried approval find the licence it already signed.
            var command = request.Command! with { IdempotencyKey = $"approval:{id}" };
            var outcome = await issuance.IssueAsync(command, officer.AsAuthority, (unit, issued) => Decide(unit, issued.Record.Identifier), cancellationToken);
            return outcome.Record;
        }

        if (request.Kind == ApprovalKind.Batch)
        {
            await store.InTransactionAsync(async unit =>
            {
                await Decide(unit, request.Subject!);
                if (!await unit.DecideBatchAsync(BatchJob.IdOf(request.Subject!), BatchState.Queued, officer.Username, now))
                {
                    throw AlreadyDecided(id);
                }

                return 0;
            }, cancellationToken);
            return null;
        }

        if (request.Kind == ApprovalKind.Supersede)
        {
            return await issuance.SupersedeAsync(request.Subject!, () => request.Command, request.Reason, officer.AsAuthority, (unit, successor) => Decide(unit, successor.Identifier), cancellationToken);
        }

        return await issuance.ChangeStatusAsync(request.Subject!, Action(request.Kind), request.Reason, officer.AsAuthority, unit => Decide(unit, request.Subject!), cancellationToken);
    }

    /// <summary>An approver rejects with a reason; the draft or request goes back to its maker, nothing is signed or changed.</summary>
    public async Task<ApprovalRequest> RejectAsync(long id, string? reason, Officer officer, CancellationToken cancellationToken = default)
    {
        var request = await DecidableAsync(id, officer, cancellationToken);
        var why = Lints.Reason(reason);
        var now = time.GetUtcNow();
        await store.InTransactionAsync(async unit =>
        {
            if (!await unit.DecideApprovalAsync(id, ApprovalState.Rejected, officer.Username, now, why, null))
            {
                throw AlreadyDecided(id);
            }

            if (request.Kind == ApprovalKind.Batch && !await unit.DecideBatchAsync(BatchJob.IdOf(request.Subject!), BatchState.Rejected, officer.Username, now))
            {
                throw AlreadyDecided(id);
            }

            await AuditChain.AppendAsync(unit, new AuditDraft(AuditEvents.ApprovalRejected, "approval.rejected", officer.AsAuthority.ToString(), request.Subject ?? $"request:{id}",
                $"request={id};kind={request.Kind};maker={request.RequestedBy};reason={why}", now));
            return 0;
        }, cancellationToken);
        return request with { State = ApprovalState.Rejected, DecidedBy = officer.Username, DecidedAt = now, DecisionReason = why };
    }

    /// <summary>One request, for an officer of its authority (or an admin).</summary>
    public async Task<ApprovalRequest> GetAsync(long id, Officer officer, CancellationToken cancellationToken = default)
    {
        var request = await store.FindApprovalAsync(id, cancellationToken) ?? throw NotFound();
        return request.AuthorityCode == officer.AuthorityCode || officer.IsAdministrator ? request : throw NotFound();
    }

    /// <summary>The officer's authority's requests (an administrator's: every authority's), newest first.</summary>
    public async Task<IReadOnlyList<ApprovalRequest>> ListAsync(Officer officer, ApprovalState? state, string? subject = null, CancellationToken cancellationToken = default) =>
        (await QueueAsync(new ApprovalQuery(null, state, subject), officer, cancellationToken)).Items;

    /// <summary>A page of the officer's authority's requests (an administrator's: every authority's) under the query's filters.</summary>
    public Task<Page<ApprovalRequest>> QueueAsync(ApprovalQuery query, Officer officer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(officer);
        return store.ListApprovalsAsync(query with { AuthorityCode = officer.IsAdministrator ? null : officer.AuthorityCode, Limit = Math.Clamp(query.Limit, 1, 200) }, cancellationToken);
    }

    /// <summary>Whether the officer may decide this request (for the page; the service checks again when it is done).</summary>
    public static bool MayDecide(ApprovalRequest request, Officer officer) =>
        request.State == ApprovalState.Pending && officer.Has(OfficerRoles.Approver) && request.AuthorityCode == officer.AuthorityCode
            && !string.Equals(request.RequestedBy, officer.Username, StringComparison.OrdinalIgnoreCase);

    private async Task<ApprovalRequest> DecidableAsync(long id, Officer officer, CancellationToken cancellationToken)
    {
        Require(officer, OfficerRoles.Approver);
        return Decidable(await store.FindApprovalAsync(id, cancellationToken) ?? throw NotFound(), officer);
    }

    /// <summary>The request, when the officer may decide it now: an approver of its authority, not its maker, and it still pending.</summary>
    private static ApprovalRequest Decidable(ApprovalRequest request, Officer officer)
    {
        Require(officer, OfficerRoles.Approver);
        if (request.AuthorityCode != officer.AuthorityCode)
        {
            throw NotFound();
        }

        if (string.Equals(request.RequestedBy, officer.Username, StringComparison.OrdinalIgnoreCase))
        {
            throw LicenceTrustException.Forbidden("APPROVAL_OWN_REQUEST", "不能审核自己提交的申请，须由另一名审核人员审核 (you cannot decide your own request; another approver must).");
        }

        return request.State == ApprovalState.Pending ? request : throw AlreadyDecided(request.Id);
    }

    private async Task<ApprovalRequest> StoreRequestAsync(ApprovalRequest request, Officer officer, CancellationToken cancellationToken)
    {
        var (id, existed) = await store.InTransactionAsync(async unit =>
        {
            // A draft whose number is live already would only be refused at approval: say so to the clerk now.
            if (request is { Kind: ApprovalKind.Issue or ApprovalKind.Supersede, Command: { } command })
            {
                await LiveNumberRule.EnsureFreeAsync(unit, request.AuthorityCode, Lints.KnownType(issuance.LicenceTypes, command.TypeCode), command.Number,
                    except: request.Kind == ApprovalKind.Supersede ? request.Subject : null);
            }

            var stored = await unit.InsertApprovalAsync(request);
            if (!stored.Existed)
            {
                await AuditChain.AppendAsync(unit, new AuditDraft(AuditEvents.ApprovalRequested, "approval.requested", officer.AsAuthority.ToString(),
                    request.Subject ?? $"request:{stored.Id}", $"request={stored.Id};kind={request.Kind}" + (request.Reason is { } r ? $";reason={r}" : string.Empty), request.RequestedAt));
            }

            return stored;
        }, cancellationToken);
        return existed ? await store.FindApprovalAsync(id, cancellationToken) ?? request with { Id = id } : request with { Id = id };
    }

    /// <summary>One waiting request per licence: the request key of this form, unless another request already waits.</summary>
    private async Task<string> NoOtherPendingAsync(string identifier, string? requestKey, Officer officer, CancellationToken cancellationToken)
    {
        var key = RequestKey(requestKey);
        var waiting = (await store.ListApprovalsAsync(new ApprovalQuery(officer.AuthorityCode, ApprovalState.Pending, identifier), cancellationToken)).Items;
        if (waiting.FirstOrDefault(w => w.RequestKey != key) is { } other)
        {
            throw LicenceTrustException.Conflict("REQUEST_ALREADY_PENDING", $"该证照已有待审核的申请（第{other.Id}号） (a request for this licence is already waiting: #{other.Id}).");
        }

        return key;
    }

    private static void Require(Officer officer, OfficerRoles role)
    {
        ArgumentNullException.ThrowIfNull(officer);
        officer.Require(role);
    }

    private static string RequestKey(string? key) =>
        key is { Length: > 0 and <= 64 } && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? key : Guid.NewGuid().ToString("N");

    private static StatusAction Action(ApprovalKind kind) => kind == ApprovalKind.Revoke ? StatusAction.Revoke : StatusAction.Cancel;

    private static LicenceTrustException NotFound() => LicenceTrustException.NotFound("APPROVAL_NOT_FOUND", "未找到该申请 (no such request).");

    private static LicenceTrustException AlreadyDecided(long id) =>
        LicenceTrustException.Conflict("APPROVAL_ALREADY_DECIDED", $"第{id}号申请已处理，请刷新 (request #{id} was already decided; reload).");
}
