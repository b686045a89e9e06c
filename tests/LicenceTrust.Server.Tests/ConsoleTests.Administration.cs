using System.Net.Http.Json;
using LicenceTrust.Core.Licences;
using LicenceTrust.Issuance;
using LicenceTrust.Samples;
using LicenceTrust.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LicenceTrust.Server.Tests;

/// <summary>The console's administration, run on each database: exports, API keys, accounts, roles, resets and the approval queue, each made by two people.</summary>
public abstract partial class ConsoleTestsOn<TFixture>
{
    [Fact]
    public async Task The_register_exports_its_filtered_list_as_CSV_with_a_formula_in_a_name_kept_as_text()
    {
        using var create = await fixture.Chongqing.Client(fixture.Chongqing.RegulatorKey).PostAsJsonAsync("/api/v1/licences", Body(955, "=HYPERLINK(\"http://x.example\")有限公司"));
        Assert.True(create.IsSuccessStatusCode, await create.Content.ReadAsStringAsync());
        var (page, _, _) = await fixture.SignInAsync("li.si");

        await page.GotoAsync("/console/licences?q=HYPERLINK");
        await Expect(page.GetByTestId("total")).ToContainTextAsync("共 1 条");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "导出 CSV" }).ClickAsync());
        var lines = (await File.ReadAllLinesAsync(await download.PathAsync())).Where(l => l.Length > 0).ToList();

        Assert.Equal(2, lines.Count);
        Assert.StartsWith("identifier,type,number,holderName", lines[0].TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Contains("\"'=HYPERLINK(\"\"http://x.example\"\")有限公司\"", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_auditor_finds_a_licence_sent_to_a_Sichuan_window_under_the_evidence_exchange_filter()
    {
        // A Sichuan window fetches a Chongqing company's licence for a case (docs/federation.md §9): Chongqing's audit holds its answer.
        await fixture.Chongqing.IssueAsync(fixture.Chongqing.RegulatorKey, SampleLicenceTypes.BusinessLicence, 961);
        var holder = DemoLicences.Create(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence, 961).Holder.Code;
        using var fetched = await fixture.Sichuan.Client(fixture.Sichuan.PartnerKey).PostAsJsonAsync("/api/v1/evidence/fetch",
            new { holderCode = holder, matter = "CYTB-SC-0101", caseNumber = "SC-CONSOLE-0961" });
        var answer = await fetched.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.True(fetched.IsSuccessStatusCode, answer.ToString());

        var (auditor, _, violations) = await fixture.SignInAsync("auditor");
        await auditor.GotoAsync("/console/admin/audit");
        await auditor.Locator("#a-event").SelectOptionAsync("sharing");
        await auditor.GetByLabel("对象（证照标识、用户名或密钥ID）").FillAsync(answer.GetProperty("requestId").GetString()!);
        await auditor.GetByRole(AriaRole.Button, new() { Name = "筛选" }).ClickAsync();
        await Expect(auditor.Locator("[data-testid=audit-log] tbody tr")).ToHaveCountAsync(1);
        await Expect(auditor.Locator("[data-testid=audit-log]")).ToContainTextAsync("向外省提供证照");
        await Expect(auditor.Locator("[data-testid=audit-log]")).ToContainTextAsync("SC-CONSOLE-0961");
        Assert.Empty(violations);
    }

    [Fact]
    public async Task A_security_administrators_API_key_is_made_only_when_a_second_approves_shown_once_to_them_revoked_checked_by_the_auditor_and_an_issuer_withdrawn_with_the_typed_fingerprint()
    {
        var (asker, _, violations) = await fixture.SignInAsync("sec.one");
        await asker.GotoAsync("/console/admin/api-keys");
        await asker.GetByLabel("名称（对方系统）").FillAsync("市场监管业务系统");
        await asker.GetByLabel("角色").SelectOptionAsync("Authority");
        await asker.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await Expect(asker.GetByTestId("asked")).ToBeVisibleAsync();
        var request = asker.Locator("[data-testid=admin-requests] tbody tr", new() { HasText = "市场监管业务系统" });
        await Expect(request.GetByTestId("own-request")).ToBeVisibleAsync();
        Assert.Equal(0, await request.GetByRole(AriaRole.Button, new() { Name = "批准" }).CountAsync());

        // The asker's crafted approval is refused by the service; a system administrator is refused the page.
        var id = await request.GetAttributeAsync("data-request");
        var token = await asker.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();
        var own = await asker.APIRequest.PostAsync("/console/admin/api-keys", new()
        {
            Form = Form(asker, ("_handler", "approve-" + id), ("confirm", "yes"), ("__RequestVerificationToken", token)),
        });
        Assert.Equal(403, own.Status);
        Assert.Contains("APPROVAL_OWN_REQUEST", await own.TextAsync(), StringComparison.Ordinal);
        var (system, _, _) = await fixture.SignInAsync("admin");
        Assert.Equal(403, (await system.GotoAsync("/console/admin/api-keys"))!.Status);

        var (approver, _, approverViolations) = await fixture.SignInAsync("sec.two");
        await approver.GotoAsync("/console/admin/api-keys");
        var pending = approver.Locator("[data-testid=admin-requests] tbody tr", new() { HasText = "市场监管业务系统" });
        await pending.GetByLabel("已核实，确认批准").CheckAsync();
        await pending.GetByRole(AriaRole.Button, new() { Name = "批准" }).ClickAsync();
        var key = await approver.GetByTestId("new-secret").InputValueAsync();
        Assert.StartsWith("lt_", key, StringComparison.Ordinal);
        await approver.ScreenshotAsync(new() { Path = Path.Combine(fixture.ScreenshotFolder, "console-api-key.png"), FullPage = true });
        var keyId = key[3..15];
        using (var response = await fixture.Chongqing.Client(key).GetAsync("/api/v1/licences"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }

        // Shown once, to the approver: the asker's pages, and any later page, have the id and never the secret.
        await asker.GotoAsync("/console/admin/api-keys");
        Assert.DoesNotContain(key[16..], await asker.ContentAsync(), StringComparison.Ordinal);
        await approver.GotoAsync("/console/admin/api-keys");
        Assert.DoesNotContain(key[16..], await approver.ContentAsync(), StringComparison.Ordinal);
        var row = asker.Locator("[data-testid=keys] tbody tr", new() { HasText = keyId });
        await row.GetByLabel("确认吊销").CheckAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "吊销" }).ClickAsync();
        await Expect(asker.GetByTestId("revoked")).ToContainTextAsync(keyId);
        using (var response = await fixture.Chongqing.Client(key).GetAsync("/api/v1/licences"))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // The auditor checks the chain and finds the key's story under both administrators' names.
        var (auditor, _, _) = await fixture.SignInAsync("auditor");
        await auditor.GotoAsync("/console/admin/audit");
        await auditor.GetByTestId("run-check").ClickAsync();
        await Expect(auditor.GetByTestId("audit-result")).ToContainTextAsync("审计链完整");
        await auditor.GetByLabel("对象（证照标识、用户名或密钥ID）").FillAsync(keyId);
        await auditor.GetByRole(AriaRole.Button, new() { Name = "筛选" }).ClickAsync();
        await Expect(auditor.Locator("[data-testid=audit-log] tbody tr")).ToHaveCountAsync(2);
        await Expect(auditor.Locator("[data-testid=audit-log]")).ToContainTextAsync("创建API密钥");
        await Expect(auditor.Locator("[data-testid=audit-log]")).ToContainTextAsync("吊销API密钥");
        var log = await fixture.Chongqing.Store.AuditOfAsync(keyId, CancellationToken.None);
        Assert.Equal([("api_key.created", "Admin:officer:sec.two"), ("api_key.revoked", "Admin:officer:sec.one")], log.Select(e => (e.Event, e.Actor)));
        var admin = asker;
        violations.AddRange(approverViolations);

        // The emergency withdrawal needs the fingerprint typed; a clerk's crafted post is refused.
        var science = SampleKeys.Of(SampleProvinces.Chongqing).Issuers.Select(i => i.Certificate).First(c => c.AuthorityCode == "11500000MB1A000443");
        await admin.GotoAsync("/console/admin/trust");
        await admin.GetByLabel("签名证书").SelectOptionAsync(science.Fingerprint);
        await admin.GetByLabel("原因（必填，最多500字）").FillAsync("签名私钥疑似泄露");
        await admin.GetByLabel("请输入所选证书指纹的前8位以确认").FillAsync("00000000");
        await admin.GetByRole(AriaRole.Button, new() { Name = "撤销信任" }).ClickAsync();
        await Expect(admin.Locator(".error")).ToHaveAttributeAsync("data-code", "CONFIRMATION_REQUIRED");
        Assert.True(await InTrustListAsync(science.Fingerprint));

        var (clerk, _, _) = await fixture.SignInAsync("li.si");
        await clerk.GotoAsync("/console/issue");
        var clerkToken = await clerk.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();
        var crafted = await clerk.APIRequest.PostAsync("/console/admin/trust", new()
        {
            Form = Form(clerk, ("_handler", "withdraw"), ("fingerprint", science.Fingerprint), ("reason", "x"), ("typed", science.Fingerprint[..8]), ("__RequestVerificationToken", clerkToken)),
        });
        Assert.Equal(403, crafted.Status);
        Assert.Contains("无权访问", await crafted.TextAsync(), StringComparison.Ordinal);
        Assert.True(await InTrustListAsync(science.Fingerprint));

        // The reason is signed into the notice the peers get: the text policy refuses a right-to-left override.
        await admin.GetByLabel("签名证书").SelectOptionAsync(science.Fingerprint);
        await admin.GetByLabel("原因（必填，最多500字）").FillAsync("签名私钥\u202E疑似泄露");
        await admin.GetByLabel("请输入所选证书指纹的前8位以确认").FillAsync(science.Fingerprint[..8]);
        await admin.GetByRole(AriaRole.Button, new() { Name = "撤销信任" }).ClickAsync();
        await Expect(admin.Locator(".error")).ToHaveAttributeAsync("data-code", "TEXT_CHARACTER_NOT_ALLOWED");
        Assert.True(await InTrustListAsync(science.Fingerprint));

        await admin.GetByLabel("签名证书").SelectOptionAsync(science.Fingerprint);
        await admin.GetByLabel("原因（必填，最多500字）").FillAsync("签名私钥疑似泄露");
        await admin.GetByLabel("请输入所选证书指纹的前8位以确认").FillAsync(science.Fingerprint[..8].ToUpperInvariant());
        await admin.GetByRole(AriaRole.Button, new() { Name = "撤销信任" }).ClickAsync();
        await Expect(admin.GetByTestId("withdrawn")).ToBeVisibleAsync();
        await Expect(admin.Locator("[data-testid=issuers] tbody tr", new() { HasText = science.Fingerprint })).ToHaveCountAsync(0);
        await Expect(admin.Locator("[data-testid=withdrawals] tbody tr", new() { HasText = science.Fingerprint })).ToContainTextAsync("签名私钥疑似泄露");
        await admin.ScreenshotAsync(new() { Path = Path.Combine(fixture.ScreenshotFolder, "console-trust.png"), FullPage = true });
        Assert.False(await InTrustListAsync(science.Fingerprint));
        Assert.Empty(violations);
    }

    [Fact]
    public async Task A_role_change_asked_by_one_administrator_takes_effect_when_another_approves_and_ends_the_officers_sessions()
    {
        var (before, _, _) = await fixture.SignInAsync("role.me");
        await Expect(before.GetByRole(AriaRole.Link, new() { Name = "签发", Exact = true })).ToBeVisibleAsync();
        var (admin, _, _) = await fixture.SignInAsync("admin");
        await admin.GotoAsync("/console/admin/officers");
        var card = admin.Locator("section", new() { HasText = "申请变更角色" });
        await card.GetByLabel("用户名").FillAsync("admin");
        await card.Locator("input[name=newRole][value=auditor]").CheckAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await Expect(admin.Locator(".error")).ToHaveAttributeAsync("data-code", "OFFICER_SELF_ROLES");

        card = admin.Locator("section", new() { HasText = "申请变更角色" });
        await card.GetByLabel("用户名").FillAsync("role.me");
        // The refused form comes back as it was sent, the auditor box still ticked.
        await card.Locator("input[name=newRole][value=auditor]").UncheckAsync();
        await card.Locator("input[name=newRole][value=approver]").CheckAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("等待另一位系统管理员复核");

        // Nothing changed yet: still a clerk, still signed in; the one who asked cannot approve.
        await before.GotoAsync("/console/licences");
        await Expect(before.GetByRole(AriaRole.Link, new() { Name = "签发", Exact = true })).ToBeVisibleAsync();
        await Expect(admin.Locator("[data-testid=admin-requests] tbody tr", new() { HasText = "role.me" }).GetByTestId("own-request")).ToBeVisibleAsync();

        var (second, _, _) = await fixture.SignInAsync("admin2");
        await second.GotoAsync("/console/admin/officers");
        var request = second.Locator("[data-testid=admin-requests] tbody tr", new() { HasText = "role.me" });
        await Expect(request).ToContainTextAsync("变更角色");
        await Expect(request).ToContainTextAsync("审核");
        await request.GetByLabel("已核实，确认批准").CheckAsync();
        await request.GetByRole(AriaRole.Button, new() { Name = "批准" }).ClickAsync();
        await Expect(second.GetByTestId("roles-changed")).ToContainTextAsync("role.me");
        await Expect(second.GetByTestId("new-secret")).ToHaveCountAsync(0);

        await Expect(second.Locator("[data-testid=officers] tbody tr", new() { HasText = "role.me" })).ToContainTextAsync("角色测试 11500000MB1A00011N 审核 启用");

        // The session from before has ended; signed in again, the officer works as an approver.
        await before.GotoAsync("/console/licences");
        await Expect(before).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/sign-in"));
        var (after, _, _) = await fixture.SignInAsync("role.me");
        await after.GotoAsync("/console/approvals");
        await Expect(after.GetByRole(AriaRole.Heading, new() { Name = "审核", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_reset_asked_by_one_administrator_and_approved_by_another_ends_the_officers_sessions_and_must_be_replaced_at_the_next_sign_in()
    {
        var (before, _, _) = await fixture.SignInAsync("reset.me");
        var (admin, _, _) = await fixture.SignInAsync("admin");
        await admin.GotoAsync("/console/admin/officers");
        var row = admin.Locator("[data-testid=officers] tbody tr", new() { HasText = "reset.me" });
        await row.GetByRole(AriaRole.Button, new() { Name = "申请重置密码" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("等待另一位系统管理员复核");

        // Nothing changed yet: the officer's session goes on.
        await before.GotoAsync("/console/licences");
        await Expect(before.GetByRole(AriaRole.Heading, new() { Name = "证照登记簿" })).ToBeVisibleAsync();

        var (second, _, _) = await fixture.SignInAsync("admin2");
        await second.GotoAsync("/console/admin/officers");
        var request = second.Locator("[data-testid=admin-requests] tbody tr", new() { HasText = "reset.me" });
        await Expect(request).ToContainTextAsync("管理员");
        await request.GetByLabel("已核实，确认批准").CheckAsync();
        await request.GetByRole(AriaRole.Button, new() { Name = "批准" }).ClickAsync();
        var temporary = await second.GetByTestId("new-secret").InputValueAsync();
        Assert.Matches("^[2-9a-zA-Z]{4}-[2-9a-zA-Z]{4}-[2-9a-zA-Z]{4}-[2-9a-zA-Z]{4}$", temporary);
        await admin.GotoAsync("/console/admin/officers");
        Assert.DoesNotContain(temporary, await admin.ContentAsync(), StringComparison.Ordinal);

        // The session from before the reset has ended.
        await before.GotoAsync("/console/licences");
        await Expect(before).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/sign-in"));

        // The new password signs in, but every page leads to choosing one's own.
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.Chongqing.BaseAddress.ToString(), Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        await ConsoleFixture.SubmitSignInAsync(page, "reset.me", temporary);
        await Expect(page.GetByTestId("must-change")).ToBeVisibleAsync();
        await page.GotoAsync("/console/licences");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/account"));

        foreach (var (weak, code) in new[] { ("aaaaaaaaaaaaaa", "PASSWORD_WEAK"), ("password2026!", "PASSWORD_WEAK"), ("reset.me.2026", "PASSWORD_WEAK"), ("short-one", "PASSWORD_TOO_SHORT"), (temporary, "PASSWORD_UNCHANGED") })
        {
            await page.GetByLabel("当前密码").FillAsync(temporary);
            await page.Locator("#f-password").FillAsync(weak);
            await page.GetByLabel("再次输入新密码").FillAsync(weak);
            await page.GetByRole(AriaRole.Button, new() { Name = "修改密码" }).ClickAsync();
            await Expect(page.Locator(".error")).ToHaveAttributeAsync("data-code", code);
        }

        await page.GetByLabel("当前密码").FillAsync(temporary);
        await page.Locator("#f-password").FillAsync("my-own-harbour-phrase");
        await page.GetByLabel("再次输入新密码").FillAsync("my-own-harbour-phrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "修改密码" }).ClickAsync();
        await Expect(page.GetByTestId("password-changed")).ToBeVisibleAsync();
        await page.GotoAsync("/console/licences");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "证照登记簿" })).ToBeVisibleAsync();

        var audit = await fixture.Chongqing.Store.AuditOfAsync("reset.me", CancellationToken.None);
        Assert.Contains(audit, e => e is { Event: "officer.password_reset", Actor: "Admin:officer:admin2" });
        Assert.Contains(audit, e => e is { Event: "officer.password_changed", EventId: AuditEvents.OfficerPasswordChanged });
    }

    [Fact]
    public async Task A_clerk_sees_no_administration_and_its_pages_answer_403_while_a_new_officer_needs_two_system_administrators()
    {
        var (clerk, _, _) = await fixture.SignInAsync("li.si");
        await Expect(clerk.GetByRole(AriaRole.Navigation, new() { Name = "主导航" }).GetByRole(AriaRole.Link, new() { Name = "管理" })).ToHaveCountAsync(0);
        foreach (var path in new[] { "/console/admin/officers", "/console/admin/api-keys", "/console/admin/trust", "/console/admin/audit", "/console/admin/audit.csv" })
        {
            var response = await clerk.GotoAsync(path);
            Assert.Equal(403, response!.Status);
            await Expect(clerk.GetByRole(AriaRole.Heading, new() { Name = "无权访问" })).ToBeVisibleAsync();
        }

        // An administrator holds no business role: the system administrator's navigation has no 签发.
        var (admin, _, _) = await fixture.SignInAsync("admin");
        var nav = admin.GetByRole(AriaRole.Navigation, new() { Name = "主导航" });
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "签发", Exact = true })).ToHaveCountAsync(0);
        await nav.GetByRole(AriaRole.Link, new() { Name = "管理" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "工作人员账户" })).ToBeVisibleAsync();
        Assert.Equal(403, (await admin.GotoAsync("/console/admin/audit"))!.Status);

        // A clerk and an administrator in one account are refused; a new approver waits for the second administrator.
        await admin.GotoAsync("/console/admin/officers");
        ILocator Create() => admin.Locator("section", new() { HasText = "申请新建账户" });
        await Create().GetByLabel("用户名").FillAsync("two.hats");
        await Create().Locator("#f-displayName").FillAsync("两顶帽子");
        await Create().GetByLabel("经办").CheckAsync();
        await Create().GetByLabel("安全管理员").CheckAsync();
        await Create().GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await Expect(admin.Locator(".error")).ToHaveAttributeAsync("data-code", "ROLES_SEPARATED");
        await Expect(admin.Locator("[data-error-for=roles]")).ToContainTextAsync("三员分立");

        await Create().GetByLabel("用户名").FillAsync("wang.approver");
        await Create().Locator("#f-displayName").FillAsync("王审核");
        await Create().GetByLabel("安全管理员").UncheckAsync();
        await Create().GetByLabel("经办").UncheckAsync();
        await Create().GetByLabel("审核").CheckAsync();
        await Create().GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("等待另一位系统管理员复核");
        Assert.DoesNotContain(await fixture.Chongqing.Store.AuditOfAsync("wang.approver", CancellationToken.None), e => e.Event == "officer.created");

        var (second, _, _) = await fixture.SignInAsync("admin2");
        await second.GotoAsync("/console/admin/officers");
        var request = second.Locator("[data-testid=admin-requests] tbody tr", new() { HasText = "wang.approver" });
        await Expect(request).ToContainTextAsync("管理员");
        await request.GetByLabel("已核实，确认批准").CheckAsync();
        await request.GetByRole(AriaRole.Button, new() { Name = "批准" }).ClickAsync();
        var first = await second.GetByTestId("new-secret").InputValueAsync();

        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.Chongqing.BaseAddress.ToString(), Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        await ConsoleFixture.SubmitSignInAsync(page, "wang.approver", first);
        await Expect(page.GetByTestId("must-change")).ToBeVisibleAsync();
        var created = await fixture.Chongqing.Store.AuditOfAsync("wang.approver", CancellationToken.None);
        Assert.Contains(created, e => e is { Event: "officer.created", Actor: "Admin:officer:admin2" } && e.Data.Contains("requested_by=admin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_queue_shows_the_oldest_request_first_25_a_page_marks_those_over_a_day_and_filters_by_maker_and_age()
    {
        // 105 drafts of the HR authority, one every 20 minutes from 40 h 10 min ago: the 49 oldest are over a day
        // (the 49th by 10 minutes), the 50th under it by 10.
        var now = DateTimeOffset.UtcNow;
        var ids = new List<long>();
        var store = fixture.Chongqing.Store;
        for (var i = 0; i < 105; i++)
        {
            var licence = DemoLicences.Create(SampleProvinces.Chongqing, SampleLicenceTypes.ProfessionalQualification, 700 + i);
            var command = IssueCommand.For(licence) with { IssueDate = null, Name = null, AuthorityName = null };
            var draft = new ApprovalRequest(0, ApprovalKind.Issue, ConsoleFixture.Hr.Code.Value, null, command, null, $"queue-{i}", "hr.maker", now - TimeSpan.FromMinutes(2410 - (i * 20)));
            ids.Add((await store.InTransactionAsync(unit => unit.InsertApprovalAsync(draft), CancellationToken.None)).Id);
        }

        string Id(int i) => ids[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (checker, _, _) = await fixture.SignInAsync("hr.checker");
        await checker.GotoAsync("/console/approvals");
        var rows = checker.Locator("[data-testid=requests] tbody tr");
        await Expect(checker.GetByTestId("queue-total")).ToHaveTextAsync("共 105 条，第 1 页（每页 25 条）");
        Assert.Equal(ids.Take(25).Select((_, i) => $"第 {Id(i)} 号"), await rows.Locator("td:first-child").AllInnerTextsAsync());
        await Expect(rows.First.GetByRole(AriaRole.Link)).ToHaveAccessibleNameAsync($"查看第 {Id(0)} 号申请");
        await Expect(checker).ToHaveTitleAsync("审核 — 电子证照签发管理");
        await Expect(rows.First).ToContainTextAsync("人社录入");
        await Expect(checker.GetByTestId("overdue")).ToHaveCountAsync(25);

        await checker.GetByTestId("next-page").ClickAsync();
        await Expect(checker.GetByTestId("queue-total")).ToHaveTextAsync("共 105 条，第 2 页（每页 25 条）");
        await Expect(checker.GetByTestId("overdue")).ToHaveCountAsync(24);
        await Expect(rows.Nth(23).GetByTestId("overdue")).ToHaveTextAsync("超时");
        await Expect(rows.Nth(24).GetByTestId("overdue")).ToHaveCountAsync(0);
        for (var page = 3; page <= 5; page++)
        {
            await checker.GetByTestId("next-page").ClickAsync();
            await Expect(checker.GetByTestId("queue-total")).ToHaveTextAsync($"共 105 条，第 {page} 页（每页 25 条）");
        }

        await Expect(rows).ToHaveCountAsync(5);
        await Expect(rows.Last).ToHaveAttributeAsync("data-request", Id(104));
        await Expect(checker.GetByTestId("next-page")).ToHaveCountAsync(0);

        await checker.GotoAsync("/console/approvals");
        await checker.GetByLabel("等待时间").SelectOptionAsync("1d");
        await checker.GetByRole(AriaRole.Button, new() { Name = "筛选" }).ClickAsync();
        await Expect(checker.GetByTestId("queue-total")).ToHaveTextAsync("共 49 条，第 1 页（每页 25 条）");
        await checker.GetByLabel("排序").SelectOptionAsync("newest");
        await checker.GetByLabel("提交人（用户名）").FillAsync("HR.MAKER");
        await checker.GetByRole(AriaRole.Button, new() { Name = "筛选" }).ClickAsync();
        await Expect(rows.First).ToHaveAttributeAsync("data-request", Id(48));
        await checker.GetByLabel("提交人（用户名）").FillAsync("li.si");
        await checker.GetByRole(AriaRole.Button, new() { Name = "筛选" }).ClickAsync();
        await Expect(checker.GetByTestId("empty")).ToBeVisibleAsync();

        // A request shows who made it by name; the Regulator's approver sees none of these.
        await checker.GotoAsync($"/console/approvals/{ids[0]}");
        await Expect(checker.GetByTestId("maker")).ToContainTextAsync("人社录入");
        var (other, _, _) = await fixture.SignInAsync("zhao.liu");
        await other.GotoAsync("/console/approvals?maker=hr.maker");
        await Expect(other.GetByTestId("empty")).ToBeVisibleAsync();
    }

    /// <summary>Whether Chongqing's published trust list (its JSON view) still holds the certificate.</summary>
    private async Task<bool> InTrustListAsync(string fingerprint)
    {
        using var client = fixture.Chongqing.Client();
        client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        return (await client.GetStringAsync("/api/v1/trust-list")).Contains(fingerprint, StringComparison.Ordinal);
    }
}
