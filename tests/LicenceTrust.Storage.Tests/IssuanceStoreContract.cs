using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Storage.Tests;

/// <summary>
/// The behaviour every database must give the issuance module. Run once per database by the
/// subclasses below; each test starts from an empty, freshly migrated database.
/// </summary>
public abstract class IssuanceStoreContract
{
    private static readonly SampleAuthority Regulator = SampleAuthorities.For(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence);
    private static readonly Actor RegulatorActor = new(ActorRole.Authority, Regulator.Name, Regulator.Code.Value);

    protected abstract IDatabase Database { get; }

    /// <summary>Backs <see cref="Database"/> up with its engine's backup and restores that into a new database (docs/operations.md, "Backup and restore").</summary>
    protected abstract Task<IDatabase> BackupAndRestoreAsync();

    private (IssuanceService Service, IssuanceStore Store) Service(TimeProvider? time = null, int statusListSize = StatusBits.MinimumSize)
    {
        Database.Migrate();
        var store = new IssuanceStore(Database);
        var keys = new ProvinceIssuerKeys(SampleKeys.Of(SampleProvinces.Sichuan));
        var options = new IssuanceOptions { Province = SampleProvinces.Sichuan, LicenceTypes = LicenceTypeCatalogue.Shipped, StatusListBaseUri = "https://sc.lt.example/s/", StatusListSize = statusListSize };
        return (new IssuanceService(store, keys, options, time ?? TimeProvider.System), store);
    }

    /// <summary>A clock a test sets (it may go back); timers run on real time.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [SkippableFact]
    public void Migrations_apply_once()
    {
        Assert.NotEmpty(Database.Migrate());
        Assert.Empty(Database.Migrate());
    }

