using System.Net.Http.Json;
using LicenceTrust.Issuance;
using LicenceTrust.Samples;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// 调取 on the staff page (docs/ui.md, docs/federation.md §9): a Chongqing clerk, signed in, fetches a Sichuan company's
/// three licences for a case and sees three verdict cards; a personal licence without the holder's consent code, and
/// a case number carrying a hidden bidi override, and a holder code with a bad check character, each get a plain Chinese message saying what is missing.
/// </summary>
public class StaffPageFetchTests(StaffPageFixture ui, ITestOutputHelper output) : IClassFixture<StaffPageFixture>
{
    private static readonly LocatorAssertionsToHaveCountOptions Wait = new() { Timeout = 20_000 };

    [Fact]
    public async Task A_signed_in_clerk_fetches_three_Sichuan_licences_for_a_case_as_verdict_cards_and_problems_read_in_Chinese()
    {
        var company = await IssueSichuanCompanyAsync(821);
        using (var copy = await ui.Chongqing.Client(ui.Chongqing.PartnerKey).PostAsJsonAsync("/api/v1/evidence/copy", new { qrText = ui.ValidSichuan, caseNumber = "CQ-2026-000320" }))
        {
            Assert.True(copy.IsSuccessStatusCode, await copy.Content.ReadAsStringAsync());
            Assert.Equal("application/pdf", copy.Content.Headers.ContentType?.MediaType);
        }

        // The copy's case number is refused as the fetch's is, never dropped or printed altered.
        foreach (var (caseNumber, code) in new[] { ("CQ-2026-\u202E000320", "TEXT_CHARACTER_NOT_ALLOWED"), (new string('9', 101), "FIELD_INVALID") })
        {
            using var refused = await ui.Chongqing.Client(ui.Chongqing.PartnerKey).PostAsJsonAsync("/api/v1/evidence/copy", new { qrText = ui.ValidSichuan, caseNumber });
            var problem = await refused.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
            Assert.Equal((System.Net.HttpStatusCode.BadRequest, code, "caseNumber"), (refused.StatusCode, problem.GetProperty("code").GetString(), problem.GetProperty("field").GetString()));
        }

        await ui.Sichuan.IssueAsync(ui.Sichuan.HrKey, SampleLicenceTypes.ProfessionalQualification, 822);
        var person = DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.ProfessionalQualification, 822).Holder.Code;
        var (browser, page) = await ui.OpenAsync();
        await using (browser)
        {
            // Signed out, the panel says what to do; the form is not there to be filled in vain.
            await Expect(page.Locator("#fetch-signed-out")).ToBeVisibleAsync();
            await Expect(page.Locator("#fetch-form")).ToBeHiddenAsync();
            await page.FillAsync("#username", StaffPageFixture.StaffUser);
            await page.FillAsync("#password", StaffPageFixture.StaffPassword);
            await page.ClickAsync("#sign-in-form button[type=submit]");
            await Expect(page.Locator("#fetch-form")).ToBeVisibleAsync();
            var violations = new List<string>(await AxeAudit.ViolationsAsync(page, "调取, form", output));

            await page.FillAsync("#fetch-holder", company);
            await page.SelectOptionAsync("#fetch-matter", "CYTB-SC-0103");
            await Expect(page.Locator("#fetch-needs")).ToContainTextAsync("无需持证人授权码");
            await page.FillAsync("#fetch-case", "CQ-2026-000321");
            await page.ClickAsync("#fetch-submit");

            await Expect(page.Locator("#fetch-cards .result.fetched")).ToHaveCountAsync(3, Wait);
            await Expect(page.Locator("#fetch-summary")).ToContainTextAsync("从四川调取到 3 份证照");
            foreach (var name in new[] { "营业执照", "食品经营许可证", "建筑施工企业安全生产许可证" })
            {
                await Expect(page.Locator("#fetch-cards h3", new() { HasText = name })).ToHaveTextAsync($"有效 · {name}");
            }

            await Expect(page.Locator("#fetch-cards .result.fetched").First.Locator("dl")).ToContainTextAsync("1.2.156.3005.2.");
            await Expect(page.Locator("#fetch-cards button", new() { HasText = "打印此证照" })).ToHaveCountAsync(3);
            await page.ScreenshotAsync(new() { Path = Path.Combine(StaffPageFixture.Screenshots, "fetch-three-licences.png"), FullPage = true });
            violations.AddRange(await AxeAudit.ViolationsAsync(page, "调取, three cards", output));

            // The PDF copy, read back by an independent reader (poppler's pdftotext): its fields, the verdict and the case.
            var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#fetch-cards .result.fetched").First.Locator("button", new() { HasText = "下载PDF" }).ClickAsync());
            var pdf = Path.Combine(ui.Folder, "fetched.pdf");
            await download.SaveAsAsync(pdf);
            File.Copy(pdf, Path.Combine(StaffPageFixture.Screenshots, "fetch-copy.pdf"), overwrite: true);
            var text = await PdfTextAsync(pdf);
            foreach (var expected in new[] { "电子证照调取件", "营业执照", "核验结果：有效", company, "CQ-2026-000321", "重庆市节点" })
            {
                Assert.True(text.Contains(expected, StringComparison.Ordinal), $"{expected} not in the PDF copy:\n{text}");
            }

            await page.FillAsync("#fetch-holder", person);
            await page.SelectOptionAsync("#fetch-matter", "CYTB-RS-0301");
            await Expect(page.Locator("#fetch-needs")).ToContainTextAsync("需持证人授权码");
            await page.FillAsync("#fetch-case", "CQ-2026-000322");
            await page.ClickAsync("#fetch-submit");
            await Expect(page.Locator("#fetch-error")).ToHaveTextAsync("缺少持证人授权码：该事项涉及个人证照，请持证人在渝快办或天府通办生成授权码后告知。", new() { Timeout = 20_000 });
            await Expect(page.Locator("#fetch-results")).ToBeHiddenAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(StaffPageFixture.Screenshots, "fetch-consent-required.png"), FullPage = true });
            violations.AddRange(await AxeAudit.ViolationsAsync(page, "调取, consent required", output));

            // A case number pasted from another system with a hidden right-to-left override: refused before it is signed.
            await page.FillAsync("#fetch-holder", company);
            await page.FillAsync("#fetch-case", "CQ-2026-\u202E000323");
            await page.ClickAsync("#fetch-submit");
            await Expect(page.Locator("#fetch-error")).ToHaveTextAsync("办件编号含有不允许的字符U+202E（控制字符、不可见字符或文字方向控制符，常见于从其他系统复制的内容）：请删除后重新输入。", new() { Timeout = 20_000 });

            await page.FillAsync("#fetch-case", "CQ-2026-000324");
            await page.FillAsync("#fetch-holder", company[..17] + (company[17] == '0' ? '1' : '0'));
            await page.SelectOptionAsync("#fetch-matter", "CYTB-SC-0103");
            await page.ClickAsync("#fetch-submit");
            await Expect(page.Locator("#fetch-error")).ToContainTextAsync("持证主体代码有误", new() { Timeout = 20_000 });
            Assert.Empty(StaffPageFixture.Violations(page));
            Assert.True(violations.Count == 0, string.Join('\n', violations));
        }
    }

    private static async Task<string> PdfTextAsync(string pdf)
    {
        using var reader = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("pdftotext", ["-layout", pdf, "-"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var text = await reader.StandardOutput.ReadToEndAsync();
        var errors = await reader.StandardError.ReadToEndAsync();
        await reader.WaitForExitAsync();
        Assert.True(reader.ExitCode == 0, errors);
        return text;
    }

    private async Task<string> IssueSichuanCompanyAsync(int sequence)
    {
        var keys = ui.Sichuan.App.Services.GetRequiredService<ApiKeyService>();
        foreach (var type in new[] { SampleLicenceTypes.BusinessLicence, SampleLicenceTypes.FoodBusinessPermit, SampleLicenceTypes.ConstructionSafetyPermit })
        {
            var authority = SampleAuthorities.For(SampleProvinces.Sichuan, type);
            var key = (await keys.CreateAsync(ActorRole.Authority, authority.Name, authority.Code.Value)).Key;
            await ui.Sichuan.IssueAsync(key, type, sequence);
        }

        return DemoLicences.Create(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence, sequence).Holder.Code;
    }
}
