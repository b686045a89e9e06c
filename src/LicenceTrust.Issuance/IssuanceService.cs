using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using LicenceTrust.Core.Text;
using LicenceTrust.Status;

namespace LicenceTrust.Issuance;

/// <summary>One row of a batch: its line in the input file and the request.</summary>
public sealed record BatchRow(int Line, IssueCommand Command);

/// <summary>What became of a batch row: the record (issued now or replayed), or the error.</summary>
public sealed record BatchRowResult(int Line, LicenceRecord? Record, LicenceTrustError? Error, bool Replayed);

/// <summary>A status change an authority asks for.</summary>
public enum StatusAction
{
    Suspend,
    Reinstate,
    Revoke,
    Cancel,
}

/// <summary>The outcome of an issue request: the record, and whether it was issued now or replayed.</summary>
public sealed record IssueOutcome(LicenceRecord Record, bool Replayed);

/// <summary>A licence's status at a point in time, with the event that set it.</summary>
public sealed record StatusAt(LicenceStatus Status, DateTimeOffset Since, StatusEvent? SetBy);

/// <summary>
/// The issuing authorities' workflow: issue (idempotent; lint → allocate → sign once → re-verify →
/// store with audit in one transaction), status changes with guarded updates, supersede, read, list.
/// After a status change commits, <paramref name="statusChanges"/> (the Status capability's port) is told,
/// so this node's status lists in memory show it on the next scan; without one (the CLI), nothing is.
/// Thread-safe.
/// </summary>
public sealed class IssuanceService(IIssuanceStore store, IIssuerKeys keys, IssuanceOptions options, TimeProvider time, IStatusChangeSink? statusChanges = null)
{
    /// <summary>The catalogue this service checks requests against (the node's, from <see cref="IssuanceOptions"/>).</summary>
    public LicenceTypeCatalogue LicenceTypes => options.LicenceTypes;

    /// <summary>The catalogue's types that a certificate of the authority in force now allows: what it can issue.</summary>
    public IReadOnlyList<LicenceType> TypesFor(string authorityCode) =>
        [.. options.LicenceTypes.All.Where(type => keys.Find(authorityCode, type.Code) is not null)];

    public Task<IssueOutcome> IssueAsync(IssueCommand command, Actor actor, CancellationToken cancellationToken = default) =>
        IssueAsync(command, actor, alsoInTransaction: null, cancellationToken);

    /// <summary>
    /// The licence as it would be signed now, with a placeholder identifier (the node assigns the real
    /// one at signing): every lint runs, nothing is written. What the console shows before an officer issues.
    /// </summary>
    public Licence Preview(IssueCommand command, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(command);
        var authorityCode = RequireAuthority(actor);
        command = Lints.CleanText(command);
        var type = Lints.KnownType(options.LicenceTypes, command.TypeCode);
        var signing = SigningFor(authorityCode, type);
        return Draft(command, type, Placeholder(type, authorityCode), signing.Certificate.AuthorityName, time.GetUtcNow());
    }

    /// <summary>
    /// Every problem of an issue request at once, the first of each field, in the form's order: the same
    /// rules as <see cref="Preview"/> (which stops at the first), each judged on its own, so a form can show
    /// them all. Empty when <see cref="Preview"/> would succeed.
    /// </summary>
    public IReadOnlyList<LicenceTrustError> Problems(IssueCommand command, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(command);
        var problems = new List<LicenceTrustError>();
        bool Check(Action rule)
        {
            try
            {
                rule();
                return true;
            }
            catch (LicenceTrustException e)
            {
                if (!problems.Any(p => p.Field == e.Error.Field))
                {
                    problems.Add(e.Error);
                }

                return false;
            }
        }

        string authorityCode = string.Empty;
        LicenceType? type = null;
        if (!Check(() => authorityCode = RequireAuthority(actor)) || !Check(() => type = Lints.KnownType(options.LicenceTypes, Lints.CleanText(command.TypeCode, "typeCode") ?? string.Empty))
            || !Check(() => SigningFor(authorityCode, type!)))
        {
            return problems;
        }

        // The text policy field by field, then each rule on the fields it judges; a field already refused is not judged again.
        var clean = command with { Attributes = command.Attributes ?? new Dictionary<string, string>() };
        Check(() => clean = clean with { Number = Lints.CleanText(command.Number, "number") ?? string.Empty });
        Check(() => clean = clean with { HolderName = Lints.CleanText(command.HolderName, "holder.name") ?? string.Empty });
        Check(() => clean = clean with { HolderCodeType = Lints.CleanText(command.HolderCodeType, "holder.codeType") ?? string.Empty });
        Check(() => clean = clean with { HolderCode = Lints.CleanText(command.HolderCode, "holder.code") ?? string.Empty });
        Check(() => clean = clean with { AreaCode = Lints.CleanText(command.AreaCode, "areaCode") ?? string.Empty });
        Check(() => clean = clean with { Name = Lints.CleanText(command.Name, "name"), AuthorityName = Lints.CleanText(command.AuthorityName, "authorityName") });
        foreach (var (key, value) in clean.Attributes)
        {
            Check(() => Lints.CleanText(value, $"attributes.{key}"));
        }

        bool Open(string field) => problems.All(p => p.Field != field);
        var now = time.GetUtcNow();
        if (Open("holder.codeType") && Check(() => Lints.HolderCodeTypeAllowed(type!, clean.HolderCodeType)) && Open("holder.code"))
        {
            // A refused name stands aside for a placeholder, so the code is judged too.
            Check(() => Lints.Holder(Open("holder.name") ? clean.HolderName : "持证主体", Lints.HolderCodeTypeAllowed(type!, clean.HolderCodeType), clean.HolderCode));
        }

        if (Open("areaCode"))
        {
            Check(() => Lints.AreaInProvince(clean.AreaCode, options.Province));
        }

        Check(() => Lints.Attributes(type!, clean.Attributes));
        Check(() => Lints.Validity(clean.IssueDate ?? ChinaDate(now), clean.ValidFrom, clean.ValidTo, ChinaDate(now)));
        if (Open("number"))
        {
            Check(() => Lints.Text(clean.Number, Licence.MaxNumberLength, "number", "证照编号"));
        }

        if (problems.Count == 0)
        {
            // Anything the rules above do not reach (the licence's own invariants) is found as Preview finds it.
            Check(() => Preview(command, actor));
        }

        return problems;
    }

