using System.Net;

namespace LicenceTrust.Server.Tests;

public class HealthTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task Live_and_ready_answer_without_a_key()
    {
        var client = node.Client();
        Assert.Equal("ok", await client.GetStringAsync("/health/live"));
        Assert.Contains("\"status\":\"ready\"", await client.GetStringAsync("/health/ready"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_load_run_baseline_endpoint_is_not_mapped_on_a_normal_node()
    {
        using var response = await node.Client().PostAsync("/bench/verify-signature", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        using var hits = await node.Client().GetAsync("/bench/memo-hits");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, hits.StatusCode);
    }

    [Fact]
    public async Task Ready_is_503_when_the_database_file_is_gone()
    {
        await using var own = new NodeFixture();
        await own.InitializeAsync();
        // A folder where the file was: SQLite cannot open it. The node's background work (the batch runner
        // polls every second) may open the database between the two steps and create an empty file: retry.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                File.Delete(own.DatabasePath);
                Directory.CreateDirectory(own.DatabasePath);
                break;
            }
            catch (IOException) when (attempt < 20)
            {
                await Task.Delay(50);
            }
        }

        using var response = await own.Client().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Directory.Delete(own.DatabasePath);
    }
}