    [SkippableFact]
    public async Task Federation_documents_are_replaced_and_touched_withdrawals_are_unique_trust_versions_grow()
    {
        Database.Migrate();
        var store = new FederationStore(Database);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await store.SavePeerDocumentAsync(new("sc", "trust-list", 1, "\"1\"", [1, 2, 3], at), CancellationToken.None);
        await store.SavePeerDocumentAsync(new("sc", "trust-list", 2, "\"2\"", [4, 5], at), CancellationToken.None);
        await store.TouchPeerDocumentAsync("sc", "trust-list", at.AddMinutes(1), CancellationToken.None);
        var withdrawal = new LicenceTrust.Federation.Withdrawal(new string('a', 64), "sc", "key leaked", at, "n1", 1, [9]);

        var documents = await store.PeerDocumentsAsync("sc", CancellationToken.None);
        var first = await store.AddWithdrawalAsync(withdrawal, CancellationToken.None);
        var replayed = await store.AddWithdrawalAsync(withdrawal with { Fingerprint = new string('b', 64) }, CancellationToken.None);
        await store.AddTrustListVersionAsync(1, "h1", at, CancellationToken.None);
        await store.AddTrustListVersionAsync(2, "h2", at, CancellationToken.None);

        var document = Assert.Single(documents);
        Assert.Equal((2L, at.AddMinutes(1)), (document.Sequence, document.FetchedAt));
        Assert.Equal([4, 5], document.Document);
        Assert.True(first);
        Assert.False(replayed);
        Assert.Single(await store.WithdrawalsAsync(CancellationToken.None));
        Assert.Equal((2L, "h2"), ((await store.LastTrustListVersionAsync(CancellationToken.None))!.Value.Sequence, (await store.LastTrustListVersionAsync(CancellationToken.None))!.Value.ContentHash));
    }

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
    public async Task Maker_checker_drafts_are_unsigned_until_approved_once_by_another_officer_and_officers_read_back()
    {
        var (service, store) = Service();
        var officers = new OfficerAccounts(new OfficerStore(Database), store, TimeProvider.System, new SignInThrottle(TimeProvider.System, new SignInThrottleOptions()));
        var clerk = await officers.CreateAsync("Clerk.One", "经办一", Regulator.Code.Value, OfficerRoles.Clerk, "maker-secret-2026");
        var approver = await officers.CreateAsync("approver", "审核一", Regulator.Code.Value, OfficerRoles.Approver, "checker-secret-2026");
        var workflow = new OfficerWorkflow(service, store, ApprovalPolicy.RequiredEverywhere, TimeProvider.System);
        var command = Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 7)) with { IdempotencyKey = "form-1" };

        var draft = (await workflow.SubmitIssueAsync(command, clerk)).Draft!;
        var again = (await workflow.SubmitIssueAsync(command, clerk)).Draft!;
        var before = await store.ListAsync(new LicenceQuery(Regulator.Code.Value, null, null), CancellationToken.None);
        var own = await Assert.ThrowsAsync<LicenceTrustException>(() => workflow.ApproveAsync(draft.Id, clerk with { Roles = OfficerRoles.Clerk | OfficerRoles.Approver }));
        var record = (await workflow.ApproveAsync(draft.Id, approver))!;
        var twice = await Assert.ThrowsAsync<LicenceTrustException>(() => workflow.ApproveAsync(draft.Id, approver));
        var decided = await store.FindApprovalAsync(draft.Id, CancellationToken.None);

        Assert.Equal(draft.Id, again.Id);
        Assert.Equal(0, before.Total);
        Assert.Equal("APPROVAL_OWN_REQUEST", own.Error.Code);
        Assert.Equal("APPROVAL_ALREADY_DECIDED", twice.Error.Code);
        Assert.Equal((ApprovalState.Approved, "approver", record.Identifier), (decided!.State, decided.DecidedBy, decided.Result));
        Assert.Equal(command.Attributes, decided.Command!.Attributes);
        Assert.Equal(1, (await store.ListAsync(new LicenceQuery(Regulator.Code.Value, null, null) { Text = record.Licence.Holder.Name[1..3] }, CancellationToken.None)).Total);
        Assert.Equal(1, (await store.ListAsync(new LicenceQuery(Regulator.Code.Value, null, null) { Text = record.Licence.Holder.Code }, CancellationToken.None)).Total);
        Assert.Equal(0, (await store.ListAsync(new LicenceQuery(Regulator.Code.Value, null, null) { Text = "100%_" }, CancellationToken.None)).Total);
        Assert.Contains(await store.AuditOfAsync(record.Identifier, CancellationToken.None), e => e.Event == "approval.approved");
        Assert.True((await service.VerifyAuditAsync()).Ok);

        var revocation = (await workflow.RequestStatusChangeAsync(record.Identifier, ApprovalKind.Revoke, "违法经营", "rq-1", clerk)).Request!;
        Assert.Equal(LicenceStatus.Valid, (await store.FindAsync(record.Identifier, CancellationToken.None))!.Status);
        var rejected = await Assert.ThrowsAsync<LicenceTrustException>(() => workflow.RejectAsync(revocation.Id, " ", approver));
        await workflow.RejectAsync(revocation.Id, "证据不足", approver);
        Assert.Equal("REASON_REQUIRED", rejected.Error.Code);
        Assert.Equal(LicenceStatus.Valid, (await store.FindAsync(record.Identifier, CancellationToken.None))!.Status);
        Assert.Equal("Clerk.One", (await officers.FindAsync("clerk.one"))!.Username);
        Assert.Equal(OfficerRoles.Approver, (await officers.ListAsync(approver with { Roles = OfficerRoles.SystemAdmin })).Single(o => o.Username == "approver").Roles);
    }

    [SkippableFact]
    public async Task The_approval_queue_pages_oldest_first_so_no_request_waits_unseen_and_filters_by_kind_maker_and_age()
    {
        var (service, store) = Service();
        var (clerk, approver) = await OfficersAsync(store);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        var workflow = new OfficerWorkflow(service, store, ApprovalPolicy.RequiredEverywhere, clock);
        var second = clerk with { Username = "clerk.two" };
        var licence = (await service.IssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 399)), clerk.AsAuthority)).Record;
        var drafts = new List<long>();
        for (var i = 0; i < 60; i++)
        {
            var command = Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 300 + i)) with { IdempotencyKey = $"queue-{i}" };
            drafts.Add((await workflow.SubmitIssueAsync(command, i % 3 == 0 ? second : clerk)).Draft!.Id);
            clock.Advance(TimeSpan.FromMinutes(10));
        }

        var revocation = (await workflow.RequestStatusChangeAsync(licence.Identifier, ApprovalKind.Revoke, "违法经营", "queue-revoke", clerk)).Request!;
        var waiting = new ApprovalQuery(null, ApprovalState.Pending, Limit: 25) { OldestFirst = true };
        var first = await workflow.QueueAsync(waiting, approver);
        var last = await workflow.QueueAsync(waiting with { PageNumber = 3 }, approver);
        var newest = await workflow.QueueAsync(waiting with { OldestFirst = false }, approver);
        var revocations = await workflow.QueueAsync(waiting with { Kind = ApprovalKind.Revoke }, approver);
        var bySecond = await workflow.QueueAsync(waiting with { RequestedBy = "CLERK.TWO", Limit = 200 }, approver);
        var overFiveHours = await workflow.QueueAsync(waiting with { RequestedBefore = clock.GetUtcNow() - TimeSpan.FromHours(5), Limit = 200 }, approver);
        var otherAuthority = await workflow.QueueAsync(waiting, approver with { AuthorityCode = "11510000MB0000000X" });

        Assert.Equal((61L, 25, drafts[0]), (first.Total, first.Items.Count, first.Items[0].Id));
        Assert.Equal(drafts.Take(25), first.Items.Select(r => r.Id));
        Assert.Equal([.. drafts.Skip(50), revocation.Id], last.Items.Select(r => r.Id));
        Assert.Equal(revocation.Id, newest.Items[0].Id);
        Assert.Equal((1L, revocation.Id), (revocations.Total, revocations.Items.Single().Id));
        Assert.Equal(drafts.Where((_, i) => i % 3 == 0), bySecond.Items.Select(r => r.Id));
        Assert.Equal(drafts.Take(30), overFiveHours.Items.Select(r => r.Id));
        Assert.Equal(0L, otherAuthority.Total);
    }

    [SkippableFact]
    public async Task A_new_version_waits_for_approval_then_replaces_the_licence_in_one_step()
    {
        var (service, store) = Service();
        var (clerk, approver) = await OfficersAsync(store);
        var workflow = new OfficerWorkflow(service, store, ApprovalPolicy.RequiredEverywhere, TimeProvider.System);
        var old = (await service.IssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 21)), clerk.AsAuthority)).Record;
        var changed = IssueCommand.For(old.Licence) with { HolderName = "四川换发测试有限公司", IssueDate = null, Name = null, AuthorityName = null, IdempotencyKey = "form-9" };

        var draft = (await workflow.SubmitSupersedeAsync(old.Identifier, changed, "名称变更", clerk)).Draft!;
        var other = await Assert.ThrowsAsync<LicenceTrustException>(() => workflow.RequestStatusChangeAsync(old.Identifier, ApprovalKind.Revoke, "违法经营", "rq-2", clerk));
        var retyped = await Assert.ThrowsAsync<LicenceTrustException>(() => workflow.SubmitSupersedeAsync(old.Identifier, changed with { TypeCode = SampleLicenceTypes.FoodBusinessPermit.Code.Value, IdempotencyKey = "form-10" }, "x", clerk));
        Assert.Equal(LicenceStatus.Valid, (await store.FindAsync(old.Identifier, CancellationToken.None))!.Status);
        var successor = (await workflow.ApproveAsync(draft.Id, approver))!;

        Assert.Equal((ApprovalKind.Supersede, old.Identifier), (draft.Kind, draft.Subject));
        Assert.Equal("REQUEST_ALREADY_PENDING", other.Error.Code);
        Assert.Equal("TYPE_CHANGE_NOT_ALLOWED", retyped.Error.Code);
        Assert.Equal((old.Identifier, "四川换发测试有限公司"), (successor.Supersedes, successor.Licence.Holder.Name));
        Assert.Equal(old.Licence.Identifier.NextVersion().Value, successor.Identifier);
        var replaced = (await store.FindAsync(old.Identifier, CancellationToken.None))!;
        Assert.Equal((LicenceStatus.Superseded, successor.Identifier), (replaced.Status, replaced.SupersededBy));
        Assert.Equal(successor.Identifier, (await store.FindApprovalAsync(draft.Id, CancellationToken.None))!.Result);
        Assert.True((await service.VerifyAuditAsync()).Ok);
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
    public async Task Licences_a_batch_writes_in_bulk_read_back_exactly_as_sealed_and_their_idempotency_keys_answer_a_rerun()
    {
        // PostgreSQL writes a chunk of two rows or more with binary COPY, every other engine with INSERTs:
        // Chinese text, 64-bit times, NULLs (rows without an idempotency key) and the audit chain all come back.
        // The keys carry a quote and a backslash: SQLite looks them up through one JSON array parameter.
        var (service, store) = Service();
        var rows = Enumerable.Range(400, 7).Select(i => new BatchRow(i, Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, i)) with
        {
            IdempotencyKey = i % 2 == 0 ? $"行-\"{i}\\" : null,
        })).ToList();

        var first = (await service.IssueBatchAsync(rows, RegulatorActor)).Select(r => r.Record!).ToList();
        foreach (var sealedRecord in first)
        {
            var stored = (await store.FindAsync(sealedRecord.Identifier, CancellationToken.None))!;
            Assert.Equal(
                (sealedRecord.QrText, sealedRecord.Status, sealedRecord.StatusList, sealedRecord.StatusIndex, sealedRecord.IssuedAt, sealedRecord.IssuedBy, sealedRecord.Supersedes, sealedRecord.Licence.Holder.Name, sealedRecord.Licence.Holder.Code),
                (stored.QrText, stored.Status, stored.StatusList, stored.StatusIndex, stored.IssuedAt, stored.IssuedBy, stored.Supersedes, stored.Licence.Holder.Name, stored.Licence.Holder.Code));
        }

        var again = await service.IssueBatchAsync(rows, RegulatorActor);
        Assert.Equal(rows.Select(r => r.Command.IdempotencyKey is not null), again.Select(r => r.Replayed));
        Assert.Equal(first.Where((_, i) => rows[i].Command.IdempotencyKey is not null).Select(r => r.Identifier), again.Where(r => r.Replayed).Select(r => r.Record!.Identifier));
        // A row without a key is a new request, and its number is live: refused, not issued a second time.
        Assert.All(again.Where((_, i) => rows[i].Command.IdempotencyKey is null), r => Assert.Equal("LICENCE_NUMBER_LIVE", r.Error?.Code));
        Assert.Equal(7, (await store.ListAsync(new LicenceQuery(Regulator.Code.Value, null, null), CancellationToken.None)).Total);
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

    /// <summary>Every stored credential verifies with the sample trust, and its signed status reference is the slot stored with it.</summary>
    private static void AssertEachCredentialCarriesItsSlot(IEnumerable<LicenceRecord> records)
    {
        var verifier = new CredentialVerifier(SampleKeys.TrustStore);
        foreach (var record in records)
        {
            var read = LicenceTrust.Core.Codec.CredentialReader.Read(record.QrText).Credential!;
            Assert.Equal((long)record.StatusIndex, read.Claims.Status.Index);
            // LT2, what the service issues, carries the list number; the node's signed template makes it the URI.
            Assert.Equal(record.StatusList, read.Claims.Status.List);
            Assert.Equal("https://sc.lt.example/s/" + record.StatusList, read.Claims.Status.ResolveUri(LicenceTrust.Core.Status.StatusUriTemplate.FromBase("https://sc.lt.example/s/")));
            Assert.Equal(Verdict.Valid, verifier.Verify(record.QrText, DateTimeOffset.UtcNow).Verdict);
        }
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

    [SkippableFact]
    public async Task No_administrator_gets_an_officer_a_password_a_role_or_an_API_key_made_alone()
    {
        var (_, store) = Service();
        var throttle = new SignInThrottle(TimeProvider.System, new SignInThrottleOptions());
        var officers = new OfficerAccounts(new OfficerStore(Database), store, TimeProvider.System, throttle);
        var requests = new AdminRequests(store, officers, new ProvinceIssuerKeys(SampleKeys.Of(SampleProvinces.Sichuan)), TimeProvider.System);
        var apiKeys = new ApiKeyService(new ApiKeyStore(Database), store, TimeProvider.System);
        var code = Regulator.Code.Value;
        var sys1 = await officers.CreateAsync("sys.one", "系统管理员一", code, OfficerRoles.SystemAdmin, "harbour-lantern-2026");
        var sys2 = await officers.CreateAsync("sys.two", "系统管理员二", code, OfficerRoles.SystemAdmin, "harbour-lantern-2026");
        var sec1 = await officers.CreateAsync("sec.one", "安全管理员一", code, OfficerRoles.SecurityAdmin, "harbour-lantern-2026");
        var sec2 = await officers.CreateAsync("sec.two", "安全管理员二", code, OfficerRoles.SecurityAdmin, "harbour-lantern-2026");
        var auditor = await officers.CreateAsync("aud.one", "审计员", code, OfficerRoles.Auditor, "harbour-lantern-2026");
        var clerk = await officers.CreateAsync("clerk.one", "经办", code, OfficerRoles.Clerk, "harbour-lantern-2026");

        // 三员分立: no administrator holds a business role or a second administrator's role, even from the CLI.
        Assert.Equal("ROLES_SEPARATED", (await Assert.ThrowsAsync<LicenceTrustException>(() => officers.CreateAsync("mixed", "混合", code, OfficerRoles.SystemAdmin | OfficerRoles.Approver, "harbour-lantern-2026"))).Error.Code);
        Assert.Equal("ROLES_SEPARATED", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.AskForOfficerAsync("two.hats", "两顶帽子", code, OfficerRoles.SecurityAdmin | OfficerRoles.Auditor, sys1))).Error.Code);
        Assert.False((sys1 with { Roles = OfficerRoles.SystemAdmin | OfficerRoles.Approver }).Has(OfficerRoles.Approver));

        // An approver asked for by one system administrator exists only when a second approves; the password goes to the second.
        Assert.Equal("AUTHORITY_CODE_INVALID", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.AskForOfficerAsync("stray", "无主", SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence).Code.Value, OfficerRoles.Clerk, sys1))).Error.Code);
        var asked = await requests.AskForOfficerAsync("new.approver", "新审核", code, OfficerRoles.Approver, sys1);
        Assert.Null(await officers.FindAsync("new.approver"));
        Assert.Equal("APPROVAL_OWN_REQUEST", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.ApproveAsync(asked.Id, sys1))).Error.Code);
        Assert.Equal("OFFICER_ROLE_REQUIRED", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.ApproveAsync(asked.Id, sec1))).Error.Code);
        Assert.Equal("OFFICER_ROLE_REQUIRED", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.ApproveAsync(asked.Id, clerk))).Error.Code);
        var made = await requests.ApproveAsync(asked.Id, sys2);
        var approverSignIn = await officers.SignInAsync("new.approver", made.Secret);
        Assert.True(approverSignIn.Account is { MustChangePassword: true, Roles: OfficerRoles.Approver }, made.Secret);
        Assert.Null(PasswordPolicy.Problem(made.Secret, "new.approver"));

        // A password reset: asked by one, approved by another who is not its owner; the old sessions and password end.
        Assert.Equal("OFFICER_SELF_RESET", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.AskForPasswordResetAsync("sys.one", sys1))).Error.Code);
        var before = (await officers.FindAsync("clerk.one"))!;
        var reset = await requests.AskForPasswordResetAsync("clerk.one", sys1);
        Assert.Equal("APPROVAL_OWN_REQUEST", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.ApproveAsync(reset.Id, sys1))).Error.Code);
        var resetAgain = await Assert.ThrowsAsync<LicenceTrustException>(() => requests.AskForPasswordResetAsync("clerk.one", sys2));
        var newPassword = (await requests.ApproveAsync(reset.Id, sys2)).Secret;
        var after = (await officers.FindAsync("clerk.one"))!;
        Assert.Equal("REQUEST_ALREADY_PENDING", resetAgain.Error.Code);
        Assert.False(OfficerAccounts.IsCurrent(after, before.SessionEpoch));
        Assert.Null((await officers.SignInAsync("clerk.one", "harbour-lantern-2026")).Account);
        Assert.NotNull((await officers.SignInAsync("clerk.one", newPassword)).Account);

        // A role change (a clerk made approver gains signing power): asked by one system administrator, made when a
        // second approves, never about oneself, and it ends the officer's sessions.
        Assert.Equal("OFFICER_SELF_ROLES", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.AskForRoleChangeAsync("sys.one", OfficerRoles.Auditor, sys1))).Error.Code);
        Assert.Equal("ROLES_SEPARATED", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.AskForRoleChangeAsync("clerk.one", OfficerRoles.Clerk | OfficerRoles.SystemAdmin, sys1))).Error.Code);
        Assert.Equal("ROLES_UNCHANGED", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.AskForRoleChangeAsync("clerk.one", OfficerRoles.Clerk, sys1))).Error.Code);
        Assert.Equal("OFFICER_ROLE_REQUIRED", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.AskForRoleChangeAsync("clerk.one", OfficerRoles.Approver, sec1))).Error.Code);
        var beforeRoles = (await officers.FindAsync("clerk.one"))!;
        var promote = await requests.AskForRoleChangeAsync("clerk.one", OfficerRoles.Clerk | OfficerRoles.Approver, sys1);
        Assert.Equal(OfficerRoles.Clerk, (await officers.FindAsync("clerk.one"))!.Roles);
        Assert.Equal("APPROVAL_OWN_REQUEST", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.ApproveAsync(promote.Id, sys1))).Error.Code);
        var selfPromote = await requests.AskForRoleChangeAsync("sys.two", OfficerRoles.Auditor, sys1);
        Assert.Equal("OFFICER_SELF_ROLES", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.ApproveAsync(selfPromote.Id, sys2))).Error.Code);
        await requests.RejectAsync(selfPromote.Id, "不变更", sys1);
        var promoted = await requests.ApproveAsync(promote.Id, sys2);
        Assert.Equal(string.Empty, promoted.Secret);
        var afterRoles = (await officers.FindAsync("clerk.one"))!;
        Assert.Equal(OfficerRoles.Clerk | OfficerRoles.Approver, afterRoles.Roles);
        Assert.False(OfficerAccounts.IsCurrent(afterRoles, beforeRoles.SessionEpoch));
        Assert.Contains(await store.AuditLogAsync(CancellationToken.None), e => e.Event == "officer.roles_changed" && e.Subject == "clerk.one"
            && e.Data.StartsWith("from=Clerk;to=Clerk, Approver;request=", StringComparison.Ordinal) && e.Actor.Contains("sys.two", StringComparison.Ordinal));

        // An authority's API key: asked by one security administrator, made and shown to a second one.
        Assert.Equal("AUTHORITY_CODE_INVALID", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.AskForApiKeyAsync(ActorRole.Authority, "外省系统", SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence).Code.Value, sec1))).Error.Code);
        Assert.Equal("OFFICER_ROLE_REQUIRED", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.AskForApiKeyAsync(ActorRole.Authority, "业务系统", code, sys1))).Error.Code);
        var key = await requests.AskForApiKeyAsync(ActorRole.Authority, "业务系统", code, sec1);
        Assert.Empty(await apiKeys.ListAsync(auditor));
        Assert.Equal("APPROVAL_OWN_REQUEST", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.ApproveAsync(key.Id, sec1))).Error.Code);
        Assert.Equal("OFFICER_ROLE_REQUIRED", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.ApproveAsync(key.Id, sys2))).Error.Code);

        // Two approvals at once make one key.
        var both = await Task.WhenAll(Attempt(() => requests.ApproveAsync(key.Id, sec2)), Attempt(() => requests.ApproveAsync(key.Id, sec2)));
        var keyMade = Assert.Single(both, b => b.Decision is not null).Decision!;
        Assert.Equal("APPROVAL_ALREADY_DECIDED", Assert.Single(both, b => b.Error is not null).Error);
        Assert.Equal(new Actor(ActorRole.Authority, "业务系统", code), await apiKeys.AuthenticateAsync(keyMade.Secret));
        Assert.Single(await apiKeys.ListAsync(auditor));

        // A request withdrawn is decided: nobody approves it afterwards.
        var withdrawn = await requests.AskForApiKeyAsync(ActorRole.Partner, "银行", null, sec1);
        await requests.RejectAsync(withdrawn.Id, "填错了", sec1);
        Assert.Equal("APPROVAL_ALREADY_DECIDED", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.ApproveAsync(withdrawn.Id, sec2))).Error.Code);
        var second = await requests.AskForPasswordResetAsync("new.approver", sys1);
        Assert.Equal("TEXT_CHARACTER_NOT_ALLOWED", (await Assert.ThrowsAsync<LicenceTrustException>(() => requests.RejectAsync(second.Id, "原因\u202E", sys2))).Error.Code);

        // The auditor sees every request, read-only; each one's path is in the audit log under the approver's name.
        Assert.Equal(7, (await requests.ListAsync(auditor, null)).Count);
        Assert.Equal(5, (await requests.ListAsync(sys2, null)).Count);
        var created = Assert.Single(await store.AuditOfAsync("new.approver", CancellationToken.None), e => e.EventId == AuditEvents.OfficerCreated);
        Assert.Equal("Admin:officer:sys.two", created.Actor);
        Assert.Contains("requested_by=sys.one", created.Data, StringComparison.Ordinal);
        Assert.Contains(await store.AuditOfAsync("clerk.one", CancellationToken.None), e => e.EventId == AuditEvents.OfficerPasswordReset && e.Actor == "Admin:officer:sys.two");
        Assert.True(AuditChain.Verify(await store.AuditLogAsync(CancellationToken.None)).Ok);
    }

    private static async Task<(AdminDecision? Decision, string? Error)> Attempt(Func<Task<AdminDecision>> approve)
    {
        try
        {
            return (await approve(), null);
        }
        catch (LicenceTrustException e)
        {
            return (null, e.Error.Code);
        }
    }

    [SkippableFact]
    public async Task Every_text_an_officer_or_key_leaves_behind_passes_the_one_text_policy_before_anything_is_stored()
    {
        var (service, store) = Service();
        var officers = new OfficerAccounts(new OfficerStore(Database), store, TimeProvider.System, new SignInThrottle(TimeProvider.System, new SignInThrottleOptions()));
        var requests = new AdminRequests(store, officers, new ProvinceIssuerKeys(SampleKeys.Of(SampleProvinces.Sichuan)), TimeProvider.System);
        var apiKeys = new ApiKeyService(new ApiKeyStore(Database), store, TimeProvider.System);
        var workflow = new OfficerWorkflow(service, store, ApprovalPolicy.RequiredEverywhere, TimeProvider.System);
        var code = Regulator.Code.Value;
        var (clerk, approver) = await OfficersAsync(store);
        var sys1 = await officers.CreateAsync("sys.a", "系统管理员甲", code, OfficerRoles.SystemAdmin, "harbour-lantern-2026");
        var sys2 = await officers.CreateAsync("sys.b", "系统管理员乙", code, OfficerRoles.SystemAdmin, "harbour-lantern-2026");
        var security = await officers.CreateAsync("sec.a", "安全管理员甲", code, OfficerRoles.SecurityAdmin, "harbour-lantern-2026");
        var licence = (await service.IssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 77)), clerk.AsAuthority)).Record;
        var draft = (await workflow.SubmitIssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 78)) with { IdempotencyKey = "policy-1" }, clerk)).Draft!;
        var asked = await requests.AskForOfficerAsync("policy.new", "新经办", code, OfficerRoles.Clerk, sys1);
        const string Spoof = "合规\u202E说明";
        var auditBefore = (await store.AuditLogAsync(CancellationToken.None)).Count;

        // Each entry point, with a right-to-left override in the text it would store.
        var refusals = new (string EntryPoint, Func<Task> Call)[]
        {
            ("officer display name (CLI)", () => officers.CreateAsync("policy.one", Spoof, code, OfficerRoles.Clerk, "harbour-lantern-2026")),
            ("officer display name (asked for)", () => requests.AskForOfficerAsync("policy.two", Spoof, code, OfficerRoles.Clerk, sys1)),
            ("administrator's rejection reason", () => requests.RejectAsync(asked.Id, Spoof, sys2)),
            ("API key name (asked for)", () => requests.AskForApiKeyAsync(ActorRole.Authority, Spoof, code, security)),
            ("API key name (operator)", () => apiKeys.CreateAsync(ActorRole.Partner, Spoof, null)),
            ("approver's rejection reason", () => workflow.RejectAsync(draft.Id, Spoof, approver)),
            ("revocation request reason", () => workflow.RequestStatusChangeAsync(licence.Identifier, ApprovalKind.Revoke, Spoof, "policy-2", clerk)),
            ("status change reason (API)", () => service.ChangeStatusAsync(licence.Identifier, StatusAction.Suspend, Spoof, clerk.AsAuthority)),
            ("holder name (draft)", () => workflow.SubmitIssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 79)) with { HolderName = Spoof, IdempotencyKey = "policy-3" }, clerk)),
        };

        foreach (var (entryPoint, call) in refusals)
        {
            var refused = await Assert.ThrowsAsync<LicenceTrustException>(call);
            Assert.True(refused.Error is { Code: "TEXT_CHARACTER_NOT_ALLOWED", CodePoint: "U+202E" }, $"{entryPoint}: {refused.Error.Code} {refused.Error.CodePoint}");
        }

        Assert.Equal(auditBefore, (await store.AuditLogAsync(CancellationToken.None)).Count);
        Assert.Null(await officers.FindAsync("policy.one"));
        Assert.Equal(LicenceStatus.Valid, (await store.FindAsync(licence.Identifier, CancellationToken.None))!.Status);
        Assert.Equal(ApprovalState.Pending, (await store.FindApprovalAsync(draft.Id, CancellationToken.None))!.State);
    }

    [SkippableFact]
    public async Task The_auditor_filters_the_log_by_time_actor_event_and_subject_newest_first()
    {
        var clock = new ManualClock { Now = new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero) };
        var (service, store) = Service(clock);
        var officers = new OfficerAccounts(new OfficerStore(Database), store, clock, new SignInThrottle(clock, new SignInThrottleOptions()));
        var auditor = await officers.CreateAsync("aud.one", "审计员", Regulator.Code.Value, OfficerRoles.Auditor, "harbour-lantern-2026");
        await officers.CreateAsync("li.si", "李四", Regulator.Code.Value, OfficerRoles.Clerk, "harbour-lantern-2026");
        await officers.SignInAsync("li.si", "harbour-lantern-2026");
        clock.Now = clock.Now.AddDays(1);
        await officers.SignInAsync("li.si", "wrong-password-2026");
        var record = (await service.IssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 31)), RegulatorActor)).Record;
        await officers.SignInAsync("nobody_100%", "wrong-password-2026");

        var signIns = await service.SearchAuditAsync(new AuditQuery(EventIds: AuditQuery.SignIns), auditor);
        var secondDay = await service.SearchAuditAsync(new AuditQuery(From: new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero), EventIds: AuditQuery.SignIns), auditor);
        var byActor = await service.SearchAuditAsync(new AuditQuery(Actor: Regulator.Name[..4]), auditor);
        var bySubject = await service.SearchAuditAsync(new AuditQuery(Subject: record.Identifier), auditor);
        var wildcard = await service.SearchAuditAsync(new AuditQuery(Actor: "%"), auditor);
        var paged = await service.SearchAuditAsync(new AuditQuery(PageNumber: 2, PageSize: 2), auditor);

        Assert.Equal(["officer.sign_in_failed", "officer.sign_in_failed", "officer.signed_in"], signIns.Items.Select(e => e.Event));
        Assert.Equal(["(unknown)", "li.si", "li.si"], signIns.Items.Select(e => e.Subject));
        Assert.Equal(2, secondDay.Total);
        Assert.All(byActor.Items, e => Assert.Contains(Regulator.Name[..4], e.Actor, StringComparison.Ordinal));
        Assert.Contains(bySubject.Items, e => e.EventId == AuditEvents.LicenceIssued);
        Assert.Equal(0, wildcard.Total);
        Assert.Equal(2, paged.Items.Count);
        Assert.True(paged.Items[0].Sequence > paged.Items[1].Sequence);
        var clerk = (await officers.FindAsync("li.si"))!;
        Assert.Equal("OFFICER_ROLE_REQUIRED", (await Assert.ThrowsAsync<LicenceTrustException>(() => service.SearchAuditAsync(new AuditQuery(), clerk))).Error.Code);
    }

    private async Task<(Officer Clerk, Officer Approver)> OfficersAsync(IssuanceStore store)
    {
        var officers = new OfficerAccounts(new OfficerStore(Database), store, TimeProvider.System, new SignInThrottle(TimeProvider.System, new SignInThrottleOptions()));
        return (await officers.CreateAsync("clerk", "经办", Regulator.Code.Value, OfficerRoles.Clerk, "maker-secret-2026"),
            await officers.CreateAsync("approver", "审核", Regulator.Code.Value, OfficerRoles.Approver, "checker-secret-2026"));
    }

    [SkippableFact]
    public async Task An_issued_licence_reads_back_whole()
    {
        var (service, store) = Service();
        var demo = DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 1);
        var issued = (await service.IssueAsync(Command(demo), RegulatorActor)).Record;

        var read = await store.FindAsync(issued.Identifier, CancellationToken.None);

        Assert.NotNull(read);
        Assert.Equal(issued.Licence.Holder.Code, read.Licence.Holder.Code);
        Assert.Equal(demo.Attributes, read.Licence.Attributes);
        Assert.Equal(issued.QrText, read.QrText);
        Assert.Equal(issued.StatusIndex, read.StatusIndex);
        Assert.Equal(issued.IssuedAt.ToUnixTimeMilliseconds(), read.IssuedAt.ToUnixTimeMilliseconds());
        Assert.Equal(Verdict.Valid, new CredentialVerifier(SampleKeys.TrustStore).Verify(read.QrText, DateTimeOffset.UtcNow).Verdict);
        Assert.Null(await store.FindAsync("nope", CancellationToken.None));
        Assert.Equal(LicenceStatus.Valid, await store.StatusOfAsync(issued.Identifier, CancellationToken.None));
        Assert.Null(await store.StatusOfAsync("nope", CancellationToken.None));
    }

    [SkippableFact]
    public async Task Idempotency_keys_serials_and_slots_are_unique()
    {
        var (service, _) = Service();
        var first = await service.IssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 2)) with { IdempotencyKey = "k" }, RegulatorActor);
        var replay = await service.IssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 2)) with { IdempotencyKey = "k" }, RegulatorActor);
        var others = new List<LicenceRecord>();
        for (var i = 3; i < 13; i++)
        {
            others.Add((await service.IssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.FoodBusinessPermit, i)), RegulatorActor)).Record);
        }

        Assert.True(replay.Replayed);
        Assert.Equal(first.Record.Identifier, replay.Record.Identifier);
        var all = others.Append(first.Record).ToList();
        Assert.Equal(all.Count, all.Select(r => r.Licence.Identifier.Serial).Distinct().Count());
        Assert.Equal(all.Count, all.Select(r => (r.StatusList, r.StatusIndex)).Distinct().Count());
    }

    [SkippableFact]
    public async Task Concurrent_issues_never_share_a_serial_or_slot()
    {
        var (service, _) = Service();
        var tasks = Enumerable.Range(100, 24).Select(i =>
            Task.Run(() => service.IssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, i)), RegulatorActor))).ToList();
        var records = (await Task.WhenAll(tasks)).Select(o => o.Record).ToList();

        Assert.Equal(24, records.Select(r => r.Identifier).Distinct().Count());
        Assert.Equal(24, records.Select(r => r.StatusIndex).Distinct().Count());
    }

    [SkippableFact]
    public async Task Status_changes_are_guarded_kept_in_history_and_listed()
    {
        var (service, store) = Service();
        var record = (await service.IssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 20)), RegulatorActor)).Record;
        await service.ChangeStatusAsync(record.Identifier, StatusAction.Suspend, "a", RegulatorActor);
        await service.ChangeStatusAsync(record.Identifier, StatusAction.Reinstate, "b", RegulatorActor);
        await service.ChangeStatusAsync(record.Identifier, StatusAction.Revoke, "c", RegulatorActor);

        var history = await store.HistoryAsync(record.Identifier, CancellationToken.None);
        var stale = await store.InTransactionAsync(unit => unit.ChangeStatusAsync(record.Identifier, LicenceStatus.Valid, LicenceStatus.Suspended, null), CancellationToken.None);
        var entries = await store.StatusListEntriesAsync(record.StatusList, CancellationToken.None);

        Assert.Equal(["a", "b", "c"], history.Select(h => h.Reason));
        Assert.Equal([LicenceStatus.Suspended, LicenceStatus.Valid, LicenceStatus.Revoked], history.Select(h => h.To));
        Assert.False(stale);
        Assert.Equal(LicenceStatus.Revoked, entries.Single(e => e.Index == record.StatusIndex).Status);
        Assert.True((await store.StatusListAsync(record.StatusList, CancellationToken.None))!.Version >= 4);
        Assert.Contains(await store.StatusListsAsync(CancellationToken.None), l => l.Id == record.StatusList);
        Assert.Null(await store.StatusListAsync(999, CancellationToken.None));
        var ex = await Assert.ThrowsAsync<LicenceTrustException>(() => service.ChangeStatusAsync(record.Identifier, StatusAction.Reinstate, "d", RegulatorActor));
        Assert.Equal("STATUS_CHANGE_NOT_ALLOWED", ex.Error.Code);
    }

    [SkippableFact]
    public async Task Listing_filters_and_pages()
    {
        var (service, store) = Service();
        for (var i = 30; i < 35; i++)
        {
            await service.IssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, i)), RegulatorActor);
        }

        var food = (await service.IssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.FoodBusinessPermit, 35)), RegulatorActor)).Record;
        await service.ChangeStatusAsync(food.Identifier, StatusAction.Suspend, "x", RegulatorActor);

        var page2 = await store.ListAsync(new LicenceQuery(Regulator.Code.Value, null, null, 2, 4), CancellationToken.None);
        var suspended = await store.ListAsync(new LicenceQuery(Regulator.Code.Value, null, LicenceStatus.Suspended), CancellationToken.None);
        var business = await store.ListAsync(new LicenceQuery(null, SampleLicenceTypes.BusinessLicence.Code.Value, null), CancellationToken.None);
        var nobody = await store.ListAsync(new LicenceQuery("11510000MB2B00033U", null, null), CancellationToken.None);

        Assert.Equal(6, page2.Total);
        Assert.Equal(2, page2.Items.Count);
        Assert.Equal(food.Identifier, Assert.Single(suspended.Items).Identifier);
        Assert.Equal(5, business.Total);
        Assert.Equal(0, nobody.Total);
    }

    [SkippableFact]
    public async Task The_audit_log_chains_every_change_in_order()
    {
        var (service, store) = Service();
        var record = (await service.IssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 40)), RegulatorActor)).Record;
        await service.ChangeStatusAsync(record.Identifier, StatusAction.Revoke, "r", RegulatorActor);

        var log = await store.AuditLogAsync(CancellationToken.None);
        var verification = AuditChain.Verify(log);

        Assert.Equal([1L, 2L], log.Select(e => e.Sequence));
        Assert.Equal([AuditEvents.LicenceIssued, AuditEvents.StatusChanged], log.Select(e => e.EventId));
        Assert.True(verification.Ok);
        Assert.DoesNotContain(record.Licence.Holder.Code, string.Concat(log.Select(e => e.Data)), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_failed_transaction_leaves_nothing_behind()
    {
        var (_, store) = Service();
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.InTransactionAsync<int>(async unit =>
        {
            await unit.ReserveSerialsAsync("11510000MB2B00011K", 3);
            await unit.InsertAuditAsync(AuditChain.Link(new AuditDraft(1, "x", "y", "z", "d", DateTimeOffset.UtcNow), 1, AuditChain.Genesis));
            throw new InvalidOperationException("crash before commit");
        }, CancellationToken.None));

        Assert.Empty(await store.AuditLogAsync(CancellationToken.None));
        Assert.Equal(1, await store.InTransactionAsync(unit => unit.ReserveSerialsAsync("11510000MB2B00011K", 2), CancellationToken.None));
        Assert.Equal(3, await store.InTransactionAsync(unit => unit.ReserveSerialsAsync("11510000MB2B00011K", 1), CancellationToken.None));
    }

    [SkippableFact]
    public async Task Api_keys_are_stored_hashed_and_authenticate()
    {
        Database.Migrate();
        var keys = new ApiKeyService(new ApiKeyStore(Database), new IssuanceStore(Database), TimeProvider.System);
        var (key, record) = await keys.CreateAsync(ActorRole.Authority, Regulator.Name, Regulator.Code.Value);

        Assert.DoesNotContain(key[16..], record.SecretHash, StringComparison.Ordinal);
        Assert.Equal(Regulator.Code.Value, (await keys.AuthenticateAsync(key))!.AuthorityCode);
        Assert.Null(await keys.AuthenticateAsync(key[..^1] + "x"));
        Assert.Null(await keys.AuthenticateAsync(null));
        var audit = await new IssuanceStore(Database).AuditLogAsync(CancellationToken.None);
        Assert.Equal(AuditEvents.ApiKeyCreated, Assert.Single(audit).EventId);
        Assert.DoesNotContain(key[16..], audit[0].Data, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_consistency_check_passes_a_working_database_and_names_a_status_changed_behind_its_back()
    {
        var (service, _) = Service();
        var revoked = (await service.IssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 61)), RegulatorActor)).Record;
        var tampered = (await service.IssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 62)), RegulatorActor)).Record;
        await service.ChangeStatusAsync(revoked.Identifier, StatusAction.Revoke, "吊销：测试", RegulatorActor);

        var clean = await DatabaseConsistency.CheckAsync(Database, CancellationToken.None);
        await using (var connection = await Database.OpenAsync(CancellationToken.None))
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE licences SET status = 2 WHERE identifier = @identifier", new { identifier = tampered.Identifier });
        }

        var broken = await DatabaseConsistency.CheckAsync(Database, CancellationToken.None);

        Assert.True(clean.Ok, string.Join("; ", clean.Problems));
        Assert.Equal((2L, 1L, 1L), (clean.Licences, clean.StatusLists, clean.StatusEvents));
        Assert.Equal($"licence {tampered.Identifier}: status 2, but its last status event says 0", Assert.Single(broken.Problems));
    }

    [SkippableFact]
    public async Task A_backup_restores_into_a_new_database_with_every_licence_its_status_and_the_audit_chain()
    {
        var (service, store) = Service();
        var records = new List<LicenceRecord>();
        for (var i = 71; i <= 74; i++)
        {
            records.Add((await service.IssueAsync(Command(DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, i)), RegulatorActor)).Record);
        }

        await service.ChangeStatusAsync(records[1].Identifier, StatusAction.Revoke, "吊销：测试", RegulatorActor);
        await service.ChangeStatusAsync(records[2].Identifier, StatusAction.Suspend, "暂扣：测试", RegulatorActor);
        var head = AuditChain.Verify(await store.AuditLogAsync(CancellationToken.None)).Head;

        var restored = await BackupAndRestoreAsync();
        var copy = new IssuanceStore(restored);

        var report = await DatabaseConsistency.CheckAsync(restored, CancellationToken.None);
        Assert.True(report.Ok, string.Join("; ", report.Problems));
        Assert.Equal(4, report.Licences);
        Assert.Equal(head, AuditChain.Verify(await copy.AuditLogAsync(CancellationToken.None)).Head);
        foreach (var record in records)
        {
            var original = (await store.FindAsync(record.Identifier, CancellationToken.None))!;
            var back = (await copy.FindAsync(record.Identifier, CancellationToken.None))!;
            Assert.Equal((original.Status, original.StatusList, original.StatusIndex, original.QrText), (back.Status, back.StatusList, back.StatusIndex, back.QrText));
        }
    }

    private static IssueCommand Command(Licence demo) => IssueCommand.For(demo) with { IssueDate = null, Name = null, AuthorityName = null };
}