    /// <summary>
    /// Issues; <paramref name="alsoInTransaction"/> runs in the same transaction after the licence is
    /// stored (or replayed), so a step that must commit with it (an approval's decision) commits or
    /// rolls back with it.
    /// </summary>
    internal async Task<IssueOutcome> IssueAsync(IssueCommand command, Actor actor, Func<IIssuanceUnit, IssueOutcome, Task>? alsoInTransaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        using var span = Tracing.StartActivity("licencetrust.issue");
        var authorityCode = RequireAuthority(actor);
        command = Lints.CleanText(command);
        span?.SetTag("licencetrust.type", command.TypeCode);
        if (command.IdempotencyKey is { Length: > 100 })
        {
            throw LicenceTrustException.Validation("IDEMPOTENCY_KEY_INVALID", "Idempotency-Key最多100个字符 (the idempotency key is at most 100 characters).", "Idempotency-Key");
        }

        var type = Lints.KnownType(options.LicenceTypes, command.TypeCode);
        var signing = SigningFor(authorityCode, type);

        // Every lint runs before the first write, so a bad request changes nothing.
        Draft(command, type, Placeholder(type, authorityCode), signing.Certificate.AuthorityName, time.GetUtcNow());
        var outcome = await store.InTransactionAsync(async unit =>
        {
            IssueOutcome issued;
            if (command.IdempotencyKey is { } key && (await unit.FindByIdempotencyKeysAsync(authorityCode, [key])).TryGetValue(key, out var earlier))
            {
                issued = new IssueOutcome(earlier, Replayed: true);
            }
            else
            {
                await LiveNumberRule.EnsureFreeAsync(unit, authorityCode, type, command.Number);
                var now = time.GetUtcNow();
                var licence = Draft(command, type, await IdentifierAsync(unit, type, authorityCode, now), signing.Certificate.AuthorityName, now);
                var (list, index) = await AllocateSlotAsync(unit, now);
                var record = Seal(licence, signing, list, index, actor, now, supersedes: null);
                await StoreIssuedAsync(unit, record, command.IdempotencyKey, actor, now);
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
            Issued.Add(1, new KeyValuePair<string, object?>("type", type.Code.Value));
        }

        return outcome;
    }

    /// <summary>
    /// Issues many licences for one authority: every row is linted first (bad rows come back with their
    /// error and are not written), then the chunk is issued as by <see cref="IssueChunksAsync(IEnumerable{IReadOnlyList{BatchRow}}, Actor, CancellationToken)"/>.
    /// Rows whose idempotency key was seen before return the earlier record.
    /// </summary>
    public Task<IReadOnlyList<BatchRowResult>> IssueBatchAsync(IReadOnlyList<BatchRow> rows, Actor actor, CancellationToken cancellationToken = default) =>
        IssueBatchAsync(rows, actor, alsoInTransaction: null, cancellationToken);

    /// <summary>Issues a chunk; <paramref name="alsoInTransaction"/> gets every row's result and commits or rolls back with the chunk (a batch job's progress).</summary>
    internal async Task<IReadOnlyList<BatchRowResult>> IssueBatchAsync(IReadOnlyList<BatchRow> rows, Actor actor, Func<IIssuanceUnit, IReadOnlyList<BatchRowResult>, Task>? alsoInTransaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await foreach (var results in IssueChunksAsync([rows], actor, alsoInTransaction, cancellationToken))
        {
            return results;
        }

        throw new InvalidOperationException("A chunk always has a result.");
    }

    /// <summary>
    /// Issues chunk after chunk for one authority, and yields each chunk's results once it is stored.
    /// A chunk's licences are stored with their audit entries in one transaction: all or none. The
    /// signing of the next chunk runs while the previous one is written (docs/performance-history.md, "Batch
    /// issue"): its serials and status slots are reserved first, so a chunk that is never stored leaves
    /// a gap in the serial numbers, never a duplicate. Each credential is signed once and re-verified
    /// before it is stored.
    /// </summary>
    public IAsyncEnumerable<IReadOnlyList<BatchRowResult>> IssueChunksAsync(IEnumerable<IReadOnlyList<BatchRow>> chunks, Actor actor, CancellationToken cancellationToken = default) =>
        IssueChunksAsync(chunks, actor, alsoInTransaction: null, cancellationToken);

    /// <summary>Issues chunks; <paramref name="alsoInTransaction"/> runs in each chunk's transaction with that chunk's results.</summary>
    internal async IAsyncEnumerable<IReadOnlyList<BatchRowResult>> IssueChunksAsync(IEnumerable<IReadOnlyList<BatchRow>> chunks, Actor actor, Func<IIssuanceUnit, IReadOnlyList<BatchRowResult>, Task>? alsoInTransaction, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var authorityCode = RequireAuthority(actor);
        (BatchChunk Chunk, Task Sealing)? pending = null;
        try
        {
            foreach (var rows in chunks)
            {
                var chunk = LintChunk(rows, authorityCode);
                await ReserveAsync(chunk, authorityCode, pending?.Chunk, cancellationToken);
                // Signing is CPU work on the sealing threads; it overlaps the storing of the chunk before.
                var sealing = SealAllAsync(chunk, authorityCode, actor, cancellationToken);
                var before = pending;
                pending = (chunk, sealing);
                if (before is { } previous)
                {
                    await previous.Sealing;
                    yield return await StoreAsync(previous.Chunk, authorityCode, actor, alsoInTransaction, cancellationToken);
                }
            }

            if (pending is { } last)
            {
                pending = null;
                await last.Sealing;
                yield return await StoreAsync(last.Chunk, authorityCode, actor, alsoInTransaction, cancellationToken);
            }
        }
        finally
        {
            // Stopped early (an error, a lost lease, the caller): the signing under way is waited for, never left running.
            if (pending is { } abandoned)
            {
                await abandoned.Sealing.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    /// <summary>A chunk on its way: linted rows, then reserved serials and slots, then sealed records.</summary>
    private sealed class BatchChunk(IReadOnlyList<BatchRow> rows)
    {
        public IReadOnlyList<BatchRow> Rows { get; } = rows;

        public BatchRowResult?[] Results { get; } = new BatchRowResult?[rows.Count];

        public IssueCommand[] Commands { get; } = new IssueCommand[rows.Count];

        /// <summary>Rows that passed the lint, then (after <see cref="ReserveAsync"/>) those not issued before.</summary>
        public List<(int Position, LicenceType Type, IssuerSigning Signing)> Fresh { get; set; } = [];

        public long FirstSerial { get; set; }

        public int List { get; set; }

        public int ListSize { get; set; }

        /// <summary>The slots reserved for <see cref="Fresh"/>; once sealed, each record carries its own.</summary>
        public int[] Slots { get; set; } = [];

        public DateTimeOffset SignedAt { get; set; }

        public LicenceRecord[] Sealed { get; set; } = [];
    }

    private BatchChunk LintChunk(IReadOnlyList<BatchRow> rows, string authorityCode)
    {
        var chunk = new BatchChunk(rows);
        for (var i = 0; i < rows.Count; i++)
        {
            try
            {
                chunk.Commands[i] = Lints.CleanText(rows[i].Command);
                var type = Lints.KnownType(options.LicenceTypes, chunk.Commands[i].TypeCode);
                var signing = SigningFor(authorityCode, type);
                Draft(chunk.Commands[i], type, Placeholder(type, authorityCode), signing.Certificate.AuthorityName, time.GetUtcNow());
                chunk.Fresh.Add((i, type, signing));
            }
            catch (LicenceTrustException e)
            {
                chunk.Results[i] = new BatchRowResult(rows[i].Line, null, e.Error, Replayed: false);
            }
        }

        return chunk;
    }

    /// <summary>
    /// One short transaction: rows issued before are answered with their record, and the rest get serials
    /// and free slots. Slots are not taken until the chunk is stored, so the slots of the chunk still being
    /// stored (<paramref name="inFlight"/>) are left out here, and <see cref="StoreAsync"/> checks them again.
    /// </summary>
    private async Task ReserveAsync(BatchChunk chunk, string authorityCode, BatchChunk? inFlight, CancellationToken cancellationToken)
    {
        await store.InTransactionAsync(async unit =>
        {
            chunk.SignedAt = time.GetUtcNow();
            await AnswerEarlierAsync(unit, chunk, authorityCode);
            await RefuseLiveNumbersAsync(unit, chunk, authorityCode);
            if (chunk.Fresh.Count == 0)
            {
                return 0;
            }

            chunk.FirstSerial = await unit.ReserveSerialsAsync(authorityCode, chunk.Fresh.Count);
            (chunk.List, chunk.ListSize) = await unit.OpenStatusListAsync(options.StatusListSize, chunk.SignedAt);
            chunk.Slots = await FreeSlotsAsync(unit, chunk.List, chunk.ListSize, chunk.Fresh.Count, inFlight?.List == chunk.List ? inFlight.Slots : null);
            return 0;
        }, cancellationToken);
    }

    /// <summary>Rows whose idempotency key is already stored get that record, and leave <see cref="BatchChunk.Fresh"/>.</summary>
    private static async Task AnswerEarlierAsync(IIssuanceUnit unit, BatchChunk chunk, string authorityCode)
    {
        var keys = chunk.Fresh.Select(v => chunk.Commands[v.Position].IdempotencyKey).OfType<string>().ToList();
        if (keys.Count == 0)
        {
            return;
        }

        var earlier = await unit.FindByIdempotencyKeysAsync(authorityCode, keys);
        if (earlier.Count == 0)
        {
            return;
        }

        // Fresh and, once sealed, Sealed run in step: a row answered from before leaves both.
        var keep = new List<int>(chunk.Fresh.Count);
        for (var i = 0; i < chunk.Fresh.Count; i++)
        {
            var row = chunk.Fresh[i];
            if (chunk.Commands[row.Position].IdempotencyKey is { } key && earlier.TryGetValue(key, out var record))
            {
                chunk.Results[row.Position] = new BatchRowResult(chunk.Rows[row.Position].Line, record, null, Replayed: true);
            }
            else
            {
                keep.Add(i);
            }
        }

        chunk.Fresh = [.. keep.Select(i => chunk.Fresh[i])];
        if (chunk.Sealed.Length > 0)
        {
            chunk.Sealed = [.. keep.Select(i => chunk.Sealed[i])];
        }
    }

    /// <summary>
    /// Rows whose type and number a live licence of the authority has (issued before, or meanwhile by another
    /// writer) are refused (LICENCE_NUMBER_LIVE) and leave <see cref="BatchChunk.Fresh"/>; two rows of one
    /// chunk with the same number: the second is refused. One query for the chunk.
    /// </summary>
    private static async Task RefuseLiveNumbersAsync(IIssuanceUnit unit, BatchChunk chunk, string authorityCode)
    {
        if (chunk.Fresh.Count == 0)
        {
            return;
        }

        var live = await LiveNumberRule.LiveAsync(unit, authorityCode, chunk.Fresh.Select(f => (f.Type.Code.Value, chunk.Commands[f.Position].Number)));
        var seen = new Dictionary<(string, string), int>();
        var keep = new List<int>(chunk.Fresh.Count);
        for (var i = 0; i < chunk.Fresh.Count; i++)
        {
            var (position, type, _) = chunk.Fresh[i];
            var key = (type.Code.Value, chunk.Commands[position].Number.Trim());
            var line = chunk.Rows[position].Line;
            if (live.TryGetValue(key, out var identifier))
            {
                chunk.Results[position] = new BatchRowResult(line, null, LiveNumberRule.Refusal(type, key.Item2, identifier).Error, Replayed: false);
            }
            else if (seen.TryGetValue(key, out var firstLine))
            {
                chunk.Results[position] = new BatchRowResult(line, null, new LicenceTrustError(ErrorKind.Validation, "LICENCE_NUMBER_REPEATED",
                    $"第{line}行与第{firstLine}行的证照类型和编号相同 (line {line} has the type and number of line {firstLine}).", "number"), Replayed: false);
            }
            else
            {
                seen[key] = line;
                keep.Add(i);
            }
        }

        if (keep.Count == chunk.Fresh.Count)
        {
            return;
        }

        chunk.Fresh = [.. keep.Select(i => chunk.Fresh[i])];
        if (chunk.Sealed.Length > 0)
        {
            chunk.Sealed = [.. keep.Select(i => chunk.Sealed[i])];
        }
    }

    private async Task SealAllAsync(BatchChunk chunk, string authorityCode, Actor actor, CancellationToken cancellationToken)
    {
        var sealedRecords = new LicenceRecord[chunk.Fresh.Count];
        await SealingWorkers.ForAsync(chunk.Fresh.Count, i =>
        {
            var (position, type, signing) = chunk.Fresh[i];
            var identifier = Identifier(type, authorityCode, chunk.FirstSerial + i, chunk.SignedAt);
            var licence = Draft(chunk.Commands[position], type, identifier, signing.Certificate.AuthorityName, chunk.SignedAt);
            sealedRecords[i] = Seal(licence, signing, chunk.List, chunk.Slots[i], actor, chunk.SignedAt, supersedes: null);
        }, cancellationToken);
        chunk.Sealed = sealedRecords;
    }

    /// <summary>
    /// The chunk's transaction. What changed since the reservation is checked again: a row stored meanwhile
    /// under the same idempotency key is answered with that record, and a slot taken meanwhile (by another
    /// writer of this node) is replaced and its licence sealed again, here. Then the licences, their audit
    /// entries and the list's count are written, and <paramref name="alsoInTransaction"/> runs.
    /// </summary>
    private async Task<IReadOnlyList<BatchRowResult>> StoreAsync(BatchChunk chunk, string authorityCode, Actor actor, Func<IIssuanceUnit, IReadOnlyList<BatchRowResult>, Task>? alsoInTransaction, CancellationToken cancellationToken)
    {
        using var span = Tracing.StartActivity("licencetrust.issue_batch")?.SetTag("licencetrust.rows", chunk.Rows.Count);
        var results = await store.InTransactionAsync(async unit =>
        {
            await AnswerEarlierAsync(unit, chunk, authorityCode);
            await RefuseLiveNumbersAsync(unit, chunk, authorityCode);
            if (chunk.Fresh.Count > 0)
            {
                var now = time.GetUtcNow();
                var slots = chunk.Sealed.Select(r => r.StatusIndex).ToList();
                var taken = await unit.TakenSlotsAsync(chunk.List, slots);
                if (taken.Count > 0)
                {
                    var replacements = new Queue<int>(await FreeSlotsAsync(unit, chunk.List, chunk.ListSize, taken.Count, slots));
                    for (var i = 0; i < chunk.Sealed.Length; i++)
                    {
                        if (taken.Contains(chunk.Sealed[i].StatusIndex))
                        {
                            chunk.Sealed[i] = Seal(chunk.Sealed[i].Licence, chunk.Fresh[i].Signing, chunk.List, replacements.Dequeue(), actor, chunk.SignedAt, supersedes: null);
                        }
                    }
                }

                var (sequence, hash) = await unit.LastAuditAsync();
                var audit = new List<AuditEntry>(chunk.Sealed.Length);
                foreach (var record in chunk.Sealed)
                {
                    var entry = AuditChain.Link(IssuedDraft(record, actor, now), ++sequence, hash);
                    audit.Add(entry);
                    hash = entry.Hash;
                }

                await unit.InsertLicencesAsync([.. chunk.Sealed.Select((r, i) => (r, chunk.Commands[chunk.Fresh[i].Position].IdempotencyKey))]);
                await unit.InsertAuditsAsync(audit);
                await unit.TouchStatusListAsync(chunk.List, now, chunk.Sealed.Length);
                for (var i = 0; i < chunk.Fresh.Count; i++)
                {
                    chunk.Results[chunk.Fresh[i].Position] = new BatchRowResult(chunk.Rows[chunk.Fresh[i].Position].Line, chunk.Sealed[i], null, Replayed: false);
                }
            }

            IReadOnlyList<BatchRowResult> all = [.. chunk.Results.Select(r => r!)];
            if (alsoInTransaction is not null)
            {
                await alsoInTransaction(unit, all);
            }

            return all;
        }, cancellationToken);

        foreach (var group in results.Where(r => r is { Replayed: false, Record: not null }).GroupBy(r => r.Record!.Licence.TypeCode.Value))
        {
            Issued.Add(group.Count(), new KeyValuePair<string, object?>("type", group.Key));
        }

        return results;
    }

    /// <summary>Issues the next version of a licence and marks the old one SUPERSEDED, in one transaction.</summary>
    /// <remarks>
    /// Ownership is checked before the replacement is built or validated (<paramref name="replacement"/>
    /// runs only then, inside the transaction): a caller learns nothing about another authority's
    /// licence from validation, and a missing replacement (null) is FIELD_REQUIRED only for the owner.
    /// </remarks>
    public Task<LicenceRecord> SupersedeAsync(string identifier, Func<IssueCommand?> replacement, string? reason, Actor actor, CancellationToken cancellationToken = default)
    {
        return SupersedeAsync(identifier, replacement, reason, actor, alsoInTransaction: null, cancellationToken);
    }

    /// <summary>Supersedes; <paramref name="alsoInTransaction"/> runs after the new version is stored and commits or rolls back with it.</summary>
    internal async Task<LicenceRecord> SupersedeAsync(string identifier, Func<IssueCommand?> replacement, string? reason, Actor actor, Func<IIssuanceUnit, LicenceRecord, Task>? alsoInTransaction, CancellationToken cancellationToken)
    {
        using var span = Tracing.StartActivity("licencetrust.supersede");
        var (record, old) = await SupersedeCoreAsync(identifier, replacement, reason, actor, alsoInTransaction, cancellationToken);
        Committed(new StatusChange(old.Identifier, old.StatusList, old.StatusIndex, LicenceStatus.Superseded));
        Issued.Add(1, new KeyValuePair<string, object?>("type", record.Licence.TypeCode.Value));
        return record;
    }

    /// <summary>The meter of issuance: licences issued and status changes, by kind (no personal data).</summary>
    public const string MeterName = "LicenceTrust.Issuance";

    private static readonly System.Diagnostics.Metrics.Meter Meter = new(MeterName);
    private static readonly System.Diagnostics.ActivitySource Tracing = new(MeterName);
    private static readonly System.Diagnostics.Metrics.Counter<long> Issued = Meter.CreateCounter<long>("licencetrust.licences.issued", description: "Licences issued, by licence type.");
    private static readonly System.Diagnostics.Metrics.Counter<long> Changes = Meter.CreateCounter<long>("licencetrust.status.changes", description: "Status changes, by new status.");

    private void Committed(StatusChange change)
    {
        Changes.Add(1, new KeyValuePair<string, object?>("status", change.Status.WireName()));
        statusChanges?.Committed(change);
    }

    private async Task<(LicenceRecord Record, LicenceRecord Old)> SupersedeCoreAsync(string identifier, Func<IssueCommand?> replacement, string? reason, Actor actor, Func<IIssuanceUnit, LicenceRecord, Task>? alsoInTransaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        var authorityCode = RequireAuthority(actor);
        return await store.InTransactionAsync(async unit =>
        {
            // Every check that can fail throws before the first write, so the transaction changes nothing then.
            var old = await unit.FindAsync(identifier) ?? throw NotFound(identifier);
            RequireOwner(old, actor);
            var command = Lints.CleanText(replacement() ?? throw LicenceTrustException.Validation("FIELD_REQUIRED", "缺少新证照信息 (licence is required).", "licence"));
            var why = Lints.Reason(reason);
            var type = Lints.KnownType(options.LicenceTypes, command.TypeCode);
            var signing = SigningFor(authorityCode, type);
            if (old.Licence.TypeCode != type.Code)
            {
                throw LicenceTrustException.Validation("TYPE_CHANGE_NOT_ALLOWED", "变更换发不能改变证照类型 (a replacement keeps the licence type).", "typeCode");
            }

            EnsureCanChange(old, LicenceStatus.Superseded);
            await LiveNumberRule.EnsureFreeAsync(unit, authorityCode, type, command.Number, except: old.Identifier);
            var now = time.GetUtcNow();
            var licence = Draft(command, type, old.Licence.Identifier.NextVersion(), signing.Certificate.AuthorityName, now);
            var (list, index) = await AllocateSlotAsync(unit, now);
            var record = Seal(licence, signing, list, index, actor, now, supersedes: old.Identifier);
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
    public Task<LicenceRecord> ChangeStatusAsync(string identifier, StatusAction action, string? reason, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeStatusAsync(identifier, action, reason, actor, alsoInTransaction: null, cancellationToken);

    /// <summary>Changes the status; <paramref name="alsoInTransaction"/> commits or rolls back with it.</summary>
    internal async Task<LicenceRecord> ChangeStatusAsync(string identifier, StatusAction action, string? reason, Actor actor, Func<IIssuanceUnit, Task>? alsoInTransaction, CancellationToken cancellationToken)
    {
        using var span = Tracing.StartActivity("licencetrust.status_change")?.SetTag("licencetrust.action", action.ToString());
        RequireAuthority(actor);
        var target = action switch
        {
            StatusAction.Suspend => LicenceStatus.Suspended,
            StatusAction.Reinstate => LicenceStatus.Valid,
            StatusAction.Revoke => LicenceStatus.Revoked,
            _ => LicenceStatus.Cancelled,
        };

        var changed = await store.InTransactionAsync(async unit =>
        {
            var record = await unit.FindAsync(identifier) ?? throw NotFound(identifier);
            RequireOwner(record, actor);
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

    /// <summary>
    /// A licence's audit entries for its owner (or an admin), with their check against the log around them
    /// (<see cref="AuditChain.VerifyExcerpt"/>): two reads of a few rows, never the whole log.
    /// </summary>
    public async Task<(IReadOnlyList<AuditEntry> Entries, AuditVerification Check)> AuditOfAsync(string identifier, Actor actor, CancellationToken cancellationToken = default)
    {
        RequireOwner(await store.FindAsync(identifier, cancellationToken) ?? throw NotFound(identifier), actor);
        var entries = await store.AuditOfAsync(identifier, cancellationToken);
        var predecessors = await store.AuditEntriesAsync([.. entries.Select(e => e.Sequence - 1).Where(s => s > 0)], cancellationToken);
        return (entries, AuditChain.VerifyExcerpt(entries, predecessors.ToDictionary(e => e.Sequence)));
    }

    /// <summary>Writes that <paramref name="actor"/> took licence data out of the node (a CSV export): what, and how much (no personal data).</summary>
    public Task RecordExportAsync(Actor actor, string what, string data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return AuditChain.AppendAsync(store, new AuditDraft(AuditEvents.RegisterExported, "register.exported", actor.ToString(), what, data, time.GetUtcNow()), cancellationToken);
    }

    /// <summary>The auditor reads the log under filters (read-only; docs/console.md, "The auditor's view").</summary>
    public Task<Page<AuditEntry>> SearchAuditAsync(AuditQuery query, Officer auditor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(auditor);
        auditor.Require(OfficerRoles.Auditor);
        return store.SearchAuditAsync(query with { PageNumber = Math.Max(1, query.PageNumber), PageSize = Math.Clamp(query.PageSize, 1, 500) }, cancellationToken);
    }

    /// <summary>Checks the whole audit log's hash chain (docs/api.md, "Audit log").</summary>
    public async Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken = default) =>
        AuditChain.Verify(await store.AuditLogAsync(cancellationToken));

    /// <summary>The credential (QR text) of a licence of this node, for anyone: it is what the licence's holder shows.</summary>
    public async Task<string> CredentialAsync(string identifier, CancellationToken cancellationToken = default) =>
        (await store.FindAsync(identifier, cancellationToken) ?? throw NotFound(identifier)).QrText;

    /// <summary>A licence record for its owner or an admin, a person's holder code masked (for QR images, the print view, checks).</summary>
    public async Task<LicenceRecord> GetAsync(string identifier, Actor actor, CancellationToken cancellationToken = default)
    {
        var record = await store.FindAsync(identifier, cancellationToken) ?? throw NotFound(identifier);
        RequireOwner(record, actor);
        return Masked(record);
    }

    /// <summary>As <see cref="GetAsync"/>, with the licence's last status change (null when it never changed), for the print view.</summary>
    public async Task<(LicenceRecord Record, StatusEvent? LastChange)> GetWithLastChangeAsync(string identifier, Actor actor, CancellationToken cancellationToken = default)
    {
        var record = await GetAsync(identifier, actor, cancellationToken);
        var history = await store.HistoryAsync(identifier, cancellationToken);
        return (record, history.Count == 0 ? null : history[^1]);
    }

    /// <summary>
    /// The full record, for the API's single-record read: the owning authority gets the full holder code
    /// (it holds the source record; docs/api.md, "Disclosure"), and that read of a person's code is written
    /// to the audit chain (event 1003); an admin gets the personal code masked.
    /// </summary>
    public async Task<LicenceRecord> ReadRecordAsync(string identifier, Actor actor, CancellationToken cancellationToken = default)
    {
        var record = await store.FindAsync(identifier, cancellationToken) ?? throw NotFound(identifier);
        RequireOwner(record, actor);
        if (actor.Role != ActorRole.Authority || record.Licence.AuthorityCode != actor.AuthorityCode)
        {
            return Masked(record);
        }

        if (record.Licence.Holder.CodeType.IsPersonal())
        {
            await AuditChain.AppendAsync(store, new AuditDraft(AuditEvents.PersonalDataRead, "licence.personal_data_read", actor.ToString(), record.Identifier,
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

        var scoped = actor.Role == ActorRole.Admin ? query : query with { AuthorityCode = RequireAuthority(actor) };
        var page = await store.ListAsync(scoped, cancellationToken);
        // A list is many people at once: personal codes are masked here, the full code is one audited read away.
        return page with { Items = [.. page.Items.Select(Masked)] };
    }

    private static LicenceRecord Masked(LicenceRecord record) =>
        record.Licence.Holder.CodeType.IsPersonal() ? record with { Licence = record.Licence.Disclosed() } : record;

    /// <summary>The status history, oldest first, and the status as at <paramref name="at"/> (default: now).</summary>
    public async Task<(LicenceRecord Record, IReadOnlyList<StatusEvent> History, StatusAt? At)> StatusAsync(string identifier, DateTimeOffset? at, CancellationToken cancellationToken = default)
    {
        var record = await store.FindAsync(identifier, cancellationToken) ?? throw NotFound(identifier);
        var history = await store.HistoryAsync(identifier, cancellationToken);
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

    private static async Task<LicenceIdentifier> IdentifierAsync(IIssuanceUnit unit, LicenceType type, string authorityCode, DateTimeOffset now) =>
        Identifier(type, authorityCode, await unit.ReserveSerialsAsync(authorityCode, 1), now);

    private static LicenceIdentifier Identifier(LicenceType type, string authorityCode, long serial, DateTimeOffset now) =>
        LicenceIdentifier.Create(type.Code, UnifiedSocialCreditCode.Parse(authorityCode), $"{ChinaDate(now).Year}{serial:D8}");

    private async Task<(int List, int Index)> AllocateSlotAsync(IIssuanceUnit unit, DateTimeOffset now)
    {
        var (list, size) = await unit.OpenStatusListAsync(options.StatusListSize, now);
        return (list, (await FreeSlotsAsync(unit, list, size, 1))[0]);
    }

    /// <summary>
    /// Free slots chosen by the Status capability, checked against this transaction's list; slots in
    /// <paramref name="excluded"/> (held by a batch chunk not stored yet) count as taken.
    /// </summary>
    private static Task<int[]> FreeSlotsAsync(IIssuanceUnit unit, int list, int size, int count, IReadOnlyCollection<int>? excluded = null) =>
        StatusSlots.ChooseFreeAsync(size, count, async candidates =>
        {
            var taken = await unit.TakenSlotsAsync(list, candidates);
            return excluded is not { Count: > 0 } ? taken : new HashSet<int>(taken.Concat(candidates.Intersect(excluded)));
        });

    /// <summary>Signs once and re-verifies. Pure CPU: safe to run in parallel.</summary>
    private LicenceRecord Seal(Licence licence, IssuerSigning signing, int list, int index, Actor actor, DateTimeOffset now, string? supersedes)
    {
        var claims = CredentialClaims.Create(licence, now, new StatusReference(index, options.StatusListBaseUri + list, list));
        var credential = CredentialWriter.Write(claims, signing.Signer, signing.Certificate.Kid, options.CredentialEncoding);
        Recheck(credential, signing, licence);
        return new LicenceRecord(licence, LicenceStatus.Valid, list, index, credential.QrText, claims.IssuedAt, actor.ToString(), supersedes);
    }

    private static async Task StoreIssuedAsync(IIssuanceUnit unit, LicenceRecord record, string? idempotencyKey, Actor actor, DateTimeOffset now)
    {
        await unit.InsertLicenceAsync(record, idempotencyKey);
        await unit.TouchStatusListAsync(record.StatusList, now, added: 1);
        await AuditChain.AppendAsync(unit, IssuedDraft(record, actor, now));
    }

    private static AuditDraft IssuedDraft(LicenceRecord record, Actor actor, DateTimeOffset now) =>
        new(AuditEvents.LicenceIssued, "licence.issued", actor.ToString(), record.Identifier, $"type={record.Licence.TypeCode.Value};list={record.StatusList}", now);

    /// <summary>A well-formed identifier used only to lint a draft before anything is allocated.</summary>
    private static LicenceIdentifier Placeholder(LicenceType type, string authorityCode) =>
        LicenceIdentifier.Create(type.Code, UnifiedSocialCreditCode.Parse(authorityCode), "0");

    /// <summary>Sign once, then prove it: the credential must decode, verify with the issuer key and carry the licence.</summary>
    private static void Recheck(EncodedCredential credential, IssuerSigning signing, Licence licence)
    {
        var read = CredentialReader.Read(credential.QrText);
        if (read.Credential is not { } decoded
            || !signing.Certificate.Key.Verify(decoded.ToBeSigned(), decoded.Signature.Span)
            || decoded.Claims.Licence.Identifier != licence.Identifier
            || decoded.Claims.Licence.Holder.Code != licence.Holder.Disclosed().Code)
        {
            throw new InvalidOperationException($"The credential just signed does not verify ({read}); nothing was stored.");
        }
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

    private Licence Draft(IssueCommand command, LicenceType type, LicenceIdentifier identifier, string certificateAuthorityName, DateTimeOffset now)
    {
        var codeType = Lints.HolderCodeTypeAllowed(type, command.HolderCodeType);
        var holder = Lints.Holder(command.HolderName, codeType, command.HolderCode);
        Lints.AreaInProvince(command.AreaCode, options.Province);
        Lints.Attributes(type, command.Attributes);
        var issueDate = command.IssueDate ?? ChinaDate(now);
        Lints.Validity(issueDate, command.ValidFrom, command.ValidTo, ChinaDate(now));
        Lints.Text(command.Number, Licence.MaxNumberLength, "number", "证照编号");
        var name = command.Name ?? type.NameZh;
        Lints.Text(name, Licence.MaxNameLength, "name", "证照名称");
        var authorityName = command.AuthorityName ?? certificateAuthorityName;
        Lints.Text(authorityName, Licence.MaxNameLength, "authorityName", "证照颁发机构");
        return Licence.Create(identifier, name, command.Number, holder, authorityName, command.AreaCode, issueDate, command.ValidFrom, command.ValidTo, command.Attributes);
    }

    private static DateOnly ChinaDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(CredentialClaims.ChinaOffset).DateTime);

    /// <summary>The authority's key whose certificate is in force and allows the type (the newest, after a rotation); 403 when there is none.</summary>
    private IssuerSigning SigningFor(string authorityCode, LicenceType type) =>
        keys.Find(authorityCode, type.Code)
            ?? throw LicenceTrustException.Forbidden("TYPE_NOT_ALLOWED_FOR_AUTHORITY", $"本机构没有在有效期内且允许签发{type.NameZh}的签发证书 (no issuer certificate of yours in force now allows {type.NameEn}).");

    private string RequireAuthority(Actor actor)
    {
        if (actor.Role != ActorRole.Authority || actor.AuthorityCode is null)
        {
            throw LicenceTrustException.Forbidden("ROLE_NOT_ALLOWED", "只有颁发机构可以执行此操作 (only an issuing authority may do this).");
        }

        return keys.Knows(actor.AuthorityCode)
            ? actor.AuthorityCode
            : throw LicenceTrustException.Forbidden("AUTHORITY_UNKNOWN", "本节点没有该颁发机构的签发密钥 (this node holds no key of your authority).");
    }

    private static void RequireOwner(LicenceRecord record, Actor actor)
    {
        if (actor.Role != ActorRole.Admin && record.Licence.AuthorityCode != actor.AuthorityCode)
        {
            throw LicenceTrustException.Forbidden("LICENCE_OF_ANOTHER_AUTHORITY", "只能操作本机构颁发的证照 (you may act only on licences your authority issued).");
        }
    }

    internal static void EnsureCanChange(LicenceRecord record, LicenceStatus target)
    {
        if (!LicenceStatusRules.CanChange(record.Status, target))
        {
            throw LicenceTrustException.Conflict("STATUS_CHANGE_NOT_ALLOWED", $"证照当前为{record.Status.NameZh()}，不能改为{target.NameZh()} (a {record.Status.WireName()} licence cannot become {target.WireName()}).");
        }
    }

    private static LicenceTrustException NotFound(string identifier) =>
        LicenceTrustException.NotFound("LICENCE_NOT_FOUND", $"未找到证照 {TextPolicy.Quote(identifier)} (no licence with this identifier).");
}
