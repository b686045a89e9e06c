using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Issuance;
using LicenceTrust.Samples;
using LicenceTrust.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The authority console on a Chongqing node federated with a Sichuan node (each on its own SQLite,
/// real HTTP), officers of two Chongqing authorities, and Playwright driving Debian's headless Chromium.
/// <see cref="PostgresConsoleFixture"/> runs Chongqing on PostgreSQL instead, as a province deploys it.
/// </summary>
public class ConsoleFixture : IAsyncLifetime
{
    public const string Password = "officer-password-2026";

    public static readonly SampleAuthority Regulator = SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence);
    public static readonly SampleAuthority Hr = SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.ProfessionalQualification);
    public static readonly SampleAuthority Science = SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.ForeignerWorkPermit);

    public NodeProcess Chongqing { get; private set; } = null!;

    public NodeProcess Sichuan { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public static string Screenshots => Path.Combine(RepositoryPaths.Root, "artifacts", "ui");

    /// <summary>Where this fixture's screenshots go: artifacts/ui on SQLite (docs/ui.md uses them), a folder of their own on PostgreSQL.</summary>
    public virtual string ScreenshotFolder => Screenshots;

    /// <summary>Chongqing's PostgreSQL database, or null for its SQLite file.</summary>
    protected virtual string? ChongqingPostgres => null;

    public async Task InitializeAsync()
    {
        // Ten wrong passwords in a row lock the account, with no backoff before (so the test need not wait).
        // Every sign-in of the tests comes from 127.0.0.1: the per-address sign-in bucket is widened so that only
        // the per-account rules are tested here (SignInAbuseTests test the bucket on the console's form).
        string[] settings = ["--Node:SignInFreeFailures=10", "--Node:SignInLockoutAfter=10", "--Node:SignInBurst=10000"];
        (Chongqing, Sichuan) = ChongqingPostgres is { } postgres
            ? await NodeProcess.FederatedOnPostgresAsync(postgres, settings)
            : await NodeProcess.FederatedAsync(settings);

        // Officers are made the way an operator makes the first one: with the CLI, the password on standard input.
        foreach (var (username, name, authority, roles) in new[]
        {
            ("li.si", "李四", Regulator.Code.Value, "clerk"), ("zhao.liu", "赵六", Regulator.Code.Value, "approver"),
            ("chen.qi", "陈七", Regulator.Code.Value, "clerk,approver"), ("hr.clerk", "人社经办", Hr.Code.Value, "clerk,approver"), ("sci.clerk", "科技经办", Science.Code.Value, "clerk"),
            ("lock.me", "锁定测试", Regulator.Code.Value, "clerk"), ("admin", "管理员", Regulator.Code.Value, "sysadmin"),
            ("admin2", "系统管理员二", Regulator.Code.Value, "sysadmin"), ("sec.one", "安全管理员一", Regulator.Code.Value, "security"),
            ("sec.two", "安全管理员二", Regulator.Code.Value, "security"), ("auditor", "审计员", Regulator.Code.Value, "auditor"),
            ("sess.one", "会话测试", Regulator.Code.Value, "clerk"), ("reset.me", "重置测试", Regulator.Code.Value, "clerk"), ("role.me", "角色测试", Regulator.Code.Value, "clerk"),
            ("hr.maker", "人社录入", Hr.Code.Value, "clerk"), ("hr.checker", "人社审核", Hr.Code.Value, "approver"),
        })
        {
            // The first with the CLI as an operator does; the rest through the same service, without a process each.
            await (username == "li.si" ? Chongqing.CreateOfficerAsync(username, name, authority, roles, Password) : Chongqing.CreateOfficerDirectlyAsync(username, name, authority, roles, Password));
        }

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox"] });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await Chongqing.DisposeAsync();
        await Sichuan.DisposeAsync();
    }

    /// <summary>A fresh browser context (its own cookies) signed in as the officer; every request it makes is recorded.</summary>
    public async Task<(IPage Page, List<string> Requests, List<string> Violations)> SignInAsync(string username, int width = 1280)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = Chongqing.BaseAddress.ToString(), Locale = "zh-CN", ViewportSize = new() { Width = width, Height = 900 } });
        var page = await context.NewPageAsync();
        var requests = new List<string>();
        var violations = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(message.Text);
            }
        };
        await SignInAsync(page, username, Password);
        return (page, requests, violations);
    }

    /// <summary>Signs in on a new page of the context, through the sign-in form as an officer does.</summary>
    public static async Task<IPage> SignInAsync(IBrowserContext context, string username, string password)
    {
        var page = await context.NewPageAsync();
        await SignInAsync(page, username, password);
        return page;
    }

    private static async Task SignInAsync(IPage page, string username, string password)
    {
        await SubmitSignInAsync(page, username, password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "概览" })).ToBeVisibleAsync();
    }

    /// <summary>Opens the console signed out and submits the sign-in form; where it lands is the caller's to check.</summary>
    public static async Task SubmitSignInAsync(IPage page, string username, string password)
    {
        await page.GotoAsync("/console");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/sign-in"));
        await page.GetByLabel("用户名").FillAsync(username);
        await page.GetByLabel("密码", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
    }

    /// <summary>
    /// Fills the issue form with a 营业执照 of <paramref name="number"/> (a credit code, also the holder's) and
    /// submits it for approval, as a clerk does; returns the draft's path.
    /// </summary>
    public static async Task<string> SubmitBusinessLicenceDraftAsync(IPage clerk, string number, string holderName, string legalRep)
    {
        await clerk.GotoAsync("/console/issue");
        await clerk.GetByLabel("证照编号").FillAsync(number);
        await clerk.GetByLabel("持证主体名称").FillAsync(holderName);
        await clerk.Locator("#f-holderCode").FillAsync(number);
        await clerk.GetByLabel("行政区划代码").FillAsync("500103");
        await clerk.GetByLabel("有效期起始").FillAsync("2026-01-01");
        await clerk.Locator("#f-attr-entityType").FillAsync("有限责任公司");
        await clerk.GetByLabel("法定代表人").FillAsync(legalRep);
        await clerk.GetByRole(AriaRole.Button, new() { Name = "预览" }).ClickAsync();
        await clerk.GetByRole(AriaRole.Button, new() { Name = "提交审核" }).ClickAsync();
        await Expect(clerk.Locator("[data-testid=submitted]")).ToBeVisibleAsync();
        return new Uri(clerk.Url).AbsolutePath;
    }

    /// <summary>Approves the draft at <paramref name="draftUrl"/> (absolute: another replica's) and returns the signed licence's QR text.</summary>
    public static async Task<string> ApproveAsync(IPage approver, string draftUrl)
    {
        await approver.GotoAsync(draftUrl);
        await approver.GetByLabel("已核对，确认批准").CheckAsync();
        await approver.GetByTestId("approve").ClickAsync();
        await Expect(approver.GetByTestId("status")).ToHaveTextAsync("有效");
        return await approver.GetByTestId("qr-text").InputValueAsync();
    }

    /// <summary>Sichuan's verdict on a credential, through its API.</summary>
    public async Task<JsonElement> VerifyAtSichuanAsync(string qrText)
    {
        using var response = await Sichuan.Client().PostAsJsonAsync("/api/v1/verify", new { qrText });
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}

/// <summary>The console fixture with Chongqing on a PostgreSQL database of its own (the shared test server).</summary>
public sealed class PostgresConsoleFixture : ConsoleFixture
{
    private readonly string _database = PostgresServer.CreateDatabase();

    public override string ScreenshotFolder => Path.Combine(Screenshots, "postgres");

    protected override string? ChongqingPostgres => _database;
}

/// <summary>The console's browser tests with Chongqing on SQLite.</summary>
public sealed class ConsoleTests(ConsoleFixture fixture) : ConsoleTestsOn<ConsoleFixture>(fixture);

/// <summary>The same tests with Chongqing on PostgreSQL: every page and action as a province deploys it.</summary>
public sealed class PostgresConsoleTests(PostgresConsoleFixture fixture) : ConsoleTestsOn<PostgresConsoleFixture>(fixture);

/// <summary>What issuing authorities' officers do in the console, end to end in a real browser, on the fixture's database.</summary>
public abstract class ConsoleTestsOn<TFixture>(TFixture fixture) : IClassFixture<TFixture>
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
    public async Task A_cross_site_form_post_with_the_officers_cookie_is_refused()
    {
        var issued = await fixture.Chongqing.IssueAsync(fixture.Chongqing.RegulatorKey, SampleLicenceTypes.BusinessLicence, 953);
        var identifier = issued.GetProperty("identifier").GetString()!;
        var (clerk, _, _) = await fixture.SignInAsync("li.si");

        // What a forged form on another site sends: the cookie rides along (were SameSite not there), no antiforgery token.
        var forged = await clerk.APIRequest.PostAsync($"/console/licences/{identifier}", new()
        {
            Form = Form(clerk, ("_handler", "suspend"), ("reasonChoice", "其他"), ("confirm", "yes")),
            Headers = new Dictionary<string, string> { ["Origin"] = "https://evil.example" },
        });

        Assert.Equal(400, forged.Status);
        Assert.Contains("页面已失效", await forged.TextAsync(), StringComparison.Ordinal);
        var status = await fixture.Chongqing.Client().GetFromJsonAsync<JsonElement>($"/api/v1/licences/{identifier}/status");
        Assert.Equal("VALID", status.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_post_over_the_size_limit_or_with_a_NUL_character_gets_a_page_in_Chinese_and_stores_nothing()
    {
        var (clerk, _, _) = await fixture.SignInAsync("li.si");
        await clerk.GotoAsync("/console/issue");
        var token = await clerk.Locator("#issue-form input[name=__RequestVerificationToken]").InputValueAsync();
        var before = (await fixture.Chongqing.Store.AuditLogAsync(CancellationToken.None)).Count;
        (string, string)[] Fields(string holderName) =>
        [
            ("_handler", "issue"), ("__RequestVerificationToken", token), ("typeCode", SampleLicenceTypes.BusinessLicence.Code.Value),
            ("number", "91500103MA60000001"), ("holderName", holderName), ("areaCode", "500103"), ("validFrom", "2026-01-01"),
        ];

        // Encoded by hand: %00 as a crafted post sends it.
        var nul = await clerk.APIRequest.PostAsync("/console/issue", new()
        {
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/x-www-form-urlencoded" },
            Data = string.Join('&', Fields("重庆\0有限公司").Select(f => f.Item1 + "=" + Uri.EscapeDataString(f.Item2))),
        });
        var large = await clerk.APIRequest.PostAsync("/console/issue", new() { Form = Form(clerk, Fields(new string('甲', 30_000))) });
        var nowhere = await clerk.APIRequest.GetAsync("/console/no-such-page");

        Assert.Equal(413, large.Status);
        Assert.Contains("提交的内容过大", await large.TextAsync(), StringComparison.Ordinal);
        Assert.StartsWith("text/html", large.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal(400, nul.Status);
        var nulPage = await nul.TextAsync();
        Assert.True(nulPage.Contains("无法读取提交的内容", StringComparison.Ordinal), nulPage);
        Assert.StartsWith("text/html", nul.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal(404, nowhere.Status);
        Assert.Contains("页面不存在", await nowhere.TextAsync(), StringComparison.Ordinal);
        Assert.Equal(before, (await fixture.Chongqing.Store.AuditLogAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Ten_wrong_passwords_lock_the_officer_for_a_while_and_the_audit_shows_it()
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.Chongqing.BaseAddress.ToString(), Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/console/sign-in");
        for (var i = 0; i < 10; i++)
        {
            await page.GetByLabel("用户名").FillAsync("lock.me");
            await page.GetByLabel("密码").FillAsync($"wrong-password-{i}");
            await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
            await Expect(page.Locator(".error")).ToBeVisibleAsync();
        }

        await Expect(page.Locator(".error")).ToHaveAttributeAsync("data-code", "SIGN_IN_LOCKED");
        await page.GetByLabel("用户名").FillAsync("lock.me");
        await page.GetByLabel("密码").FillAsync(ConsoleFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.Locator(".error")).ToHaveAttributeAsync("data-code", "SIGN_IN_LOCKED");
        await page.ScreenshotAsync(new() { Path = Path.Combine(fixture.ScreenshotFolder, "console-locked.png") });

        var audit = await fixture.Chongqing.Store.AuditOfAsync("lock.me", CancellationToken.None);
        Assert.Contains(audit, e => e.Event == "officer.locked_out" && e.EventId == AuditEvents.OfficerLockedOut);
    }

    [Fact]
    public async Task At_320_px_in_English_every_control_is_labelled_nothing_overflows_the_skip_link_comes_first_and_hostile_text_stays_text()
    {
        using var create = await fixture.Chongqing.Client(fixture.Chongqing.RegulatorKey).PostAsJsonAsync("/api/v1/licences", Body(954, "<script>alert(1)</script>有限公司"));
        Assert.True(create.IsSuccessStatusCode, await create.Content.ReadAsStringAsync());
        var identifier = (await create.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("identifier").GetString()!;
        var (page, requests, violations) = await fixture.SignInAsync("li.si", width: 390);
        var dialogs = 0;
        page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };

        await page.ScreenshotAsync(new() { Path = Path.Combine(fixture.ScreenshotFolder, "console-dashboard-390.png"), FullPage = true });
        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        // Reflow (WCAG 1.4.10): 320 CSS px, what 1280 px at 400 % zoom leaves.
        await page.SetViewportSizeAsync(320, 900);

        // The first Tab stop skips the header's links to the page itself (WCAG 2.4.1).
        await page.GotoAsync("/console");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to main content", await page.EvaluateAsync<string>("document.activeElement.textContent"));
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("main", await page.EvaluateAsync<string>("document.activeElement.id"));

        async Task FitsAndIsLabelledAsync(IPage on, string path)
        {
            await on.GotoAsync(path);
            Assert.True(await on.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1"), $"{path} overflows 320 px");
            Assert.Equal(0, await on.EvaluateAsync<int>(
                "[...document.querySelectorAll('input:not([type=hidden]),select,textarea,button')].filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !(e.textContent || '').trim()).length"));
        }

        foreach (var path in new[] { "/console", "/console/licences", "/console/issue", $"/console/licences/{identifier}", $"/console/issue?supersede={identifier}", "/console/batches", "/console/approvals" })
        {
            await FitsAndIsLabelledAsync(page, path);
        }

        var adminViolations = new List<string>();
        var adminRequests = new List<string>();
        foreach (var (who, paths) in new[]
        {
            ("admin", new[] { "/console/admin/officers" }), ("sec.one", new[] { "/console/admin/api-keys", "/console/admin/trust" }),
            ("auditor", new[] { "/console/admin/audit?run=1", "/console/admin/audit?event=signins", "/console/admin/officers", "/console/admin/api-keys" }),
        })
        {
            var (admin, requested, violated) = await fixture.SignInAsync(who, width: 320);
            await admin.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
            foreach (var path in paths)
            {
                await FitsAndIsLabelledAsync(admin, path);
            }

            adminViolations.AddRange(violated);
            adminRequests.AddRange(requested);
        }

        Assert.Empty(adminViolations);
        Assert.All(adminRequests, url => Assert.StartsWith(fixture.Chongqing.BaseAddress.ToString(), url, StringComparison.Ordinal));

        await page.SetViewportSizeAsync(390, 900);
        await page.GotoAsync($"/console/licences/{identifier}");
        await Expect(page.Locator("table.fields")).ToContainTextAsync("Holder");
        await Expect(page.Locator("table.fields")).ToContainTextAsync("<script>alert(1)</script>有限公司");
        await page.ScreenshotAsync(new() { Path = Path.Combine(fixture.ScreenshotFolder, "console-licence-390-en.png"), FullPage = true });

        // 10,000 characters in a name: refused with the rule, in English, not a crash.
        await page.GotoAsync("/console/issue");
        await page.GetByLabel("Holder name").FillAsync(new string('名', 10_000));
        await page.GetByLabel("Licence number").FillAsync("91500103MA5U0C0N2T");
        await page.GetByLabel("Valid from").FillAsync("2026-01-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await Expect(page.Locator(".error")).ToBeVisibleAsync();
        Assert.DoesNotContain("名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名名", await page.Locator(".error").TextContentAsync() ?? string.Empty, StringComparison.Ordinal);

        Assert.Equal(0, dialogs);
        Assert.Empty(violations);
        Assert.All(requests, url => Assert.StartsWith(fixture.Chongqing.BaseAddress.ToString(), url, StringComparison.Ordinal));
    }

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
    public async Task Signing_out_ends_every_session_of_the_officer_and_a_copied_cookie_dies_with_it()
    {
        var (first, _, _) = await fixture.SignInAsync("sess.one");
        var (second, _, _) = await fixture.SignInAsync("sess.one");

        // What an attacker who copied the cookie out of the first browser holds: it works, for now.
        var thief = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.Chongqing.BaseAddress.ToString(), Locale = "zh-CN" });
        await thief.AddCookiesAsync((await first.Context.CookiesAsync()).Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path }));
        var stolen = await thief.NewPageAsync();
        await stolen.GotoAsync("/console/licences");
        await Expect(stolen.GetByRole(AriaRole.Heading, new() { Name = "证照登记簿" })).ToBeVisibleAsync();

        await first.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
        await Expect(first).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/sign-in\\?signedOut=1"));
        await Expect(first.GetByRole(AriaRole.Status)).ToContainTextAsync("已退出登录");

        foreach (var page in new[] { first, second, stolen })
        {
            await page.GotoAsync("/console/licences");
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/sign-in"));
        }

        var audit = await fixture.Chongqing.Store.AuditOfAsync("sess.one", CancellationToken.None);
        Assert.Equal(2, audit.Count(e => e is { Event: "officer.signed_in", EventId: AuditEvents.OfficerSignedIn }));
        Assert.Single(audit, e => e is { Event: "officer.signed_out", EventId: AuditEvents.OfficerSignedOut });
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

    /// <summary>Whether Chongqing's published trust list (its JSON view) still holds the certificate.</summary>
    private async Task<bool> InTrustListAsync(string fingerprint)
    {
        using var client = fixture.Chongqing.Client();
        client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        return (await client.GetStringAsync("/api/v1/trust-list")).Contains(fingerprint, StringComparison.Ordinal);
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
