using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Issuance;
using LicenceTrust.Samples;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LicenceTrust.Server.Tests;

/// <summary>The console's own security, run on each database: cross-site posts, hostile bodies, password guessing, sign-out, and the page at 320 px.</summary>
public abstract partial class ConsoleTestsOn<TFixture>
{
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
}
