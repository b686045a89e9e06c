using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Issuance;

/// <summary>
/// The batch pipeline for one authority: lint every row, reserve serials and slots in a short
/// transaction, seal on the sealing threads while the chunk before is stored, then store a chunk with its
/// audit entries in one transaction. Thread-safe.
/// </summary>
internal sealed class BatchIssuance(IIssuanceTransactions store, LicenceDrafting drafting, LicenceSealing sealing, IssuanceOptions options, TimeProvider time)
{
    /// <summary>
    /// Issues many licences for one authority: every row is linted first (bad rows come back with their
    /// error and are not written), then the chunk is issued as by <see cref="IssueChunksAsync"/>.
    /// Rows whose idempotency key was seen before return the earlier record. <paramref name="alsoInTransaction"/>
    /// gets every row's result and commits or rolls back with the chunk (a batch job's progress).
    /// </summary>
    public async Task<IReadOnlyList<BatchRowResult>> IssueBatchAsync(IReadOnlyList<BatchRow> rows, Actor actor, Func<IIssuanceUnit, IReadOnlyList<BatchRowResult>, Task>? alsoInTransaction, CancellationToken cancellationToken)
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
    /// <remarks><paramref name="alsoInTransaction"/> runs in each chunk's transaction with that chunk's results.</remarks>
    public async IAsyncEnumerable<IReadOnlyList<BatchRowResult>> IssueChunksAsync(IEnumerable<IReadOnlyList<BatchRow>> chunks, Actor actor, Func<IIssuanceUnit, IReadOnlyList<BatchRowResult>, Task>? alsoInTransaction, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var authorityCode = drafting.RequireAuthority(actor);
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

        /// <summary>Each linted row's licence under a placeholder identifier; sealing names it.</summary>
        public Licence[] Drafts { get; } = new Licence[rows.Count];

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
                var linted = drafting.Lint(rows[i].Command, authorityCode);
                chunk.Commands[i] = linted.Command;
                chunk.Drafts[i] = linted.Draft;
                chunk.Fresh.Add((i, linted.Type, linted.Signing));
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
            chunk.Slots = await LicenceSealing.FreeSlotsAsync(unit, chunk.List, chunk.ListSize, chunk.Fresh.Count, inFlight?.List == chunk.List ? inFlight.Slots : null);
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
            var identifier = LicenceDrafting.Identifier(type, authorityCode, chunk.FirstSerial + i, chunk.SignedAt);
            var licence = LicenceDrafting.Named(chunk.Drafts[position], identifier);
            sealedRecords[i] = sealing.Seal(licence, signing, chunk.List, chunk.Slots[i], actor, chunk.SignedAt, supersedes: null);
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
        using var span = IssuanceTelemetry.Tracing.StartActivity("licencetrust.issue_batch")?.SetTag("licencetrust.rows", chunk.Rows.Count);
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
                    var replacements = new Queue<int>(await LicenceSealing.FreeSlotsAsync(unit, chunk.List, chunk.ListSize, taken.Count, slots));
                    for (var i = 0; i < chunk.Sealed.Length; i++)
                    {
                        if (taken.Contains(chunk.Sealed[i].StatusIndex))
                        {
                            chunk.Sealed[i] = sealing.Seal(chunk.Sealed[i].Licence, chunk.Fresh[i].Signing, chunk.List, replacements.Dequeue(), actor, chunk.SignedAt, supersedes: null);
                        }
                    }
                }

                var (sequence, hash) = await unit.LastAuditAsync();
                var audit = new List<AuditEntry>(chunk.Sealed.Length);
                foreach (var record in chunk.Sealed)
                {
                    var entry = AuditChain.Link(LicenceSealing.IssuedDraft(record, actor, now), ++sequence, hash);
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
            IssuanceTelemetry.Issued.Add(group.Count(), new KeyValuePair<string, object?>("type", group.Key));
        }

        return results;
    }
}
