using System.Net.Http.Json;
using System.Text.Json;
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
        Browser = await HeadlessChromium.LaunchAsync(Playwright);
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
