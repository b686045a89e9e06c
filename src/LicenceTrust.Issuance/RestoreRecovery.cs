using LicenceTrust.Core.Status;
using LicenceTrust.Status;

namespace LicenceTrust.Issuance;

/// <summary>One of this node's status lists as a peer holds it: newer than the database's copy, or missing from it.</summary>
/// <param name="List">The list's number.</param>
/// <param name="Bits">Its entries, from a copy signed by this province's list signer.</param>
/// <param name="Version">This node's change counter of the list when the peer fetched it.</param>
/// <param name="Source">Whose copy it is, for the status events' reason (e.g. <c>sc</c>).</param>
public sealed record PublishedListCopy(int List, StatusBits Bits, long Version, string Source);

/// <summary>What <see cref="RestoreRecovery.RecoverAsync"/> did.</summary>
/// <param name="StatusChanges">Licences of the database whose status was set to what the peers' copies say.</param>
/// <param name="LostSlots">Slots the peers show as revoked or suspended whose licences the database does not hold (issued after the backup): kept so, and never given again.</param>
/// <param name="FreshList">The new status list every licence issued from now on gets its slot in.</param>
/// <param name="SerialGap">How far every authority's serial moved on.</param>
public sealed record RestoreOutcome(int StatusChanges, int LostSlots, int FreshList, long SerialGap)
{
    public override string ToString() =>
        $"{StatusChanges} status change(s) re-applied from the peers' copies, {LostSlots} slot(s) of licences issued after the backup kept as the peers show them, " +
        $"new licences go to the new status list {FreshList}, serials moved on by {SerialGap}";
}

/// <summary>
/// Brings a database restored from a backup level with what the node published after the backup, as its
/// peers hold it (docs/operations.md, "Backup and restore"): every status change the peers' copies of its
/// status lists show is made again, with its own status event and audit entry; a slot shown ended or
/// suspended whose licence the backup lacks is kept so; every list that existed is closed to new licences
/// (a slot used after the backup by a still valid licence looks free in every copy); and every authority's
/// serial moves on by more than the node could have used since. All in one transaction: it commits whole
/// or not at all, and a failed start leaves the next start to find the same.
/// </summary>
public sealed class RestoreRecovery(IIssuanceTransactions store, IssuanceOptions options, TimeProvider time, IStatusChangeSink? statusSink = null)
{
    /// <summary>Who the status events and audit entries name.</summary>
    public static readonly Actor Restore = new(ActorRole.Admin, "restore");

    /// <param name="copies">The peers' newest copy of each list that is newer than the database's (or missing from it).</param>
    /// <param name="changesSinceBackup">Issues and status changes the peers saw after the backup (their lists' counters above the database's).</param>
    /// <param name="marginSerials">Serials skipped beyond those, for what the node issued after the peers last fetched (<c>Node:RestoreSerialGap</c>).</param>
    public async Task<RestoreOutcome> RecoverAsync(IReadOnlyList<PublishedListCopy> copies, long changesSinceBackup, long marginSerials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(copies);
        ArgumentOutOfRangeException.ThrowIfNegative(changesSinceBackup);
        ArgumentOutOfRangeException.ThrowIfNegative(marginSerials);
        var now = time.GetUtcNow();
        var committed = new List<StatusChange>();
        var outcome = await store.InTransactionAsync(async unit =>
        {
            committed.Clear();
            var lost = new List<(int List, int Index, LicenceStatus Status)>();
            foreach (var copy in copies)
            {
                var held = (await unit.SlotsOfListAsync(copy.List)).ToDictionary(s => s.Index);
                foreach (var (index, slot) in held)
                {
                    if (index < copy.Bits.Size && TargetOf(slot.Status, copy.Bits.Get(index)) is { } target)
                    {
                        var record = await unit.FindAsync(slot.Identifier) ?? throw new InvalidOperationException($"licence {slot.Identifier} vanished during the restore");
                        await StatusChanges.ApplyStatusAsync(unit, record, target,
                            $"备份恢复：依据{copy.Source}持有的本省状态列表{copy.List}恢复 (restored from {copy.Source}'s copy of status list {copy.List})", Restore, now, supersededBy: null);
                        committed.Add(new StatusChange(record.Identifier, record.StatusList, record.StatusIndex, target));
                    }
                }

                for (var index = 0; index < copy.Bits.Size; index++)
                {
                    if (!held.ContainsKey(index) && LicenceStatusRules.FromStatusListValue(copy.Bits.Get(index)) is { } shown and not LicenceStatus.Valid)
                    {
                        lost.Add((copy.List, index, shown));
                    }
                }

                await unit.RaiseStatusListAsync(copy.List, copy.Bits.Size, copy.Version + 1, now);
            }

            await unit.InsertLostSlotsAsync(lost, now);
            var fresh = Math.Max(await unit.HighestStatusListAsync() ?? -1, copies.Count == 0 ? -1 : copies.Max(c => c.List)) + 1;
            await unit.RaiseStatusListAsync(fresh, options.StatusListSize, 0, now);
            var gap = changesSinceBackup + marginSerials;
            await unit.SkipSerialsAsync(gap);
            var result = new RestoreOutcome(committed.Count, lost.Count, fresh, gap);
            await AuditChain.AppendAsync(unit, new AuditDraft(AuditEvents.RestoreAccepted, "node.restore_accepted", Restore.ToString(), options.Province.NodeId,
                $"changes_seen={changesSinceBackup};status_changes={result.StatusChanges};lost_slots={result.LostSlots};fresh_list={fresh};serial_gap={gap}", now));
            return result;
        }, cancellationToken);

        foreach (var change in committed)
        {
            statusSink?.Committed(change);
        }

        return outcome;
    }

    /// <summary>
    /// What a licence's status becomes, given the database's status and the entry the peers' copy shows;
    /// null when nothing changes. An ended licence never comes back; an entry that says "ended" (the list
    /// does not say how) becomes REVOKED.
    /// </summary>
    internal static LicenceStatus? TargetOf(LicenceStatus stored, byte shown)
    {
        if (stored.IsFinal() || LicenceStatusRules.FromStatusListValue(shown) is not { } status || status.ToStatusListValue() == stored.ToStatusListValue())
        {
            return null;
        }

        return LicenceStatusRules.CanChange(stored, status) ? status : null;
    }
}
