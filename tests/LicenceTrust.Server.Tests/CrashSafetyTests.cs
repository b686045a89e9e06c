using System.Diagnostics;
using System.Net;
using LicenceTrust.Core.Results;
using LicenceTrust.Issuance;
using LicenceTrust.Storage;
using LicenceTrust.Storage.Sqlite;
using LicenceTrust.Testing;
using Microsoft.Data.Sqlite;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// kill -9 in the middle of writing: real child processes (the CLI and the node) are killed with
/// SIGKILL, then the database, the status list counters and the audit chain are checked.
/// </summary>
public sealed class CrashSafetyTests : IDisposable
{
    private const string Authority = "11500000MB1A00011N";
    private readonly string _work = Directory.CreateTempSubdirectory("lt-crash-").FullName;

    private string Db => Path.Combine(_work, "node.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task Killing_a_batch_issue_leaves_whole_chunks_only_and_a_rerun_completes_it()
    {
        var csv = Path.Combine(_work, "rows.csv");
        Assert.Equal(0, (await Programs.RunAsync(Programs.Cli, $"demo csv --count 3000 --out {csv}")).Code);

        using (var batch = Programs.Start(Programs.Cli, $"issue batch {csv} --sqlite {Db} --authority {Authority} --keys {RepositoryPaths.KeysSample} --chunk 100{Programs.NoApproval(Authority)}"))
        {
            await WaitUntilAsync(() => CountIfReady("SELECT COUNT(*) FROM licences") >= 300, batch);
            batch.Kill(entireProcessTree: true);
            await batch.WaitForExitAsync();
        }

        var survived = Count("SELECT COUNT(*) FROM licences");
        Assert.InRange(survived, 300, 2999);
        Assert.Equal("ok", Scalar("PRAGMA integrity_check"));
        Assert.Equal(0, survived % 100);
        await AssertConsistentAsync(expectedLicences: survived);

        var rerun = await Programs.RunAsync(Programs.Cli, $"issue batch {csv} --sqlite {Db} --authority {Authority} --keys {RepositoryPaths.KeysSample} --chunk 100{Programs.NoApproval(Authority)}");
        Assert.Equal(0, rerun.Code);
        Assert.Contains($"issued {3000 - survived}, already issued {survived}, rejected 0", rerun.Output, StringComparison.Ordinal);
        await AssertConsistentAsync(expectedLicences: 3000);
    }

    [Fact]
    public async Task Killing_the_node_in_a_burst_of_revocations_loses_no_committed_revocation()
    {
        var csv = Path.Combine(_work, "rows.csv");
        Assert.Equal(0, (await Programs.RunAsync(Programs.Cli, $"demo csv --count 400 --out {csv}")).Code);
        Assert.Equal(0, (await Programs.RunAsync(Programs.Cli, $"issue batch {csv} --sqlite {Db} --authority {Authority} --keys {RepositoryPaths.KeysSample}{Programs.NoApproval(Authority)}")).Code);
        var key = (await Programs.RunAsync(Programs.Cli, $"apikey create --role authority --authority {Authority} --name crash --sqlite {Db}")).Output.Trim();
        Assert.StartsWith("lt_", key, StringComparison.Ordinal);
        var identifiers = Strings("SELECT identifier FROM licences");
        var port = FreePorts.Next();

        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        using (var node = Programs.Start(Programs.Server, $"--urls=http://127.0.0.1:{port} --Node:Database={Db} --Node:KeysDirectory={RepositoryPaths.KeysSample} --Node:AllowPlaintextKeys=true"))
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            client.DefaultRequestHeaders.Authorization = new("Bearer", key);
            await WaitUntilAsync(async () => (await TryGetAsync(client, "/health/ready")) == HttpStatusCode.OK, node);

            var queue = new System.Collections.Concurrent.ConcurrentQueue<string>(identifiers);
            var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (queue.TryDequeue(out var id))
                {
                    try
                    {
                        using var response = await client.PostAsync($"/api/v1/licences/{id}/revoke", new StringContent("{\"reason\":\"crash test\"}", System.Text.Encoding.UTF8, "application/json"));
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            acknowledged.Add(id);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // the node is gone
                    }
                    catch (TaskCanceledException)
                    {
                        return;
                    }
                }
            })).ToList();

            await WaitUntilAsync(() => acknowledged.Count >= 80, node);
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
            await Task.WhenAll(workers);
        }

        var revoked = Strings("SELECT identifier FROM licences WHERE status = 2").ToHashSet();
        Assert.Equal("ok", Scalar("PRAGMA integrity_check"));
        Assert.True(revoked.Count < identifiers.Count, "the burst must be interrupted");
        Assert.Subset(revoked, acknowledged.ToHashSet());
        Assert.Equal(revoked.Count, Count("SELECT COUNT(*) FROM status_events"));
        Assert.Equal(revoked.Count, Count("SELECT COUNT(DISTINCT identifier) FROM status_events"));
        Assert.Equal(revoked.Count, Count("SELECT COUNT(*) FROM audit_log WHERE event_id = 2001"));
        await AssertConsistentAsync(expectedLicences: identifiers.Count);
    }

    private async Task AssertConsistentAsync(long expectedLicences)
    {
        var store = new IssuanceStore(new SqliteDatabase(Db));
        var audit = AuditChain.Verify(await store.AuditLogAsync(CancellationToken.None));
        Assert.True(audit.Ok, audit.Problem);
        Assert.Equal(expectedLicences, Count("SELECT COUNT(*) FROM licences"));
        Assert.Equal(expectedLicences, Count("SELECT COUNT(*) FROM audit_log WHERE event_id = 1001"));
        Assert.Equal(expectedLicences, Count("SELECT COALESCE(SUM(used), 0) FROM status_lists"));
        var verifier = new CredentialVerifier(SampleKeys.TrustStore);
        foreach (var qr in Strings("SELECT qr_text FROM licences ORDER BY RANDOM() LIMIT 25"))
        {
            Assert.Equal(Verdict.Valid, verifier.Verify(qr, DateTimeOffset.UtcNow).Verdict);
        }
    }

    /// <summary>The count, or -1 while the child has not created the database yet.</summary>
    private long CountIfReady(string sql)
    {
        try
        {
            return File.Exists(Db) ? Count(sql) : -1;
        }
        catch (SqliteException)
        {
            return -1;
        }
    }

    private long Count(string sql) => Convert.ToInt64(Scalar(sql), System.Globalization.CultureInfo.InvariantCulture);

    private object? Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Db};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private List<string> Strings(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Db};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Process process) => await WaitUntilAsync(() => Task.FromResult(condition()), process);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Process process)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!await condition())
        {
            Assert.False(process.HasExited, $"the child process exited early with code {(process.HasExited ? process.ExitCode : 0)}");
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the child process");
            await Task.Delay(20);
        }
    }

    private static async Task<HttpStatusCode?> TryGetAsync(HttpClient client, string path)
    {
        try
        {
            using var response = await client.GetAsync(path);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
