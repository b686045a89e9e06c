using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Issuance;
using LicenceTrust.Samples;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LicenceTrust.Server.Tests;

/// <summary>The console's browser tests with Chongqing on SQLite.</summary>
public sealed class ConsoleTests(ConsoleFixture fixture) : ConsoleTestsOn<ConsoleFixture>(fixture);

/// <summary>The same tests with Chongqing on PostgreSQL: every page and action as a province deploys it.</summary>
public sealed class PostgresConsoleTests(PostgresConsoleFixture fixture) : ConsoleTestsOn<PostgresConsoleFixture>(fixture);

/// <summary>What issuing authorities' officers do in the console, end to end in a real browser, on the fixture's database.</summary>
public abstract partial class ConsoleTestsOn<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ConsoleFixture
{
    private static readonly LocatorAssertionsToHaveTextOptions Wait = new() { Timeout = 30_000 };

    [Fact]
    public async Task A_clerks_draft_is_signed_only_when_another_officer_approves_it_and_then_verifies_VALID_at_Sichuans_staff_page()
    {
        var (clerk, requests, violations) = await fixture.SignInAsync("li.si");
        await clerk.GetByRole(AriaRole.Link, new() { Name = "签发", Exact = true }).ClickAsync();
        await clerk.GetByLabel("证照编号").FillAsync("91500103MA5U0C0N1X");
        // Leaving the number: the form's first problem is the holder name, not reached yet, so nothing is flagged.
        await clerk.RunAndWaitForResponseAsync(() => clerk.GetByLabel("有效期起始").FillAsync("2026-01-01"), r => r.Url.EndsWith("/console/issue/check", StringComparison.Ordinal));
        await Expect(clerk.Locator("[data-error-for=holderName]")).ToBeEmptyAsync();
        await Expect(clerk.Locator("[aria-invalid=true]")).ToHaveCountAsync(0);
        await clerk.GetByLabel("持证主体名称").FillAsync("重庆控制台示例有限公司");
        await clerk.Locator("#f-holderCode").FillAsync("91500103MA5U0C0N1X");
        // Live validation: the server's GB 32100 check answers as the officer leaves the field.
        await clerk.Locator("#f-holderCode").FillAsync("91500103MA5U0C0N1Y");
        await clerk.GetByLabel("行政区划代码").FillAsync("500103");
        await Expect(clerk.Locator("[data-error-for=holderCode]")).Not.ToBeEmptyAsync();
        await clerk.Locator("#f-holderCode").FillAsync("91500103MA5U0C0N1X");
        await clerk.GetByLabel("有效期起始").FillAsync("2026-01-01");
        await clerk.Locator("#f-attr-entityType").FillAsync("有限责任公司");
        await clerk.GetByLabel("法定代表人").FillAsync("王控制");
        await Expect(clerk.Locator("[data-error-for=holderCode]")).ToBeEmptyAsync();
        await clerk.ScreenshotAsync(new() { Path = Path.Combine(fixture.ScreenshotFolder, "console-issue-form.png"), FullPage = true });
        await clerk.GetByRole(AriaRole.Button, new() { Name = "预览" }).ClickAsync();
        await Expect(clerk.Locator("[data-testid=preview]")).ToContainTextAsync("重庆控制台示例有限公司");
        // The area code with its GB/T 2260 name beside it, marked as Chinese.
        await Expect(clerk.Locator("[data-testid=preview] .region[lang=zh-CN]")).ToHaveTextAsync("重庆市渝中区");
        await clerk.ScreenshotAsync(new() { Path = Path.Combine(fixture.ScreenshotFolder, "console-preview.png"), FullPage = true });
        await clerk.GetByRole(AriaRole.Button, new() { Name = "提交审核" }).ClickAsync();
        await Expect(clerk.Locator("[data-testid=submitted]")).ToBeVisibleAsync();
        var draftUrl = clerk.Url.Split('?')[0];

        // A draft is not signed: the register does not hold it, and the clerk may not approve it.
        await Expect(clerk.Locator("[data-testid=not-yours]")).ToBeVisibleAsync();
        var register = await fixture.Chongqing.Client(fixture.Chongqing.RegulatorKey).GetStringAsync("/api/v1/licences?pageSize=200");
        Assert.DoesNotContain("重庆控制台示例有限公司", register, StringComparison.Ordinal);

        var (approver, _, _) = await fixture.SignInAsync("zhao.liu");
        await approver.GotoAsync(draftUrl);
        Assert.DoesNotContain("}", await approver.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await approver.ScreenshotAsync(new() { Path = Path.Combine(fixture.ScreenshotFolder, "console-approval.png"), FullPage = true });
        await approver.GetByLabel("已核对，确认批准").CheckAsync();
        await approver.GetByTestId("approve").ClickAsync();
        await Expect(approver.GetByTestId("status")).ToHaveTextAsync("有效");
        await Expect(approver.GetByTestId("no-actions")).ToBeVisibleAsync();
        await approver.ScreenshotAsync(new() { Path = Path.Combine(fixture.ScreenshotFolder, "console-licence.png"), FullPage = true });
        var qrText = await approver.GetByTestId("qr-text").InputValueAsync();
        Assert.StartsWith("LT2:", qrText, StringComparison.Ordinal); // what nodes issue (docs/format.md §12)

        // The QR downloads and the print view work for the signed-in officer.
        var png = await approver.APIRequest.GetAsync(approver.Url.Split('?')[0] + "/qr.png");
        Assert.Equal(200, png.Status);
        var print = await approver.APIRequest.GetAsync(approver.Url.Split('?')[0] + "/print");
        Assert.Contains("重庆控制台示例有限公司", await print.TextAsync(), StringComparison.Ordinal);

        // Sichuan's counter staff scan (paste) it: VALID, once Sichuan holds Chongqing's list.
        var staff = await approver.Context.NewPageAsync();
        await staff.GotoAsync(fixture.Sichuan.BaseAddress.ToString());
        await staff.FillAsync("#qr-text", qrText);
        await staff.Keyboard.PressAsync("Enter");
        await Expect(staff.Locator("#verdict")).ToHaveTextAsync("有效", Wait);

        Assert.All(requests, url => Assert.StartsWith(fixture.Chongqing.BaseAddress.ToString(), url, StringComparison.Ordinal));
        Assert.Empty(violations);
    }

    [Fact]
    public async Task The_issue_form_offers_the_types_the_authority_may_sign_follows_their_catalogue_entries_and_checks_patterns_on_preview()
    {
        // The science authority signs work permits: their category is a choice from the catalogue's enumeration.
        var (science, _, scienceViolations) = await fixture.SignInAsync("sci.clerk");
        await science.GotoAsync("/console/issue");
        Assert.Equal(["外国人工作许可证"], await science.Locator("#type-choice option").AllTextContentsAsync());
        var category = science.Locator("#f-attr-category");
        Assert.Equal("SELECT", await category.EvaluateAsync<string>("e => e.tagName"));
        Assert.Equal(["—", "A", "B", "C"], await category.Locator("option").AllTextContentsAsync());
        Assert.Empty(scienceViolations);

        // The market regulator is offered its two types only (its certificates allow no others), whatever the URL asks for.
        var (clerk, _, violations) = await fixture.SignInAsync("li.si");
        await clerk.GotoAsync($"/console/issue?type={SampleLicenceTypes.ForeignerWorkPermit.Code.Value}");
        Assert.Equal(["营业执照", "食品经营许可证"], await clerk.Locator("#type-choice option").AllTextContentsAsync());
        Assert.Equal(0, await clerk.Locator("#f-attr-category").CountAsync());

        await clerk.GotoAsync("/console/issue");
        await clerk.GetByLabel("证照编号").FillAsync("91500103MA5U0C0N1X");
        await clerk.GetByLabel("持证主体名称").FillAsync("重庆格式示例有限公司");
        await clerk.Locator("#f-holderCode").FillAsync("91500103MA5U0C0N1X");
        await clerk.GetByLabel("行政区划代码").FillAsync("500103");
        await clerk.GetByLabel("有效期起始").FillAsync("2026-01-01");
        await clerk.Locator("#f-attr-entityType").FillAsync("有限责任公司");
        await clerk.GetByLabel("法定代表人").FillAsync("王格式");
        await clerk.GetByLabel("注册资本").FillAsync("five million");
        await clerk.GetByRole(AriaRole.Button, new() { Name = "预览" }).ClickAsync();

        await Expect(clerk.Locator("[data-error-for='attr.capital']")).ToContainTextAsync("格式");
        await Expect(clerk.Locator("[data-testid=preview]")).ToHaveCountAsync(0);
        Assert.Empty(violations);
    }

    [Fact]
    public async Task A_revocation_request_changes_nothing_until_another_approver_approves_it_then_Sichuan_sees_REVOKED()
    {
        var issued = await fixture.Chongqing.IssueAsync(fixture.Chongqing.RegulatorKey, SampleLicenceTypes.BusinessLicence, 951);
        var identifier = issued.GetProperty("identifier").GetString()!;
        var qrText = issued.GetProperty("qrText").GetString()!;
        await WaitForAsync(async () => (await fixture.VerifyAtSichuanAsync(qrText)).GetProperty("result").GetProperty("verdict").GetString() == "VALID");

        var (clerk, _, _) = await fixture.SignInAsync("chen.qi");
        await clerk.GotoAsync($"/console/licences/{identifier}");
        var revoke = clerk.GetByTestId("action-revoke");
        await revoke.GetByLabel("原因").SelectOptionAsync(new SelectOptionValue { Label = "违法经营" });
        await revoke.GetByLabel("补充说明").FillAsync("经查实无照经营");
        // The box restating the consequence must be ticked (the browser holds the form back; the server checks it too).
        await Expect(revoke.GetByLabel("我已知晓上述后果")).ToHaveAttributeAsync("required", string.Empty);
        await clerk.GetByTestId("action-revoke").GetByLabel("我已知晓上述后果").CheckAsync();
        await clerk.GetByTestId("action-revoke").GetByRole(AriaRole.Button, new() { Name = "申请吊销" }).ClickAsync();
        await Expect(clerk.GetByTestId("pending")).ToBeVisibleAsync();
        await Expect(clerk.GetByTestId("status")).ToHaveTextAsync("有效");
        Assert.Equal("VALID", (await fixture.VerifyAtSichuanAsync(qrText)).GetProperty("result").GetProperty("verdict").GetString());

        // The maker, an approver too, cannot approve their own request: the page offers no button, and a crafted post is refused by the service.
        await clerk.GetByTestId("pending").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(clerk.GetByTestId("not-yours")).ToBeVisibleAsync();
        var token = await clerk.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();
        var crafted = await clerk.APIRequest.PostAsync(clerk.Url, new() { Form = Form(clerk, ("_handler", "approve"), ("confirm", "yes"), ("__RequestVerificationToken", token)) });
        Assert.Equal(403, crafted.Status);
        Assert.Contains("APPROVAL_OWN_REQUEST", await crafted.TextAsync(), StringComparison.Ordinal);

        var (approver, _, _) = await fixture.SignInAsync("zhao.liu");
        await approver.GotoAsync(clerk.Url);
        await approver.GetByLabel("已核对，确认批准").CheckAsync();
        await approver.GetByTestId("approve").ClickAsync();
        await Expect(approver.GetByTestId("status")).ToHaveTextAsync("已吊销");
        await Expect(approver.GetByTestId("history")).ToContainTextAsync("违法经营：经查实无照经营");
        await Expect(approver.GetByTestId("audit")).ToContainTextAsync("approval.approved");
        await Expect(approver.GetByTestId("chain")).ToHaveClassAsync("ok");

        await WaitForAsync(async () => (await fixture.VerifyAtSichuanAsync(qrText)) is var v
            && v.GetProperty("result").GetProperty("verdict").GetString() == "INVALID" && v.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString() == "REVOKED");
    }

    [Fact]
    public async Task A_new_version_starts_from_the_licence_waits_for_approval_and_then_the_old_one_is_INVALID_in_both_provinces()
    {
        var issued = await fixture.Chongqing.IssueAsync(fixture.Chongqing.RegulatorKey, SampleLicenceTypes.BusinessLicence, 956);
        var identifier = issued.GetProperty("identifier").GetString()!;
        var qrText = issued.GetProperty("qrText").GetString()!;
        var holder = issued.GetProperty("licence").GetProperty("holder").GetProperty("name").GetString()!;

        var (clerk, _, _) = await fixture.SignInAsync("li.si");
        await clerk.GotoAsync($"/console/licences/{identifier}");
        await clerk.GetByTestId("supersede").ClickAsync();
        await Expect(clerk.GetByTestId("supersede-note")).ToContainTextAsync(identifier);
        await Expect(clerk.GetByLabel("持证主体名称")).ToHaveValueAsync(holder);
        await Expect(clerk.GetByLabel("行政区划代码")).ToHaveValueAsync(issued.GetProperty("licence").GetProperty("areaCode").GetString()!);
        await clerk.GetByLabel("持证主体名称").FillAsync("重庆换发示例有限公司");
        await clerk.GetByLabel("变更原因").FillAsync("企业名称变更");
        await clerk.GetByRole(AriaRole.Button, new() { Name = "预览" }).ClickAsync();
        await Expect(clerk.GetByTestId("preview")).ToContainTextAsync("重庆换发示例有限公司");
        await clerk.GetByRole(AriaRole.Button, new() { Name = "提交审核" }).ClickAsync();
        await Expect(clerk.GetByTestId("submitted")).ToBeVisibleAsync();
        Assert.Equal("VALID", (await fixture.VerifyAtSichuanAsync(qrText)).GetProperty("result").GetProperty("verdict").GetString());

        var (approver, _, _) = await fixture.SignInAsync("zhao.liu");
        await approver.GotoAsync(clerk.Url.Split('?')[0]);
        await approver.GetByLabel("已核对，确认批准").CheckAsync();
        await approver.GetByTestId("approve").ClickAsync();
        await Expect(approver.GetByTestId("identifier")).Not.ToHaveTextAsync(identifier);
        await Expect(approver.Locator("a", new() { HasText = identifier })).ToBeVisibleAsync();
        await approver.GotoAsync($"/console/licences/{identifier}");
        await Expect(approver.GetByTestId("status")).ToHaveTextAsync("已变更换发");
        await Expect(approver.GetByTestId("history")).ToContainTextAsync("企业名称变更");

        // Chongqing answers SUPERSEDED; Sichuan reads Chongqing's 2-bit status list, where every final status is REVOKED (docs/federation.md §4).
        using (var own = fixture.Chongqing.Client())
        {
            var verdict = JsonDocument.Parse(await (await own.PostAsJsonAsync("/api/v1/verify", new { qrText })).Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("SUPERSEDED", verdict.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
        }

        await WaitForAsync(async () => (await fixture.VerifyAtSichuanAsync(qrText)).GetProperty("result").GetProperty("verdict").GetString() == "INVALID");
    }

    [Fact]
    public async Task An_officer_of_another_authority_cannot_see_or_change_a_licence_by_the_ui_a_crafted_post_or_the_url()
    {
        var issued = await fixture.Chongqing.IssueAsync(fixture.Chongqing.RegulatorKey, SampleLicenceTypes.BusinessLicence, 952);
        var identifier = issued.GetProperty("identifier").GetString()!;
        var (other, _, _) = await fixture.SignInAsync("hr.clerk");

        await other.GotoAsync($"/console/licences?q={Uri.EscapeDataString(issued.GetProperty("licence").GetProperty("number").GetString()!)}");
        await Expect(other.GetByTestId("total")).ToContainTextAsync("共 0 条");

        var response = await other.GotoAsync($"/console/licences/{identifier}");
        Assert.Equal(403, response!.Status);
        await Expect(other.Locator(".error")).ToHaveAttributeAsync("data-code", "LICENCE_OF_ANOTHER_AUTHORITY");
        Assert.Equal(403, (await other.APIRequest.GetAsync($"/console/licences/{identifier}/qr.png")).Status);

        await other.GotoAsync("/console/issue");
        var token = await other.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();
        var crafted = await other.APIRequest.PostAsync($"/console/licences/{identifier}", new()
        {
            Form = Form(other, ("_handler", "suspend"), ("reasonChoice", "其他"), ("confirm", "yes"), ("__RequestVerificationToken", token)),
        });
        Assert.Equal(403, crafted.Status);
        var status = await fixture.Chongqing.Client().GetFromJsonAsync<JsonElement>($"/api/v1/licences/{identifier}/status");
        Assert.Equal("VALID", status.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_number_already_live_is_refused_by_the_API_the_issue_form_and_a_batch_file_with_one_code_and_a_repeated_row_names_its_first_line()
    {
        var demo = DemoLicences.Create(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence, 4100);
        await fixture.Chongqing.IssueAsync(fixture.Chongqing.RegulatorKey, SampleLicenceTypes.BusinessLicence, 4100);
        using (var api = fixture.Chongqing.Client(fixture.Chongqing.RegulatorKey))
        using (var again = await api.PostAsJsonAsync("/api/v1/licences", NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 4100)))
        {
            var problem = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal((409, "LICENCE_NUMBER_LIVE"), ((int)again.StatusCode, problem.GetProperty("code").GetString()));
        }

        var (clerk, _, _) = await fixture.SignInAsync("li.si");
        await clerk.GotoAsync("/console/issue");
        await clerk.GetByLabel("证照编号").FillAsync(demo.Number);
        await clerk.GetByLabel("持证主体名称").FillAsync("重复编号测试有限公司");
        await clerk.Locator("#f-holderCode").FillAsync(demo.Holder.Code);
        await clerk.GetByLabel("行政区划代码").FillAsync("500103");
        await clerk.GetByLabel("有效期起始").FillAsync("2026-01-01");
        await clerk.Locator("#f-attr-entityType").FillAsync("有限责任公司");
        await clerk.GetByLabel("法定代表人").FillAsync("张重复");
        await clerk.GetByRole(AriaRole.Button, new() { Name = "预览" }).ClickAsync();
        await clerk.GetByRole(AriaRole.Button, new() { Name = "提交审核" }).ClickAsync();
        await Expect(clerk.Locator(".error")).ToHaveAttributeAsync("data-code", "LICENCE_NUMBER_LIVE");
        await Expect(clerk.Locator(".error")).ToContainTextAsync("变更换发");

        // A file with the live number (line 2), a new one (line 3) and line 3 again (line 4).
        var csv = Path.Combine(Path.GetTempPath(), $"lt-repeat-{Guid.NewGuid():N}.csv");
        Assert.Equal(0, (await Programs.RunAsync(Programs.Cli, $"demo csv --count 2 --from 4100 --out {csv}")).Code);
        var lines = await File.ReadAllLinesAsync(csv);
        await File.WriteAllLinesAsync(csv, [.. lines, lines[2]]);
        await clerk.GotoAsync("/console/batches");
        await clerk.Locator("#batch-file").SetInputFilesAsync(csv);
        await clerk.GetByRole(AriaRole.Button, new() { Name = "上传并检查" }).ClickAsync();
        await Expect(clerk.Locator("[data-testid=rows]")).ToContainTextAsync("共 3 行，其中 2 行有问题不签发，1 行待签发");
        var refused = (await clerk.Locator("[data-testid=errors] tbody tr").AllInnerTextsAsync()).Select(r => r.Split('\t')).ToList();
        Assert.Equal([("2", "LICENCE_NUMBER_LIVE"), ("4", "LICENCE_NUMBER_REPEATED")], refused.Select(c => (c[0], c[2])));
        Assert.Contains("第3行", refused[1][3], StringComparison.Ordinal);
        var batch = clerk.Url;
        var request = (await clerk.Locator("a[href^='/console/approvals/']").GetAttributeAsync("href"))!;

        // The approver sees the one row to be signed (line 3), searchable and as a no-store file, on this database.
        var (approver, _, _) = await fixture.SignInAsync("zhao.liu");
        await approver.GotoAsync(request);
        await Expect(approver.GetByTestId("rows-total")).ToHaveTextAsync("共 1 行，第 1 页");
        var row = await approver.Locator("[data-testid=batch-rows] tbody tr").InnerTextAsync();
        Assert.StartsWith("3\t", row, StringComparison.Ordinal);
        await approver.Locator("#rows-q").FillAsync("没有这个名称");
        await approver.GetByRole(AriaRole.Button, new() { Name = "搜索" }).ClickAsync();
        await Expect(approver.GetByTestId("rows-total")).ToHaveTextAsync("共 0 行，第 1 页");
        var download = await approver.APIRequest.GetAsync(batch + "/rows.csv");
        var rows = (await download.TextAsync()).TrimStart('\uFEFF').Trim().Split('\n');
        Assert.Equal(2, rows.Length);
        Assert.StartsWith("3,", rows[1], StringComparison.Ordinal);
        Assert.Contains("no-store", download.Headers["cache-control"], StringComparison.Ordinal);
        File.Delete(csv);
    }

    private static Dictionary<string, object?> Body(int sequence, string holderName)
    {
        var body = NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, sequence);
        ((Dictionary<string, object?>)body["holder"]!)["name"] = holderName;
        return body;
    }

    private static IFormData Form(IPage page, params (string Name, string Value)[] fields)
    {
        var form = page.APIRequest.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }

        return form;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(200);
        }
    }
}
