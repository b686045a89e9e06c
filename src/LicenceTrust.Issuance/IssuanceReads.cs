using LicenceTrust.Core.Results;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Status;

namespace LicenceTrust.Issuance;

/// <summary>
/// Reads of the register and its audit log, each for whom it is allowed: an owner or an admin reads a
/// record (a person's code masked, except the owner's one audited read), a list is always masked, the
/// auditor searches the log. Writes only the audit entries that reads and exports owe. Thread-safe.
/// </summary>
internal sealed class IssuanceReads(ILicenceRegister register, IAuditLog audit, IIssuanceTransactions transactions, LicenceDrafting drafting, TimeProvider time)
{
    /// <summary>
    /// A licence's audit entries for its owner (or an admin), with their check against the log around them
    /// (<see cref="AuditChain.VerifyExcerpt"/>): two reads of a few rows, never the whole log.
    /// </summary>
    public async Task<(IReadOnlyList<AuditEntry> Entries, AuditVerification Check)> AuditOfAsync(string identifier, Actor actor, CancellationToken cancellationToken = default)
    {
        LicenceAccess.RequireOwner(await register.FindAsync(identifier, cancellationToken) ?? throw LicenceAccess.NotFound(identifier), actor);
        var entries = await audit.AuditOfAsync(identifier, cancellationToken);
        var predecessors = await audit.AuditEntriesAsync([.. entries.Select(e => e.Sequence - 1).Where(s => s > 0)], cancellationToken);
        return (entries, AuditChain.VerifyExcerpt(entries, predecessors.ToDictionary(e => e.Sequence)));
    }

    /// <summary>Writes that <paramref name="actor"/> took licence data out of the node (a CSV export): what, and how much (no personal data).</summary>
    public Task RecordExportAsync(Actor actor, string what, string data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return AuditChain.AppendAsync(transactions, new AuditDraft(AuditEvents.RegisterExported, "register.exported", actor.ToString(), what, data, time.GetUtcNow()), cancellationToken);
    }

    /// <summary>The auditor reads the log under filters (read-only; docs/console.md, "The auditor's view").</summary>
    public Task<Page<AuditEntry>> SearchAuditAsync(AuditQuery query, Officer auditor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(auditor);
        auditor.Require(OfficerRoles.Auditor);
        return audit.SearchAuditAsync(query with { PageNumber = Math.Max(1, query.PageNumber), PageSize = Math.Clamp(query.PageSize, 1, 500) }, cancellationToken);
    }

