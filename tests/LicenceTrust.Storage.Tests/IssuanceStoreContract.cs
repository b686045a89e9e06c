using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using LicenceTrust.Federation;
using LicenceTrust.Issuance;
using LicenceTrust.Samples;
using LicenceTrust.Sharing;
using LicenceTrust.Testing;

namespace LicenceTrust.Storage.Tests;

/// <summary>
/// The behaviour every database must give the issuance module. Run once per database by the
/// subclasses below; each test starts from an empty, freshly migrated database.
/// </summary>
public abstract class IssuanceStoreContract : IssuanceDatabaseTest
{
    /// <summary>Backs <see cref="Database"/> up with its engine's backup and restores that into a new database (docs/operations.md, "Backup and restore").</summary>
    protected abstract Task<IDatabase> BackupAndRestoreAsync();

    [SkippableFact]
    public void Migrations_apply_once()
    {
        Assert.NotEmpty(Database.Migrate());
        Assert.Empty(Database.Migrate());
    }

    [SkippableFact]
    public async Task Federation_documents_are_replaced_touched_and_listed_by_version_withdrawals_are_unique_trust_versions_grow()
    {
        Database.Migrate();
        var store = new FederationStore(Database);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await store.SavePeerDocumentAsync(new("sc", "trust-list", 1, "\"1\"", [1, 2, 3], at), CancellationToken.None);
        await store.SavePeerDocumentAsync(new("sc", "trust-list", 2, "\"2\"", [4, 5], at), CancellationToken.None);
        await store.TouchPeerDocumentAsync("sc", "trust-list", at.AddMinutes(1), CancellationToken.None);
        var withdrawal = new LicenceTrust.Federation.Withdrawal(new string('a', 64), "sc", "key leaked", at, "n1", 1, [9]);

        await store.SavePeerDocumentAsync(new("gz", "status-list:https://gz.example/1", 7, "\"1-7\"", [6], at), CancellationToken.None);
        var documents = await store.PeerDocumentsAsync("sc", CancellationToken.None);
        var versions = await store.PeerDocumentVersionsAsync(CancellationToken.None);
        var first = await store.AddWithdrawalAsync(withdrawal, CancellationToken.None);
        var replayed = await store.AddWithdrawalAsync(withdrawal with { Fingerprint = new string('b', 64) }, CancellationToken.None);
        await store.AddTrustListVersionAsync(1, "h1", at, CancellationToken.None);
        await store.AddTrustListVersionAsync(2, "h2", at, CancellationToken.None);

        var document = Assert.Single(documents);
        Assert.Equal((2L, at.AddMinutes(1)), (document.Sequence, document.FetchedAt));
        Assert.Equal([4, 5], document.Document);
        Assert.Equal([new("gz", "status-list:https://gz.example/1", 7), new PeerDocumentVersion("sc", "trust-list", 2)], versions.OrderBy(v => v.Peer));
        Assert.True(first);
        Assert.False(replayed);
        Assert.Single(await store.WithdrawalsAsync(CancellationToken.None));
        Assert.Equal((2L, "h2"), ((await store.LastTrustListVersionAsync(CancellationToken.None))!.Value.Sequence, (await store.LastTrustListVersionAsync(CancellationToken.None))!.Value.ContentHash));
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
    public async Task Sharing_a_holders_licences_by_type_a_consent_used_once_exchanges_unique_per_id_and_the_usage_log()
    {
        var (service, _) = Service();
        var demo = DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, 60);
        var issued = (await service.IssueAsync(Command(demo), RegulatorActor)).Record;
        var store = new SharingStore(Database);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        string[] business = [SampleLicenceTypes.BusinessLicence.Code.Value];
        await store.AddConsentAsync(new ConsentGrant("h1", demo.Holder.Code, business, "cq", at, at.AddMinutes(10)), CancellationToken.None);
        await store.AddConsentAsync(new ConsentGrant("h2", demo.Holder.Code, business, "cq", at.AddMinutes(-20), at.AddMinutes(-10)), CancellationToken.None);
        var exchange = new Exchange("r1", ExchangeSide.Provided, demo.Holder.Code, "cq", "w***ow", "CQ-1", "CYTB-SC-0101", "新办", business, at);

        var licences = await store.LicencesOfHolderAsync(demo.Holder.Code, business, CancellationToken.None);
        var otherType = await store.LicencesOfHolderAsync(demo.Holder.Code, [SampleLicenceTypes.FoodBusinessPermit.Code.Value], CancellationToken.None);
        var wrongProvince = await store.UseConsentAsync("h1", demo.Holder.Code, "gz", business, at, CancellationToken.None);
        var used = await store.UseConsentAsync("h1", demo.Holder.Code, "cq", business, at, CancellationToken.None);
        var again = await store.UseConsentAsync("h1", demo.Holder.Code, "cq", business, at, CancellationToken.None);
        var expired = await store.UseConsentAsync("h2", demo.Holder.Code, "cq", business, at, CancellationToken.None);
        var begun = await store.BeginExchangeAsync(exchange, CancellationToken.None);
        var replayed = await store.BeginExchangeAsync(exchange, CancellationToken.None);
        var otherSide = await store.BeginExchangeAsync(exchange with { Side = ExchangeSide.Requested }, CancellationToken.None);
        await store.FinishExchangeAsync("r1", ExchangeSide.Provided, Exchange.Fetched, [issued.Identifier], CancellationToken.None);
        var usage = await store.UsageAsync(demo.Holder.Code, 10, CancellationToken.None);

        Assert.Equal(new HeldLicence(issued.Identifier, business[0], issued.QrText), Assert.Single(licences));
        Assert.Empty(otherType);
        Assert.Equal((ConsentUse.Unknown, ConsentUse.Used, ConsentUse.AlreadyUsed, ConsentUse.Expired), (wrongProvince, used, again, expired));
        Assert.Equal((true, false, true), (begun, replayed, otherSide));
        var entry = Assert.Single(usage);
        Assert.Equal(("cq", "CQ-1", at, issued.Identifier), (entry.Province, entry.CaseNumber, entry.At, Assert.Single(entry.Licences!)));
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
        Assert.Equal(record.Identifier, entries.Single(e => e.Index == record.StatusIndex).Identifier);
        // The list's details: the licence's exact status and its last change's reason and date.
        var detail = (await store.StatusListDetailsAsync(record.StatusList, CancellationToken.None)).Single(d => d.Index == record.StatusIndex);
        Assert.Equal((record.Identifier, LicenceStatus.Revoked, "c", history[^1].At), (detail.Identifier, detail.Status, detail.Reason, detail.Since));
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
}
