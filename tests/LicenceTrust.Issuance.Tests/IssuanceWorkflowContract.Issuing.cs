using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using LicenceTrust.Samples;

using LicenceTrust.Storage;

namespace LicenceTrust.Issuance.Tests;

/// <summary>The issuing half of the workflow contract: live numbers, restores, the batch pipeline and batch jobs.</summary>
public abstract partial class IssuanceWorkflowContract
{
    [SkippableFact]
    public async Task One_number_is_live_once_per_type_and_authority_on_every_path()
    {
        var (service, store) = Service();
        var demo = DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 410);
        var first = (await service.IssueAsync(Command(demo), RegulatorActor)).Record;

        // The API's path: a second live licence of the number is refused, and a replay of the first is not a second.
        var again = await Assert.ThrowsAsync<LicenceTrustException>(() => service.IssueAsync(Command(demo) with { IdempotencyKey = "other" }, RegulatorActor));
        Assert.Equal(("LICENCE_NUMBER_LIVE", "number"), (again.Error.Code, again.Error.Field));
        Assert.Contains(first.Identifier, again.Error.Detail, StringComparison.Ordinal);

        // The batch path: a live number and a number twice in one chunk are refused by row; the others issue.
        var other = DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 411);
        var results = await service.IssueBatchAsync([new BatchRow(2, Command(demo)), new BatchRow(3, Command(other)), new BatchRow(4, Command(other))], RegulatorActor);
        Assert.Equal(["LICENCE_NUMBER_LIVE", null, "LICENCE_NUMBER_REPEATED"], results.Select(r => r.Error?.Code));

        // A new version keeps the number (the old one is superseded in the same step); an ended licence frees it.
        var second = await service.SupersedeAsync(first.Identifier, () => Command(demo), "换发", RegulatorActor);
        await service.ChangeStatusAsync(second.Identifier, StatusAction.Revoke, "吊销", RegulatorActor);
        var third = (await service.IssueAsync(Command(demo) with { IdempotencyKey = "third" }, RegulatorActor)).Record;

        Assert.Equal(demo.Number, third.Licence.Number);
        Assert.True((await DatabaseConsistency.CheckAsync(Database, CancellationToken.None)).Ok);

        // A batch file naming a number twice is refused at reading, naming both lines.
        var csv = "typeCode,number,holderName,holderCodeType,holderCode,areaCode,validFrom,attr.entityType,attr.legalRep\n" +
            $"{demo.TypeCode.Value},N-1,甲,001,{demo.Holder.Code},510104,2026-01-01,有限责任公司,张三\n" +
            $"{demo.TypeCode.Value},N-1,乙,001,{demo.Holder.Code},510104,2026-01-01,有限责任公司,李四\n";
        var file = BatchFile.Read("rows.csv", System.Text.Encoding.UTF8.GetBytes(csv));
        var refused = Assert.Single(file.Refused);
        Assert.Equal((3, "LICENCE_NUMBER_REPEATED"), (refused.Line, refused.Code));
        Assert.Contains("第2行", refused.Detail, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_restore_takes_back_the_peers_newer_statuses_keeps_lost_slots_and_never_reuses_a_list_or_serial()
    {
        var (service, store) = Service(statusListSize: StatusBits.MinimumSize);
        var issued = new List<LicenceRecord>();
        for (var i = 0; i < 4; i++)
        {
            issued.Add((await service.IssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 300 + i)), RegulatorActor)).Record);
        }

        await service.ChangeStatusAsync(issued[3].Identifier, StatusAction.Revoke, "吊销", RegulatorActor);
        await service.ChangeStatusAsync(issued[2].Identifier, StatusAction.Suspend, "暂扣", RegulatorActor);
        var list = issued[0].StatusList;
        var version = (await store.StatusListAsync(list, CancellationToken.None))!.Version;

        // The peers' copy, made after the backup: 0 revoked, 1 suspended, 2 reinstated, 3 (revoked) shown valid
        // (never un-ended), and two slots of licences the database never held, one revoked and one suspended.
        var bits = new StatusBits(StatusBits.MinimumSize);
        bits.Set(issued[0].StatusIndex, 1);
        bits.Set(issued[1].StatusIndex, 2);
        var free = Enumerable.Range(0, 10).Where(i => issued.All(r => r.StatusIndex != i)).Take(2).ToArray();
        bits.Set(free[0], 1);
        bits.Set(free[1], 2);
        var recovery = new RestoreRecovery(store, new IssuanceOptions { Province = SampleProvinces.Sichuan, LicenceTypes = LicenceTypeCatalogue.Shipped, StatusListBaseUri = "https://sc.lt.example/s/" }, TimeProvider.System);

        var outcome = await recovery.RecoverAsync([new PublishedListCopy(list, bits, version + 9, "cq"), new PublishedListCopy(list + 1, new StatusBits(StatusBits.MinimumSize), 4, "cq")], 13, 1000, CancellationToken.None);
        var next = (await service.IssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 399)), RegulatorActor)).Record;
        var entries = (await store.StatusListEntriesAsync(list, CancellationToken.None)).ToDictionary(e => e.Index, e => e.Status);

        Assert.Equal((3, 2, list + 2, 1013L), (outcome.StatusChanges, outcome.LostSlots, outcome.FreshList, outcome.SerialGap));
        Assert.Equal(LicenceStatus.Revoked, (await store.FindAsync(issued[0].Identifier, CancellationToken.None))!.Status);
        Assert.Equal(LicenceStatus.Suspended, (await store.FindAsync(issued[1].Identifier, CancellationToken.None))!.Status);
        Assert.Equal(LicenceStatus.Valid, (await store.FindAsync(issued[2].Identifier, CancellationToken.None))!.Status);
        Assert.Equal(LicenceStatus.Revoked, (await store.FindAsync(issued[3].Identifier, CancellationToken.None))!.Status);
        Assert.Contains("cq", (await store.HistoryAsync(issued[0].Identifier, CancellationToken.None))[^1].Reason, StringComparison.Ordinal);
        Assert.Equal((LicenceStatus.Revoked, LicenceStatus.Suspended), (entries[free[0]], entries[free[1]]));
        Assert.True((await store.StatusListAsync(list, CancellationToken.None))!.Version > version + 9);
        Assert.NotNull(await store.StatusListAsync(list + 1, CancellationToken.None));
        Assert.Equal(list + 2, next.StatusList);
        Assert.True(long.Parse(next.Identifier.Split('.')[^3][4..], System.Globalization.CultureInfo.InvariantCulture) > 1004);
        Assert.Contains(await store.AuditLogAsync(CancellationToken.None), e => e.Event == "node.restore_accepted");
        Assert.True((await service.VerifyAuditAsync()).Ok);
        Assert.True((await DatabaseConsistency.CheckAsync(Database, CancellationToken.None)).Ok);
    }

    [SkippableFact]
    public async Task Chunks_signed_while_the_chunk_before_is_stored_each_commit_whole_with_their_own_serials_slots_and_audit()
    {
        var (service, store) = Service();
        var rows = Enumerable.Range(100, 45).Select(i => new BatchRow(i, Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, i)))).ToList();
        rows[17] = rows[17] with { Command = rows[17].Command with { HolderCode = "not a code" } };

        var results = new List<IReadOnlyList<BatchRowResult>>();
        await foreach (var chunk in service.IssueChunksAsync(rows.Chunk(10), RegulatorActor))
        {
            results.Add(chunk);
        }

        var records = results.SelectMany(r => r).Where(r => r.Record is not null).Select(r => r.Record!).ToList();
        Assert.Equal([10, 10, 10, 10, 5], results.Select(r => r.Count));
        Assert.Equal(rows.Select(r => r.Line), results.SelectMany(r => r).Select(r => r.Line));
        Assert.Equal(17 + 100, Assert.Single(results.SelectMany(r => r), r => r.Error is not null).Line);
        Assert.Equal(44, records.Select(r => r.Identifier).Distinct().Count());
        Assert.Equal(44, records.Select(r => (r.StatusList, r.StatusIndex)).Distinct().Count());
        Assert.Equal(44, (await store.ListAsync(new LicenceQuery(Regulator.Code.Value, null, null), CancellationToken.None)).Total);
        AssertEachCredentialCarriesItsSlot(records);
        Assert.True((await service.VerifyAuditAsync()).Ok);
    }

    [SkippableFact]
    public async Task A_slot_another_writer_takes_while_a_chunk_is_being_signed_is_replaced_and_that_licence_signed_again()
    {
        // A small list, so that single issues made while the second chunk is in flight are almost sure to
        // land on slots that chunk reserved (44 picks from 108 free slots, 20 of them reserved: the chance
        // of no collision is below 1 in 10,000). Without the check at storing, the insert would fail on the
        // unique slot, or two licences would share one.
        var (service, store) = Service(statusListSize: 128);
        var rows = Enumerable.Range(200, 40).Select(i => new BatchRow(i, Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, i)))).ToList();
        var singles = new List<LicenceRecord>();
        var batch = new List<LicenceRecord>();
        await foreach (var chunk in service.IssueChunksAsync(rows.Chunk(20), RegulatorActor))
        {
            batch.AddRange(chunk.Select(r => r.Record!));
            if (singles.Count == 0)
            {
                // The second chunk has its slots reserved and is being signed now.
                for (var i = 0; i < 44; i++)
                {
                    singles.Add((await service.IssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 300 + i)), RegulatorActor)).Record);
                }
            }
        }

        var all = batch.Concat(singles).ToList();
        Assert.Equal(84, all.Count);
        Assert.Equal(84, all.Select(r => (r.StatusList, r.StatusIndex)).Distinct().Count());
        Assert.Equal(84, (await store.ListAsync(new LicenceQuery(Regulator.Code.Value, null, null) { PageSize = 100 }, CancellationToken.None)).Total);
        AssertEachCredentialCarriesItsSlot(all);
        Assert.True((await service.VerifyAuditAsync()).Ok);
    }

    [SkippableFact]
    public async Task A_batch_is_linted_whole_waits_for_approval_and_then_issues_each_good_row_once()
    {
        var (service, store) = Service();
        var (clerk, approver) = await OfficersAsync(store);
        var workflow = new OfficerWorkflow(service, store, ApprovalPolicy.RequiredEverywhere, TimeProvider.System);
        var jobs = new BatchJobs(service, store, ApprovalPolicy.RequiredEverywhere, new BatchOptions { ChunkSize = 2 }, TimeProvider.System);
        var commands = Enumerable.Range(30, 5).Select(i => Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, i))).ToList();
        commands[2] = commands[2] with { HolderCode = commands[2].HolderCode[..^1] + (commands[2].HolderCode[^1] == '0' ? '1' : '0') };
        var json = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var content = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', commands.Select(c => System.Text.Json.JsonSerializer.Serialize(c, json))) + "\nnot json\n");
        var file = BatchFile.Read("rows.jsonl", content);

        // The first two rows were issued before from the same file (the CLI, or an interrupted run).
        await service.IssueBatchAsync([.. file.Rows.Take(2)], clerk.AsAuthority);
        var job = await jobs.SubmitAsync("C:\\uploads\\rows.jsonl", content, clerk);
        var early = await jobs.RunNextAsync("runner-1", CancellationToken.None);
        await workflow.ApproveAsync(job.ApprovalId!.Value, approver);

        // A runner that claimed the job a minute ago and died: its lease has lapsed, so another takes over.
        Assert.NotNull(await store.ClaimBatchAsync("dead", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(-2), CancellationToken.None));
        var ran = await jobs.RunNextAsync("runner-2", CancellationToken.None);
        var done = await jobs.GetAsync(job.Id, clerk);
        var errors = await jobs.ErrorsAsync(job.Id, clerk);

        Assert.Equal(("rows.jsonl", BatchState.AwaitingApproval, 6, 2), (job.FileName, job.State, job.TotalRows, job.BadRows));
        Assert.False(early);
        Assert.True(ran);
        Assert.False(await jobs.RunNextAsync("runner-2", CancellationToken.None));
        Assert.Equal((BatchState.Done, 4, 2, 2, 0, 100, "approver"), (done.State, done.DoneRows, done.Issued, done.Replayed, done.Failed, done.Percent, done.IssuedBy));
        Assert.Equal([(3, "HOLDER_CODE_INVALID"), (6, "ROW_UNREADABLE")], errors.Select(e => (e.Line, e.Code)));
        Assert.Equal(4, (await store.ListAsync(new LicenceQuery(Regulator.Code.Value, null, null), CancellationToken.None)).Total);
        Assert.Equal(ApprovalState.Approved, (await store.FindApprovalAsync(job.ApprovalId.Value, CancellationToken.None))!.State);
        Assert.Contains(await store.AuditOfAsync(job.Subject, CancellationToken.None), e => e.Event == "batch.finished" && e.Data.Contains("issued=2;replayed=2", StringComparison.Ordinal));
        Assert.True((await service.VerifyAuditAsync()).Ok);
        var refused = await Assert.ThrowsAsync<LicenceTrustException>(() => jobs.GetAsync(job.Id, clerk with { AuthorityCode = "91500000000000000X" }));
        Assert.Equal("BATCH_NOT_FOUND", refused.Error.Code);
    }

    [SkippableFact]
    public async Task A_batch_stopped_after_rows_refused_while_signing_resumes_at_the_next_row_and_issues_every_good_one()
    {
        var clock = new ManualClock { Now = DateTimeOffset.UtcNow.AddDays(5) };
        var (service, store) = Service(clock);
        var (clerk, _) = await OfficersAsync(store);
        var noApproval = new ApprovalPolicy(new Dictionary<string, (bool, bool)> { [Regulator.Code.Value] = (false, false) });
        var jobs = new BatchJobs(service, store, noApproval, new BatchOptions { ChunkSize = 2, Pause = TimeSpan.FromMilliseconds(700) }, clock);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var commands = Enumerable.Range(40, 6).Select(i => Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, i))).ToList();
        // Lines 1 and 2 pass the lint five days ahead and are refused once the clock is back (issue date in the future).
        commands[0] = commands[0] with { IssueDate = today.AddDays(6) };
        commands[1] = commands[1] with { IssueDate = today.AddDays(6) };
        var json = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        var content = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', commands.Select(c => System.Text.Json.JsonSerializer.Serialize(c, json))));

        var job = await jobs.SubmitAsync("rows.jsonl", content, clerk);
        clock.Now = DateTimeOffset.UtcNow;
        using var stop = new CancellationTokenSource();
        var run = jobs.RunNextAsync("runner-1", stop.Token);
        while ((await store.FindBatchAsync(job.Id, CancellationToken.None))!.DoneRows < 2)
        {
            await Task.Delay(10);
        }

        // Stopped in the pause after the first chunk, as a clean shutdown does: the lease is given back.
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(await jobs.RunNextAsync("runner-2", CancellationToken.None));
        var done = await jobs.GetAsync(job.Id, clerk);

        Assert.Equal((BatchState.Queued, 0), (job.State, job.BadRows));
        Assert.Equal((BatchState.Done, 6, 4, 0, 2), (done.State, done.DoneRows, done.Issued, done.Replayed, done.Failed));
        Assert.Equal([(1, "ISSUE_DATE_INVALID"), (2, "ISSUE_DATE_INVALID")], (await jobs.ErrorsAsync(job.Id, clerk)).Select(e => (e.Line, e.Code)));
        Assert.Equal(4, (await store.ListAsync(new LicenceQuery(Regulator.Code.Value, null, null), CancellationToken.None)).Total);
    }
}