    /// <summary>Checks the whole audit log's hash chain (docs/api.md, "Audit log").</summary>
    public async Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken = default) =>
        AuditChain.Verify(await audit.AuditLogAsync(cancellationToken));

    /// <summary>The credential (QR text) of a licence of this node, for anyone: it is what the licence's holder shows.</summary>
    public async Task<string> CredentialAsync(string identifier, CancellationToken cancellationToken = default) =>
        (await register.FindAsync(identifier, cancellationToken) ?? throw LicenceAccess.NotFound(identifier)).QrText;

    /// <summary>A licence record for its owner or an admin, a person's holder code masked (for QR images, the print view, checks).</summary>
    public async Task<LicenceRecord> GetAsync(string identifier, Actor actor, CancellationToken cancellationToken = default)
    {
        var record = await register.FindAsync(identifier, cancellationToken) ?? throw LicenceAccess.NotFound(identifier);
        LicenceAccess.RequireOwner(record, actor);
        return Masked(record);
    }

    /// <summary>As <see cref="GetAsync"/>, with the licence's last status change (null when it never changed), for the print view.</summary>
    public async Task<(LicenceRecord Record, StatusEvent? LastChange)> GetWithLastChangeAsync(string identifier, Actor actor, CancellationToken cancellationToken = default)
    {
        var record = await GetAsync(identifier, actor, cancellationToken);
        var history = await register.HistoryAsync(identifier, cancellationToken);
        return (record, history.Count == 0 ? null : history[^1]);
    }

    /// <summary>
    /// The full record, for the API's single-record read: the owning authority gets the full holder code
    /// (it holds the source record; docs/api.md, "Disclosure"), and that read of a person's code is written
    /// to the audit chain (event 1003); an admin gets the personal code masked.
    /// </summary>
    public async Task<LicenceRecord> ReadRecordAsync(string identifier, Actor actor, CancellationToken cancellationToken = default)
    {
        var record = await register.FindAsync(identifier, cancellationToken) ?? throw LicenceAccess.NotFound(identifier);
        LicenceAccess.RequireOwner(record, actor);
        if (actor.Role != ActorRole.Authority || record.Licence.AuthorityCode != actor.AuthorityCode)
        {
            return Masked(record);
        }

        if (record.Licence.Holder.CodeType.IsPersonal())
        {
            await AuditChain.AppendAsync(transactions, new AuditDraft(AuditEvents.PersonalDataRead, "licence.personal_data_read", actor.ToString(), record.Identifier,
                $"codeType={record.Licence.Holder.CodeType.ToCode()}", time.GetUtcNow()), cancellationToken);
        }

        return record;
    }

    public async Task<Page<LicenceRecord>> ListAsync(LicenceQuery query, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.PageNumber < 1)
        {
            throw LicenceTrustException.Validation("PAGE_INVALID", "page从1开始 (page starts at 1).", "page");
        }

        if (query.PageSize is < 1 or > 200)
        {
            throw LicenceTrustException.Validation("PAGE_INVALID", "pageSize为1-200 (pageSize is 1-200).", "pageSize");
        }

        var scoped = actor.Role == ActorRole.Admin ? query : query with { AuthorityCode = drafting.RequireAuthority(actor) };
        var page = await register.ListAsync(scoped, cancellationToken);
        // A list is many people at once: personal codes are masked here, the full code is one audited read away.
        return page with { Items = [.. page.Items.Select(Masked)] };
    }

    private static LicenceRecord Masked(LicenceRecord record) =>
        record.Licence.Holder.CodeType.IsPersonal() ? record with { Licence = record.Licence.Disclosed() } : record;

    /// <summary>The status history, oldest first, and the status as at <paramref name="at"/> (default: now).</summary>
    public async Task<(LicenceRecord Record, IReadOnlyList<StatusEvent> History, StatusAt? At)> StatusAsync(string identifier, DateTimeOffset? at, CancellationToken cancellationToken = default)
    {
        var record = await register.FindAsync(identifier, cancellationToken) ?? throw LicenceAccess.NotFound(identifier);
        var history = await register.HistoryAsync(identifier, cancellationToken);
        return (record, history, StatusAsOf(record, history, at ?? time.GetUtcNow()));
    }

    /// <summary>The status at a time: VALID from issue, then each change in order; null before issue.</summary>
    public static StatusAt? StatusAsOf(LicenceRecord record, IReadOnlyList<StatusEvent> history, DateTimeOffset at)
    {
        if (at < record.IssuedAt)
        {
            return null;
        }

        var current = new StatusAt(LicenceStatus.Valid, record.IssuedAt, null);
        foreach (var change in history.Where(e => e.At <= at))
        {
            current = new StatusAt(change.To, change.At, change);
        }

        return current;
    }

    /// <summary>The status changes of a licence, oldest first, for its owner or an admin.</summary>
    public async Task<IReadOnlyList<StatusEvent>> HistoryAsync(string identifier, Actor actor, CancellationToken cancellationToken)
    {
        LicenceAccess.RequireOwner(await register.FindAsync(identifier, cancellationToken) ?? throw LicenceAccess.NotFound(identifier), actor);
        return await register.HistoryAsync(identifier, cancellationToken);
    }

    /// <summary>The dashboard's figures for an authority (null: every authority): counts by status and type, issued since <paramref name="since"/>, and the latest status changes.</summary>
    public async Task<(LicenceCounts Counts, IReadOnlyList<StatusEvent> Recent)> DashboardAsync(string? authorityCode, DateTimeOffset since, int recent, CancellationToken cancellationToken) =>
        (await register.CountAsync(authorityCode, since, cancellationToken), await register.RecentStatusEventsAsync(authorityCode, recent, cancellationToken));
}
