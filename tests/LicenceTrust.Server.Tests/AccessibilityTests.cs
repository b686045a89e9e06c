using System.Net.Http.Json;
using LicenceTrust.Samples;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// axe-core (pinned in tests/axe) over every page of the staff QR page and the authority console in each of
/// their states, at WCAG 2.0/2.1 A and AA (which GB/T 37668-2019 follows): zero
/// violations, a visible focus ring on every focusable element and no sideways scrolling at 320 px (docs/ui.md
/// and docs/console.md, "Accessibility"). A new page or state joins the walk of its surface here.
/// </summary>
public sealed class AccessibilityTests(ConsoleFixture fixture, ITestOutputHelper output) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task The_staff_page_has_no_axe_violation_empty_or_with_any_verdict_in_Chinese_and_English()
    {
        var node = fixture.Chongqing;
        var valid = (await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 8100)).GetProperty("qrText").GetString()!;
        var revokedLicence = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 8101);
        using (var client = node.Client(node.RegulatorKey))
        using (var revoke = await client.PostAsJsonAsync($"/api/v1/licences/{revokedLicence.GetProperty("identifier").GetString()}/revoke", new { reason = "无障碍测试" }))
        {
            Assert.True(revoke.IsSuccessStatusCode);
        }

        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = node.BaseAddress.ToString(), Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        // CHECK needs a clock at a validity edge or a peer gone stale: the node's real answer to a valid
        // licence is turned into CHECK on its way to the page, which renders whatever verdict it is given.
        var check = false;
        await page.RouteAsync("**/api/v1/verify", async route =>
        {
            var response = await route.FetchAsync();
            var body = await response.TextAsync();
            if (check)
            {
                body = body.Replace("\"verdict\":\"VALID\"", "\"verdict\":\"CHECK\"", StringComparison.Ordinal);
            }

            await route.FulfillAsync(new() { Response = response, Body = body });
        });

        var found = new List<string>();
        await page.GotoAsync("/");
        foreach (var english in new[] { false, true })
        {
            if (english)
            {
                // Switching the language while a card is shown redraws it in place: focus stays on the button.
                await page.ClickAsync("#lang");
                await Expect(page.Locator("#lang")).ToBeFocusedAsync();
                await Expect(page.Locator("#lang")).ToHaveAttributeAsync("lang", "zh-CN");
                await Expect(page.Locator("#fields bdi[lang=zh-CN]").First).ToBeAttachedAsync();
            }

            found.AddRange(await ViolationsAsync(page, english ? "staff, empty, en" : "staff, empty"));
            foreach (var (text, verdict, isCheck) in new[] { (valid, "VALID", false), (revokedLicence.GetProperty("qrText").GetString()!, "INVALID", false), ("hello", "UNREADABLE", false), (valid, "CHECK", true) })
            {
                check = isCheck;
                await page.FillAsync("#qr-text", text);
                await page.Keyboard.PressAsync("Enter");
                await Expect(page.Locator($".result.verdict-{verdict.ToLowerInvariant()}")).ToBeVisibleAsync(new() { Timeout = 30_000 });
                found.AddRange(await ViolationsAsync(page, $"staff, {verdict}" + (english ? ", en" : string.Empty)));
            }
        }

        await context.CloseAsync();
        Assert.True(found.Count == 0, string.Join('\n', found));
    }

    [Fact]
    public async Task Every_console_page_has_no_axe_violation_in_each_of_its_states()
    {
        var found = new List<string>();
        var signedOut = await (await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.Chongqing.BaseAddress.ToString(), Locale = "zh-CN" })).NewPageAsync();
        await signedOut.GotoAsync("/console/sign-in");
        found.AddRange(await ViolationsAsync(signedOut, "sign-in"));
        await signedOut.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        found.AddRange(await ViolationsAsync(signedOut, "sign-in, refused"));

        // The clerk's pages, the issue form empty, refused and previewed, and a draft.
        var (clerk, _, _) = await fixture.SignInAsync("chen.qi");
        foreach (var path in new[] { "/console", "/console/licences", "/console/issue", "/console/batches", "/console/approvals", "/console/account" })
        {
            await clerk.GotoAsync(path);
            found.AddRange(await ViolationsAsync(clerk, path));
        }

        await clerk.GotoAsync("/console/issue");
        await clerk.GetByRole(AriaRole.Button, new() { Name = "预览" }).ClickAsync();
        await Expect(clerk.Locator(".error")).ToBeVisibleAsync();

        // After a failed submit: focus on the error summary, the title says 错误, the summary links to the
        // field, and the field is described by its error.
        await Expect(clerk.Locator("#error-summary")).ToBeFocusedAsync();
        // Every problem at once: the summary lists each, and each field in error says so beside itself.
        var listed = await clerk.Locator("#error-summary li").CountAsync();
        Assert.True(listed >= 3, $"{listed} problems listed");
        await Expect(clerk.Locator("#issue-form [aria-invalid=true]")).ToHaveCountAsync(listed);
        found.AddRange(await ViolationsAsync(clerk, "/console/issue, refused"));
        await Expect(clerk).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("^错误：签发证照"));
        var link = clerk.Locator("#error-summary a[data-field-link]").First;
        var target = (await link.GetAttributeAsync("href"))!;
        await link.ClickAsync();
        var field = clerk.Locator(target);
        await Expect(field).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Contains(target[1..] + "-error", (await field.GetAttributeAsync("aria-describedby"))!, StringComparison.Ordinal);
        await Expect(clerk.Locator(target + "-error")).Not.ToBeEmptyAsync();
        var number = DemoLicences.Create(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence, 8300).Number;
        await clerk.GotoAsync("/console/issue");
        await clerk.GetByLabel("证照编号").FillAsync(number);
        await clerk.GetByLabel("持证主体名称").FillAsync("无障碍测试有限公司");
        await clerk.Locator("#f-holderCode").FillAsync(number);
        await clerk.GetByLabel("行政区划代码").FillAsync("500103");
        await clerk.GetByLabel("有效期起始").FillAsync("2026-01-01");
        await clerk.Locator("#f-attr-entityType").FillAsync("有限责任公司");
        await clerk.GetByLabel("法定代表人").FillAsync("安无障");
        await clerk.GetByRole(AriaRole.Button, new() { Name = "预览" }).ClickAsync();
        await Expect(clerk.Locator("[data-testid=preview]")).ToBeVisibleAsync();
        found.AddRange(await ViolationsAsync(clerk, "/console/issue, preview"));
        await clerk.GetByRole(AriaRole.Button, new() { Name = "提交审核" }).ClickAsync();
        await Expect(clerk.Locator("[data-testid=submitted]")).ToBeVisibleAsync();
        var draft = new Uri(clerk.Url).AbsolutePath;
        found.AddRange(await ViolationsAsync(clerk, "a draft, as its maker"));

        // A licence, a request in the queue as another approver sees it, a batch job and its request.
        var (approver, _, _) = await fixture.SignInAsync("zhao.liu");
        await approver.GotoAsync(draft);
        found.AddRange(await ViolationsAsync(approver, "a draft, as an approver"));
        await ConsoleFixture.ApproveAsync(approver, draft);
        found.AddRange(await ViolationsAsync(approver, "a licence"));
        var csv = Path.Combine(Path.GetTempPath(), $"lt-axe-{Guid.NewGuid():N}.csv");
        Assert.Equal(0, (await Programs.RunAsync(Programs.Cli, $"demo csv --count 3 --from 8200 --out {csv}")).Code);
        await clerk.GotoAsync("/console/batches");
        await clerk.Locator("#batch-file").SetInputFilesAsync(csv);
        await clerk.GetByRole(AriaRole.Button, new() { Name = "上传并检查" }).ClickAsync();
        await Expect(clerk.Locator("[data-testid=state]")).ToHaveTextAsync("待审核");
        found.AddRange(await ViolationsAsync(clerk, "a batch job"));
        var request = (await clerk.Locator("a[href^='/console/approvals/']").GetAttributeAsync("href"))!;
        await approver.GotoAsync(request);
        found.AddRange(await ViolationsAsync(approver, "a batch's request"));
        File.Delete(csv);

        // Each administrator's pages.
        foreach (var (user, paths) in new[]
        {
            ("admin", new[] { "/console/admin/officers" }),
            ("sec.one", new[] { "/console/admin/api-keys", "/console/admin/trust" }),
            ("auditor", new[] { "/console/admin/audit", "/console/admin/officers" }),
        })
        {
            var (administrator, _, _) = await fixture.SignInAsync(user);
            foreach (var path in paths)
            {
                await administrator.GotoAsync(path);
                found.AddRange(await ViolationsAsync(administrator, $"{path} as {user}"));
            }
        }

        Assert.True(found.Count == 0, string.Join('\n', found));
    }

    private Task<IReadOnlyList<string>> ViolationsAsync(IPage page, string where) => AxeAudit.ViolationsAsync(page, where, output);
}