public sealed class SqliteIssuanceStoreTests : IssuanceStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-store-").FullName;
    private readonly Lazy<IDatabase> _database;

    public SqliteIssuanceStoreTests() => _database = new(() => new Sqlite.SqliteDatabase(Path.Combine(_folder, "test.db")));

    protected override IDatabase Database => _database.Value;

    protected override Task<IDatabase> BackupAndRestoreAsync()
    {
        var backup = Path.Combine(_folder, "backup.db");
        DatabaseBackup.BackupSqlite((Sqlite.SqliteDatabase)Database, backup);
        Assert.Throws<IOException>(() => DatabaseBackup.BackupSqlite((Sqlite.SqliteDatabase)Database, backup));
        DatabaseBackup.RestoreSqlite(backup, Path.Combine(_folder, "restored.db"), overwrite: false);
        Assert.Throws<IOException>(() => DatabaseBackup.RestoreSqlite(backup, Path.Combine(_folder, "restored.db"), overwrite: false));
        return Task.FromResult<IDatabase>(new Sqlite.SqliteDatabase(Path.Combine(_folder, "restored.db")));
    }

    [Fact]
    public void A_restore_over_a_database_another_connection_still_holds_open_keeps_the_backup_when_that_connection_closes()
    {
        // The node was killed with changes still in its WAL, and something else (a tool, a pool nobody
        // cleared) holds the database open. Closing that connection after the restore must not write the
        // old WAL back over the restored pages.
        var live = Path.Combine(_folder, "live.db");
        var backup = Path.Combine(_folder, "live-backup.db");
        using (var setup = Open(live))
        {
            Run(setup, "PRAGMA journal_mode=WAL; CREATE TABLE licences(id INTEGER); CREATE TABLE audit_log(id INTEGER); CREATE TABLE trust_list_versions(id INTEGER); INSERT INTO licences VALUES (1);");
        }

        DatabaseBackup.BackupSqlite(new Sqlite.SqliteDatabase(live), backup);
        var holder = Open(live);
        Run(holder, "PRAGMA wal_autocheckpoint=0; INSERT INTO licences VALUES (2); INSERT INTO licences VALUES (3);");
        Assert.True(new FileInfo(live + "-wal").Length > 0);

        DatabaseBackup.RestoreSqlite(backup, live, overwrite: true);
        Assert.Equal(1L, Count(holder));
        holder.Dispose();

        using var after = Open(live);
        Assert.Equal(1L, Count(after));
        Assert.Equal("ok", Scalar(after, "PRAGMA integrity_check;"));

        static Microsoft.Data.Sqlite.SqliteConnection Open(string path)
        {
            var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
            connection.Open();
            return connection;
        }

        static void Run(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        static object? Scalar(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return command.ExecuteScalar();
        }

        static long Count(Microsoft.Data.Sqlite.SqliteConnection connection) => (long)Scalar(connection, "SELECT COUNT(*) FROM licences;")!;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class PostgresIssuanceStoreTests : IssuanceStoreContract, IDisposable
{
    private readonly Lazy<string> _connection = new(PostgresServer.CreateDatabase);
    private readonly Lazy<IDatabase> _database;
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-pg-backup-").FullName;

    public PostgresIssuanceStoreTests() => _database = new(() => new Postgres.PostgresDatabase(_connection.Value));

    protected override IDatabase Database => _database.Value;

    /// <summary>pg_dump of this database, pg_restore into a new one that a node has already migrated (as a replacement node would have).</summary>
    protected override async Task<IDatabase> BackupAndRestoreAsync()
    {
        var backup = Path.Combine(_folder, "backup.dump");
        await DatabaseBackup.BackupPostgresAsync(_connection.Value, backup, CancellationToken.None);
        await Assert.ThrowsAsync<IOException>(() => DatabaseBackup.BackupPostgresAsync(_connection.Value, backup, CancellationToken.None));
        var target = PostgresServer.CreateDatabase();
        new Postgres.PostgresDatabase(target).Migrate();
        await DatabaseBackup.RestorePostgresAsync(backup, target, CancellationToken.None);
        return new Postgres.PostgresDatabase(target);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

public sealed class SqlServerIssuanceStoreTests : IssuanceStoreContract
{
    private static readonly string? ConnectionString = Environment.GetEnvironmentVariable("LICENCETRUST_TEST_SQLSERVER");
    private readonly Lazy<IDatabase> _database = new(() => new SqlServer.SqlServerDatabase(ConnectionString!));

    /// <summary>SQL Server backups are the server's own (BACKUP DATABASE, run by its operators): no LicenceTrust command.</summary>
    protected override Task<IDatabase> BackupAndRestoreAsync()
    {
        Skip.If(true, "SQL Server is backed up with its own BACKUP DATABASE and RESTORE DATABASE (docs/operations.md); LicenceTrust has no command for it");
        return Task.FromResult(Database);
    }

    protected override IDatabase Database
    {
        get
        {
            Skip.If(string.IsNullOrWhiteSpace(ConnectionString),
                "SQL Server: set LICENCETRUST_TEST_SQLSERVER to a connection string of an empty database; no SQL Server engine can be installed on this machine (docs/architecture.md, Storage), and the T-SQL is parsed by SqlServerDialectTests instead");
            return _database.Value;
        }
    }
}
