using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using LicenceTrust.Status;

namespace LicenceTrust.Issuance;

/// <summary>
/// Status changes of an authority's own licences: suspend, reinstate, revoke, cancel, and supersede (a new
/// version issued and the old one marked SUPERSEDED in one transaction). Updates are guarded (only from
/// the status read), each with its event and audit entry. After a change commits, the Status capability's
/// port is told, so this node's status lists in memory show it on the next scan. Thread-safe.
/// </summary>
internal sealed class StatusChanges(IIssuanceTransactions store, LicenceDrafting drafting, LicenceSealing sealing, TimeProvider time, IStatusChangeSink? statusChanges)
{
    /// <summary>Issues the next version of a licence and marks the old one SUPERSEDED, in one transaction.</summary>
    /// <remarks>
    /// Ownership is checked before the replacement is built or validated (<paramref name="replacement"/>
    /// runs only then, inside the transaction): a caller learns nothing about another authority's
    /// licence from validation, and a missing replacement (null) is FIELD_REQUIRED only for the owner.
    /// </remarks>
    /// <remarks><paramref name="alsoInTransaction"/> runs after the new version is stored and commits or rolls back with it.</remarks>
    public async Task<LicenceRecord> SupersedeAsync(string identifier, Func<IssueCommand?> replacement, string? reason, Actor actor, Func<IIssuanceUnit, LicenceRecord, Task>? alsoInTransaction, CancellationToken cancellationToken)
    {
        using var span = IssuanceTelemetry.Tracing.StartActivity("licencetrust.supersede");
        var (record, old) = await SupersedeCoreAsync(identifier, replacement, reason, actor, alsoInTransaction, cancellationToken);
        Committed(new StatusChange(old.Identifier, old.StatusList, old.StatusIndex, LicenceStatus.Superseded));
        IssuanceTelemetry.Issued.Add(1, new KeyValuePair<string, object?>("type", record.Licence.TypeCode.Value));
        return record;
    }

    private void Committed(StatusChange change)
    {
        IssuanceTelemetry.Changes.Add(1, new KeyValuePair<string, object?>("status", change.Status.WireName()));
        statusChanges?.Committed(change);
    }

    private async Task<(LicenceRecord Record, LicenceRecord Old)> SupersedeCoreAsync(string identifier, Func<IssueCommand?> replacement, string? reason, Actor actor, Func<IIssuanceUnit, LicenceRecord, Task>? alsoInTransaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        var authorityCode = drafting.RequireAuthority(actor);
        return await store.InTransactionAsync(async unit =>
        {
            // Every check that can fail throws before the first write, so the transaction changes nothing then.
            var old = await unit.FindAsync(identifier) ?? throw LicenceAccess.NotFound(identifier);
            LicenceAccess.RequireOwner(old, actor);
            var request = drafting.Lint(replacement() ?? throw LicenceTrustException.Validation("FIELD_REQUIRED", "缺少新证照信息 (licence is required).", "licence"), authorityCode);
            var why = Lints.Reason(reason);
            if (old.Licence.TypeCode != request.Type.Code)
            {
                throw LicenceTrustException.Validation("TYPE_CHANGE_NOT_ALLOWED", "变更换发不能改变证照类型 (a replacement keeps the licence type).", "typeCode");
            }

            EnsureCanChange(old, LicenceStatus.Superseded);
            await LiveNumberRule.EnsureFreeAsync(unit, authorityCode, request.Type, request.Command.Number, except: old.Identifier);
            var now = time.GetUtcNow();
            var licence = LicenceDrafting.Named(request.Draft, old.Licence.Identifier.NextVersion());
            var (list, index) = await sealing.AllocateSlotAsync(unit, now);
            var record = sealing.Seal(licence, request.Signing, list, index, actor, now, supersedes: old.Identifier);
            await unit.InsertLicenceAsync(record, null);
            await unit.TouchStatusListAsync(record.StatusList, now, added: 1);
            await ApplyStatusAsync(unit, old, LicenceStatus.Superseded, why, actor, now, supersededBy: record.Identifier);
            await AuditAsync(unit, AuditEvents.LicenceSuperseded, "licence.superseded", actor, record.Identifier, $"supersedes={old.Identifier}", now);
            if (alsoInTransaction is not null)
            {
                await alsoInTransaction(unit, record);
            }

            return (record, old);
        }, cancellationToken);
    }

    /// <summary>Suspends, reinstates, revokes or cancels an own licence. Ownership is checked before the reason, in the one transaction.</summary>
    /// <remarks><paramref name="alsoInTransaction"/> commits or rolls back with the change.</remarks>
    public async Task<LicenceRecord> ChangeStatusAsync(string identifier, StatusAction action, string? reason, Actor actor, Func<IIssuanceUnit, Task>? alsoInTransaction, CancellationToken cancellationToken)
    {
        using var span = IssuanceTelemetry.Tracing.StartActivity("licencetrust.status_change")?.SetTag("licencetrust.action", action.ToString());
        drafting.RequireAuthority(actor);
        var target = action switch
        {
            StatusAction.Suspend => LicenceStatus.Suspended,
            StatusAction.Reinstate => LicenceStatus.Valid,
            StatusAction.Revoke => LicenceStatus.Revoked,
            _ => LicenceStatus.Cancelled,
        };

        var changed = await store.InTransactionAsync(async unit =>
        {
            var record = await unit.FindAsync(identifier) ?? throw LicenceAccess.NotFound(identifier);
            LicenceAccess.RequireOwner(record, actor);
            var why = Lints.Reason(reason);
            EnsureCanChange(record, target);
            await ApplyStatusAsync(unit, record, target, why, actor, time.GetUtcNow(), supersededBy: null);
            if (alsoInTransaction is not null)
            {
                await alsoInTransaction(unit);
            }

            return record with { Status = target };
        }, cancellationToken);
        Committed(new StatusChange(changed.Identifier, changed.StatusList, changed.StatusIndex, changed.Status));
        return changed;
    }


    internal static async Task ApplyStatusAsync(IIssuanceUnit unit, LicenceRecord record, LicenceStatus target, string reason, Actor actor, DateTimeOffset now, string? supersededBy)
    {
        if (!await unit.ChangeStatusAsync(record.Identifier, record.Status, target, supersededBy))
        {
            throw LicenceTrustException.Conflict("STATUS_CHANGED_CONCURRENTLY", "证照状态已被其他操作修改，请刷新后重试 (the status changed meanwhile; reload and retry).");
        }

        await unit.InsertStatusEventAsync(new StatusEvent(record.Identifier, record.Status, target, reason, actor.ToString(), now));
        await unit.TouchStatusListAsync(record.StatusList, now, added: 0);
        await AuditAsync(unit, AuditEvents.StatusChanged, "licence.status_changed", actor, record.Identifier, $"from={record.Status.WireName()};to={target.WireName()};reason={reason}", now);
    }

    private static Task AuditAsync(IIssuanceUnit unit, int eventId, string name, Actor actor, string subject, string data, DateTimeOffset now) =>
        AuditChain.AppendAsync(unit, new AuditDraft(eventId, name, actor.ToString(), subject, data, now));

    internal static void EnsureCanChange(LicenceRecord record, LicenceStatus target)
    {
        if (!LicenceStatusRules.CanChange(record.Status, target))
        {
            throw LicenceTrustException.Conflict("STATUS_CHANGE_NOT_ALLOWED", $"证照当前为{record.Status.NameZh()}，不能改为{target.NameZh()} (a {record.Status.WireName()} licence cannot become {target.WireName()}).");
        }
    }
}
