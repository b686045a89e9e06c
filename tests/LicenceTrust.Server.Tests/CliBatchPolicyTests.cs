using LicenceTrust.Core.Licences;
using LicenceTrust.Issuance;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;
using LicenceTrust.Storage;
using LicenceTrust.Storage.Postgres;
using LicenceTrust.Storage.Sqlite;
using LicenceTrust.Testing;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The CLI's <c>issue batch</c> obeys the authority's approval policy (docs/console.md, "The CLI's batch"):
/// where approval is required (the default) nothing is signed without a second officer, and the batch's
/// audit entries are the console's. On SQLite and on PostgreSQL, the CLI as a real process.
/// </summary>
public sealed class CliBatchPolicyTests(ITestOutputHelper output) : IDisposable
{
    private const string Authority = "11500000MB1A00011N";
    private const string ClerkPassword = "Jiefangbei-clerk-2026";
    private const string ApproverPassword = "Chaotianmen-approver-2026";
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-cli-batch-").FullName;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_batch_needing_approval_is_submitted_by_a_clerk_and_signed_only_after_another_officer_approves(string engine)
    {
        var (database, databaseOption) = engine == "sqlite"
            ? ((IDatabase)new SqliteDatabase(Path.Combine(_folder, "cq.db")), $"--sqlite {Path.Combine(_folder, "cq.db")}")
            : CreatePostgres();
        await CliAsync($"officer create --username zhang.san --name 张三 --authority {Authority} --role clerk,approver {databaseOption}", ClerkPassword);
        await CliAsync($"officer create --username li.si --name 李四 --authority {Authority} --role approver {databaseOption}", ApproverPassword);
        var rows = Path.Combine(_folder, "rows.csv");
        await CliAsync($"demo csv --count 5 --from 7100 --out {rows}");
        var batch = $"issue batch {rows} {databaseOption} --authority {Authority} --keys {RepositoryPaths.KeysSample}";
        var store = new IssuanceStore(database);

        // No officer where approval is required (no settings: required, as at a node): refused, nothing written.
        var alone = await Programs.RunWithErrorsAsync(Programs.Cli, batch);
        Assert.Equal(2, alone.Code);
        Assert.Contains("BATCH_APPROVAL_REQUIRED", alone.Error, StringComparison.Ordinal);
        Assert.Contains("--officer", alone.Error, StringComparison.Ordinal);

        // A settings file that names other authorities only still means required for this one.
        var other = await Programs.RunWithErrorsAsync(Programs.Cli, batch + Programs.NoApproval("11500000MB1A00033Y"));
        Assert.Equal(2, other.Code);
        Assert.Contains("BATCH_APPROVAL_REQUIRED", other.Error, StringComparison.Ordinal);

        // A wrong password, and an approver (not a clerk), are refused, and the failed sign-in is audited.
        var wrong = await Programs.RunWithErrorsAsync(Programs.Cli, batch + " --officer zhang.san", "not-the-password-1234");
        Assert.Equal(2, wrong.Code);
        Assert.Contains("SIGN_IN_FAILED", wrong.Error, StringComparison.Ordinal);
        var approverAlone = await Programs.RunWithErrorsAsync(Programs.Cli, batch + " --officer li.si", ApproverPassword);
        Assert.Equal(2, approverAlone.Code);
        Assert.Contains("OFFICER_ROLE_REQUIRED", approverAlone.Error, StringComparison.Ordinal);
        Assert.Empty(Issued(await store.AuditLogAsync(CancellationToken.None)));

        // The clerk submits: the rows wait for an approver; nothing is signed.
        var submitted = await Programs.RunWithErrorsAsync(Programs.Cli, batch + " --officer zhang.san", ClerkPassword);
        output.WriteLine(submitted.Output + submitted.Error);
        Assert.True(submitted.Code == 0, submitted.Error);
        Assert.Contains("submitted by 张三: 5 rows wait for an approver", submitted.Output, StringComparison.Ordinal);
        var log = await store.AuditLogAsync(CancellationToken.None);
        Assert.Empty(Issued(log));
        Assert.Contains(log, e => e.Event == "officer.sign_in_failed" && e.Subject == "zhang.san");
        Assert.Contains(log, e => e.Event == "officer.signed_in" && e.Subject == "zhang.san");
        var submittedEntry = Assert.Single(log, e => e.Event == "batch.submitted");
        var job = (await store.FindBatchAsync(BatchJob.IdOf(submittedEntry.Subject), CancellationToken.None))!;
        Assert.Equal((BatchState.AwaitingApproval, "zhang.san", 5), (job.State, job.SubmittedBy, job.GoodRows));

        // Its maker cannot release it, though they hold the approver role too; another officer of the authority
        // can, and the node's runner signs it.
        var (workflow, jobs) = NodeParts(store);
        var officers = new OfficerStore(database);
        var clerk = (await officers.FindAsync("zhang.san", CancellationToken.None))!;
        var approver = (await officers.FindAsync("li.si", CancellationToken.None))!;
        var own = await Assert.ThrowsAsync<Core.Results.LicenceTrustException>(() => workflow.ApproveAsync(job.ApprovalId!.Value, clerk));
        Assert.Equal("APPROVAL_OWN_REQUEST", own.Error.Code);
        Assert.False(await jobs.RunNextAsync("test-runner", CancellationToken.None));
        await workflow.ApproveAsync(job.ApprovalId!.Value, approver);
        Assert.True(await jobs.RunNextAsync("test-runner", CancellationToken.None));
        log = await store.AuditLogAsync(CancellationToken.None);
        Assert.Equal(5, Issued(log).Count);
        Assert.Contains(log, e => e.Event == "batch.finished" && e.Subject == job.Subject && e.Data.StartsWith("issued=5;", StringComparison.Ordinal));
        Assert.True(AuditChain.Verify(log).Ok);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Where_the_settings_say_no_approval_the_batch_is_signed_at_once_with_the_consoles_audit_entries(string engine)
    {
        var (database, databaseOption) = engine == "sqlite"
            ? ((IDatabase)new SqliteDatabase(Path.Combine(_folder, "cq.db")), $"--sqlite {Path.Combine(_folder, "cq.db")}")
            : CreatePostgres();
        var rows = Path.Combine(_folder, "rows.csv");
        await CliAsync($"demo csv --count 4 --from 7200 --out {rows}");
        var run = await Programs.RunWithErrorsAsync(Programs.Cli, $"issue batch {rows} {databaseOption} --authority {Authority} --keys {RepositoryPaths.KeysSample}{Programs.NoApproval(Authority)}");
        Assert.True(run.Code == 0, run.Error);
        Assert.Contains("issued 4, already issued 0, rejected 0", run.Output, StringComparison.Ordinal);

        var log = await new IssuanceStore(database).AuditLogAsync(CancellationToken.None);
        Assert.Equal(4, Issued(log).Count);
        var submitted = Assert.Single(log, e => e.Event == "batch.submitted");
        Assert.StartsWith("batch-file:", submitted.Subject, StringComparison.Ordinal);
        Assert.Contains("rows=4;bad=0;direct=true", submitted.Data, StringComparison.Ordinal);
        var finished = Assert.Single(log, e => e.Event == "batch.finished");
        Assert.Equal((submitted.Subject, "issued=4;replayed=0;failed=0;bad=0"), (finished.Subject, finished.Data));
        Assert.True(submitted.Sequence < Issued(log).Min(e => e.Sequence) && Issued(log).Max(e => e.Sequence) < finished.Sequence);

        // A settings word other than required or none stops the command, naming the setting.
        var bad = Path.Combine(_folder, "bad.json");
        await File.WriteAllTextAsync(bad, $"{{ \"Issuance\": {{ \"Authorities\": {{ \"{Authority}\": {{ \"IssueApproval\": \"sometimes\" }} }} }} }}");
        var refused = await Programs.RunWithErrorsAsync(Programs.Cli, $"issue batch {rows} {databaseOption} --authority {Authority} --keys {RepositoryPaths.KeysSample} --settings {bad}");
        Assert.Equal(2, refused.Code);
        Assert.Contains($"Issuance:Authorities:{Authority}:IssueApproval is 'sometimes'", refused.Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static List<AuditEntry> Issued(IReadOnlyList<AuditEntry> log) => [.. log.Where(e => e.Event == "licence.issued")];

    private static (IDatabase Database, string Option) CreatePostgres()
    {
        var connection = PostgresServer.CreateDatabase();
        return (new PostgresDatabase(connection), $"--postgres \"{connection}\"");
    }

    /// <summary>The node's parts an approver and the batch runner use, composed over the same database.</summary>
    private static (OfficerWorkflow Workflow, BatchJobs Jobs) NodeParts(IssuanceStore store)
    {
        var options = new IssuanceOptions { Province = SampleProvinces.Chongqing, LicenceTypes = LicenceTypeCatalogue.Shipped, StatusListBaseUri = "http://127.0.0.1:5050/api/v1/status-lists/" };
        var service = new IssuanceService(store, new ProvinceIssuerKeys(SampleKeys.Of(SampleProvinces.Chongqing)), options, TimeProvider.System);
        return (new OfficerWorkflow(service, store, ApprovalPolicy.RequiredEverywhere, TimeProvider.System),
            new BatchJobs(service, store, ApprovalPolicy.RequiredEverywhere, new BatchOptions(), TimeProvider.System));
    }

    private static async Task CliAsync(string arguments, string? input = null)
    {
        var run = await Programs.RunAsync(Programs.Cli, arguments, input);
        Assert.True(run.Code == 0, run.Output);
    }
}
