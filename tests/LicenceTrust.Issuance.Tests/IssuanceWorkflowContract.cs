using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

using LicenceTrust.Storage;

namespace LicenceTrust.Issuance.Tests;

/// <summary>
/// The issuing workflow on a real database: one live number per type, restores, maker–checker, the approval
/// queue, supersession, the batch pipeline and batch jobs, administrators' requests, the text policy and the
/// auditor's view. Run once per database by the subclasses in <c>WorkflowDatabases.cs</c>.
/// </summary>
public abstract partial class IssuanceWorkflowContract : IssuanceDatabaseTest
{
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
}
