using System.Net;
using LicenceTrust.Issuance;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using LicenceTrust.Samples;

namespace LicenceTrust.Server.Tests;

/// <summary>The audit chain: written with every change, and any edit, deletion or reordering is found.</summary>
public class AuditTamperTests
{
    [Fact]
    public async Task Every_change_is_audited_and_the_chain_verifies()
    {
        await using var node = await StartAsync();
        var id = (await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 401)).GetProperty("identifier").GetString();
        await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/suspend", new { reason = "检查" });

        var verify = await node.Client(node.AdminKey).SendAsync(HttpMethod.Get, "/api/v1/audit/verify");

        Assert.Equal(HttpStatusCode.OK, verify.Status);
        Assert.True(verify.Body.GetProperty("ok").GetBoolean());
        // The fixture's four API keys, the issue and the suspension: six entries.
        Assert.Equal(6, verify.Body.GetProperty("entries").GetInt64());
        Assert.Equal(64, verify.Body.GetProperty("head").GetString()!.Length);
    }

    [Fact]
    public async Task The_database_refuses_edits_and_deletions_of_audit_rows()
    {
        await using var node = await StartAsync();
        await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 402);
        using var connection = Open(node);
        Assert.Throws<SqliteException>(() => Execute(connection, "UPDATE audit_log SET data = 'x'"));
        Assert.Throws<SqliteException>(() => Execute(connection, "DELETE FROM audit_log"));
    }

    [Theory]
    [InlineData("edit", 2L, "edited")]
    [InlineData("delete", 3L, "deleted or reordered")]
    [InlineData("reorder", 2L, "previous hash")]
    public async Task The_verifier_reports_the_first_broken_link(string tampering, long firstBroken, string problem)
    {
        await using var node = await StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 410 + i);
        }

        using (var connection = Open(node))
        {
            // Someone with direct database access removes the guard and tampers.
            Execute(connection, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;");
            Execute(connection, tampering switch
            {
                "edit" => "UPDATE audit_log SET data = data || ';forged' WHERE sequence = 2",
                "delete" => "DELETE FROM audit_log WHERE sequence = 2",
                _ => "UPDATE audit_log SET sequence = -2 WHERE sequence = 2; UPDATE audit_log SET sequence = 2 WHERE sequence = 3; UPDATE audit_log SET sequence = 3 WHERE sequence = -2;",
            });
        }

        var verify = await node.Client(node.AdminKey).SendAsync(HttpMethod.Get, "/api/v1/audit/verify");
        Assert.False(verify.Body.GetProperty("ok").GetBoolean());
        Assert.Equal(firstBroken, verify.Body.GetProperty("firstBrokenSequence").GetInt64());
        Assert.Contains(problem, verify.Body.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("edit", "edited")]
    [InlineData("edit-before", "entry before it does not match")]
    [InlineData("delete-before", "deleted")]
    public async Task A_licences_own_audit_check_catches_tampering_of_its_entries_and_their_neighbours(string tampering, string problem)
    {
        await using var node = await StartAsync();
        string? identifier = null;
        for (var i = 0; i < 3; i++)
        {
            var issued = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 420 + i);
            identifier = i == 1 ? issued.GetProperty("identifier").GetString() : identifier;
        }

        var issuance = node.App.Services.GetRequiredService<IssuanceService>();
        var (entries, before) = await issuance.AuditOfAsync(identifier!, Actor.System);
        var sequence = Assert.Single(entries).Sequence;
        using (var connection = Open(node))
        {
            Execute(connection, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;");
            Execute(connection, tampering switch
            {
                "edit" => $"UPDATE audit_log SET data = data || ';forged' WHERE sequence = {sequence}",
                "edit-before" => $"UPDATE audit_log SET data = data || ';forged' WHERE sequence = {sequence - 1}",
                _ => $"DELETE FROM audit_log WHERE sequence = {sequence - 1}",
            });
        }

        var (_, after) = await issuance.AuditOfAsync(identifier!, Actor.System);
        Assert.True(before.Ok);
        Assert.False(after.Ok);
        Assert.Equal(sequence, after.FirstBrokenSequence);
        Assert.Contains(problem, after.Problem, StringComparison.Ordinal);
    }

    /// <summary>A node for one test, because these tests damage their database.</summary>
    private static async Task<NodeFixture> StartAsync()
    {
        var node = new NodeFixture();
        await node.InitializeAsync();
        return node;
    }

    private static SqliteConnection Open(NodeFixture node)
    {
        var connection = new SqliteConnection($"Data Source={node.DatabasePath};Pooling=false");
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
