using System.Globalization;
using CsvHelper;
using LicenceTrust.Issuance;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Batch issue in the console against a real node process on its own SQLite: 1,000 rows of which 7 are
/// bad, approved by a second officer, the node killed (SIGKILL) halfway and started again, and the
/// batch finishing with every good row issued exactly once.
/// </summary>
public sealed class ConsoleBatchTests : IAsyncLifetime
{
    private const string Authority = "11500000MB1A00011N";
    private const string Password = "officer-password-2026";
    private NodeProcess _node = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        // Small chunks with a pause between them, so the kill lands in the middle of the batch.
        _node = await NodeProcess.StartAsync("cq", "--Issuance:Batch:ChunkSize=20", "--Issuance:Batch:PauseMilliseconds=100");
        await _node.CreateOfficerAsync("pi.liang", "皮亮", Authority, "clerk", Password);
        await _node.CreateOfficerAsync("shen.he", "沈禾", Authority, "approver", Password);
        _playwright = await Playwright.CreateAsync();
        _browser = await HeadlessChromium.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task A_thousand_rows_with_seven_bad_are_reported_approved_interrupted_by_a_kill_and_resumed_issuing_993_once()
    {
        var csv = Path.Combine(Path.GetDirectoryName(_node.DatabasePath)!, "licences.csv");
        Assert.Equal(0, (await Programs.RunAsync(Programs.Cli, $"demo csv --count 1000 --out {csv}")).Code);
        var bad = SpoilSevenRows(csv);

        var clerk = await SignInAsync("pi.liang");
        await clerk.GotoAsync("/console/batches");
        await clerk.Locator("#batch-file").SetInputFilesAsync(csv);
        await clerk.GetByRole(AriaRole.Button, new() { Name = "上传并检查" }).ClickAsync();
        await Expect(clerk.Locator("[data-testid=state]")).ToHaveTextAsync("待审核");
        await Expect(clerk.Locator("[data-testid=rows]")).ToContainTextAsync("共 1000 行，其中 7 行有问题不签发，993 行待签发");
        var shown = await clerk.Locator("[data-testid=errors] tbody tr").AllInnerTextsAsync();
        Assert.Equal(bad.Select(b => (b.Line, b.Label)), shown.Select(r => r.Split('\t')).Select(c => (int.Parse(c[0], CultureInfo.InvariantCulture), c[1])));
        // Fields and messages name the form's labels, not the API's keys.
        Assert.Equal(bad.Select(b => b.Field), await clerk.Locator("[data-testid=errors] tbody td[data-field]").EvaluateAllAsync<string[]>("cells => cells.map(c => c.dataset.field)"));
        Assert.Contains(shown, r => r.Contains("持证主体名称含有不允许的字符U+202E", StringComparison.Ordinal));
        Assert.DoesNotContain(shown, r => r.Contains("holder.name", StringComparison.Ordinal));
        var report = await clerk.APIRequest.GetAsync(clerk.Url + "/errors.csv");
        Assert.Equal(8, (await report.TextAsync()).Trim().Split('\n').Length);
        await clerk.ScreenshotAsync(new() { Path = Path.Combine(ConsoleFixture.Screenshots, "console-batch-errors.png"), FullPage = true });
        Assert.Equal(0, Count("SELECT COUNT(*) FROM licences"));
        await clerk.SetViewportSizeAsync(390, 900);
        Assert.True(await clerk.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1"), "the batch page overflows 390 px");

        // Another officer approves; the node's runner starts signing.
        var approver = await SignInAsync("shen.he");
        await approver.GotoAsync("/console/approvals");
        await approver.Locator("tbody tr", new() { HasText = "批量签发" }).GetByRole(AriaRole.Link).First.ClickAsync();

        // The approver sees what is to be signed: every good row, 50 a page, searchable, and as a file.
        await Expect(approver.GetByTestId("rows-total")).ToHaveTextAsync("共 993 行，第 1 页");
        var firstRows = await approver.Locator("[data-testid=batch-rows] tbody tr").AllInnerTextsAsync();
        Assert.Equal(50, firstRows.Count);
        Assert.StartsWith("2\t", firstRows[0], StringComparison.Ordinal);
        await approver.GetByTestId("rows-next").ClickAsync();
        await Expect(approver.GetByTestId("rows-total")).ToHaveTextAsync("共 993 行，第 2 页");
        // Line 12 is refused, so page 1 holds lines 2–52 without it.
        Assert.StartsWith("53\t", await approver.Locator("[data-testid=batch-rows] tbody tr").First.InnerTextAsync(), StringComparison.Ordinal);
        var wanted = firstRows[3].Split('\t');
        await approver.Locator("#rows-q").FillAsync(wanted[3]);
        await approver.GetByRole(AriaRole.Button, new() { Name = "搜索" }).ClickAsync();
        await Expect(approver.GetByTestId("rows-total")).ToHaveTextAsync("共 1 行，第 1 页");
        Assert.Equal(firstRows[3], await approver.Locator("[data-testid=batch-rows] tbody tr").InnerTextAsync());
        await approver.Locator("#rows-q").FillAsync(string.Empty);
        await approver.GetByRole(AriaRole.Button, new() { Name = "搜索" }).ClickAsync();
        var download = await approver.APIRequest.GetAsync((await approver.GetByTestId("rows-csv").GetAttributeAsync("href"))!);
        var lines = (await download.TextAsync()).TrimStart('\uFEFF').Trim().Split('\n');
        Assert.Equal(994, lines.Length);
        Assert.StartsWith("line,typeCode,number,holderName", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain(lines.Skip(1), l => bad.Any(b => l.StartsWith(b.Line.ToString(CultureInfo.InvariantCulture) + ",", StringComparison.Ordinal)));
        Assert.Contains("no-store", download.Headers["cache-control"], StringComparison.Ordinal);
        await approver.GetByLabel("已核对，确认批准").CheckAsync();
        await approver.GetByRole(AriaRole.Button, new() { Name = "批准" }).ClickAsync();
        await Expect(approver.Locator("[data-testid=state]")).Not.ToHaveTextAsync("待审核");

        // The clerk's batch page follows the runner without a reload: its state, percentage and counts move.
        await clerk.GotoAsync("/console/batches/1");
        var counted = await clerk.GetByTestId("counts").InnerTextAsync();
        await Expect(clerk.GetByTestId("state")).ToHaveTextAsync("签发中");
        await Expect(clerk.GetByTestId("counts")).Not.ToHaveTextAsync(counted);
        Assert.NotEqual("0 %", await clerk.GetByTestId("percent").InnerTextAsync());

        // Killed in the middle: a chunk and its progress commit together or not at all.
        await WaitUntilAsync(() => CountIfReady("SELECT COUNT(*) FROM licences") >= 100);
        await _node.KillAsync();

        var survived = Count("SELECT COUNT(*) FROM licences");
        Assert.InRange(survived, 100, 992);
        Assert.Equal(survived, Count("SELECT done_rows FROM batch_jobs WHERE id = 1"));

        // The restarted node's runner takes the job over once the dead runner's lease lapses.
        await _node.StartAgainAsync();
        var again = await SignInAsync("pi.liang");
        await again.GotoAsync("/console/batches/1");
        await Expect(again.Locator("[data-testid=percent]")).ToHaveTextAsync("100 %", new() { Timeout = 90_000 });
        await Expect(again.Locator("[data-testid=state]")).ToHaveTextAsync("已完成", new() { Timeout = 10_000 });
        await Expect(again.Locator("[data-testid=counts]")).ToContainTextAsync("已签发 993，此前已签发 0，签发时被拒 0");
        await again.ScreenshotAsync(new() { Path = Path.Combine(ConsoleFixture.Screenshots, "console-batch-done.png"), FullPage = true });

        Assert.Equal(993, Count("SELECT COUNT(*) FROM licences"));
        Assert.Equal(993, Count("SELECT COUNT(DISTINCT idempotency_key) FROM licences WHERE idempotency_key LIKE 'batch:%'"));
        Assert.Equal(993, Count("SELECT COUNT(*) FROM audit_log WHERE event_id = 1001"));
        Assert.Equal(1, Count("SELECT COUNT(*) FROM audit_log WHERE event_id = 1004 AND subject = 'batch-1-rows.csv'"));
        Assert.Equal(993, Count("SELECT COALESCE(SUM(used), 0) FROM status_lists"));
        var audit = AuditChain.Verify(await _node.Store.AuditLogAsync(CancellationToken.None));
        Assert.True(audit.Ok, audit.Problem);
    }

    /// <summary>Seven rows spoiled in seven ways, each found by the lint with its line and field.</summary>
    private static List<(int Line, string Field, string Label)> SpoilSevenRows(string path)
    {
        List<string[]> rows;
        string[] header;
        using (var reader = new CsvReader(new StreamReader(path), CultureInfo.InvariantCulture))
        {
            reader.Read();
            reader.ReadHeader();
            header = reader.HeaderRecord!;
            rows = [];
            while (reader.Read())
            {
                rows.Add([.. Enumerable.Range(0, header.Length).Select(i => reader.GetField(i) ?? string.Empty)]);
            }
        }

        int Column(string name) => Array.IndexOf(header, name);
        var holderCode = rows[10][Column("holderCode")];
        var spoiled = new (int Row, string Column, string Value, string Field, string Label)[]
        {
            (10, "holderCode", holderCode[..^1] + (holderCode[^1] == '0' ? '1' : '0'), "holder.code", "持证主体代码"),
            (150, "areaCode", "510104", "areaCode", "行政区划代码"),
            (300, "validFrom", "2026-13-01", "validFrom", "有效期起始"),
            (420, "holderName", string.Empty, "holderName", "持证主体名称"),
            (555, "typeCode", "not-a-type", "typeCode", "证照类型"),
            (700, "validTo", "2001-01-01", "validTo", "有效期截止"),
            (998, "holderName", "重庆\u202E有限公司", "holder.name", "持证主体名称"),
        };
        foreach (var (row, column, value, _, _) in spoiled)
        {
            rows[row][Column(column)] = value;
        }

        using (var writer = new CsvWriter(new StreamWriter(path), CultureInfo.InvariantCulture))
        {
            foreach (var field in header)
            {
                writer.WriteField(field);
            }

            writer.NextRecord();
            foreach (var row in rows)
            {
                foreach (var field in row)
                {
                    writer.WriteField(field);
                }

                writer.NextRecord();
            }
        }

        // Line 1 is the header: data row i is line i + 2.
        return [.. spoiled.Select(s => (s.Row + 2, s.Field, s.Label))];
    }

    private async Task<IPage> SignInAsync(string username)
    {
        var context = await _browser.NewContextAsync(new() { BaseURL = _node.BaseAddress.ToString(), Locale = "zh-CN" });
        return await ConsoleFixture.SignInAsync(context, username, Password);
    }

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.False(_node.HasExited, "the node exited");
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(25);
        }
    }

    private long CountIfReady(string sql)
    {
        try
        {
            return Count(sql);
        }
        catch (SqliteException)
        {
            return -1;
        }
    }

    private long Count(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_node.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
