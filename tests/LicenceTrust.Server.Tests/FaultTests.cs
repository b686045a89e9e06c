using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Samples;

namespace LicenceTrust.Server.Tests;

/// <summary>Faults (issue 7, first part): the database goes away under a running node, then comes back.</summary>
public class FaultTests
{
    [Fact]
    public async Task With_the_database_gone_issuing_is_503_DATABASE_UNAVAILABLE_verification_of_known_licences_keeps_answering_and_all_recovers()
    {
        await using var node = new NodeFixture();
        await node.InitializeAsync();
        var issued = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 901);
        var qr = issued.GetProperty("qrText").GetString();
        var revoked = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 904);
        await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, $"/api/v1/licences/{revoked.GetProperty("identifier").GetString()}/revoke", new { reason = "吊销" });
        Assert.Equal("VALID", await VerdictAsync(node, qr));
        Assert.Equal("INVALID", await VerdictAsync(node, revoked.GetProperty("qrText").GetString()));

        // Take the database away: SQLite cannot open a directory where its file was.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var saved = node.DatabasePath + ".saved";
        File.Move(node.DatabasePath, saved);
        foreach (var side in new[] { "-wal", "-shm" }.Where(s => File.Exists(node.DatabasePath + s)))
        {
            File.Move(node.DatabasePath + side, saved + side);
        }

        Directory.CreateDirectory(node.DatabasePath);
        await Task.Delay(1200); // past the status cache's lifetime, so the refresh meets the missing database

        // Again: a connection a background loop held at the first clear went back to the pool still open on the
        // moved file (an open handle follows the file), and issuing would write there and answer 201.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        using var down = await node.Client(node.RegulatorKey).PostAsJsonAsync("/api/v1/licences", NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 902));
        var problem = await down.Content.ReadFromJsonAsync<JsonElement>();
        var stillAnswers = await VerdictAsync(node, qr);
        var stillRefuses = await VerdictAsync(node, revoked.GetProperty("qrText").GetString());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("DATABASE_UNAVAILABLE", problem.GetProperty("code").GetString());
        Assert.Equal("5", down.Headers.RetryAfter?.ToString());
        Assert.Equal("VALID", stillAnswers);
        Assert.Equal("INVALID", stillRefuses);

        // Bring it back: the same node issues again, and the earlier licence is intact.
        Directory.Delete(node.DatabasePath);
        File.Move(saved, node.DatabasePath);
        foreach (var side in new[] { "-wal", "-shm" }.Where(s => File.Exists(saved + s)))
        {
            File.Move(saved + side, node.DatabasePath + side);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        using var up = await node.Client(node.RegulatorKey).PostAsJsonAsync("/api/v1/licences", NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 903));
        Assert.Equal(HttpStatusCode.Created, up.StatusCode);
        Assert.Equal("VALID", await VerdictAsync(node, qr));
    }

    private static async Task<string?> VerdictAsync(NodeFixture node, string? qr)
    {
        using var response = await node.Client().PostAsJsonAsync("/api/v1/verify", new { qrText = qr });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetProperty("verdict").GetString();
    }
}
