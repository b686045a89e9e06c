using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>The README's run command: both provinces' demo nodes from one process.</summary>
public sealed class DemoPairTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("lt-demo-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task Both_provinces_start_with_their_demo_licences()
    {
        using var nodes = Programs.Start(Programs.Server, $"--both-provinces --Node:KeysDirectory={RepositoryPaths.KeysSample}", _work);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            foreach (var (port, province) in new[] { (5050, "cq"), (5051, "sc") })
            {
                var deadline = DateTime.UtcNow.AddMinutes(1);
                while (!await ReadyAsync(http, port))
                {
                    Assert.False(nodes.HasExited, $"the demo process exited with {(nodes.HasExited ? nodes.ExitCode : 0)}");
                    Assert.True(DateTime.UtcNow < deadline, $"the {province} node did not become ready");
                    await Task.Delay(100);
                }

                var keys = await File.ReadAllLinesAsync(Path.Combine(_work, "data", $"{province}-demo-keys.txt"));
                var admin = keys.Single(l => l.StartsWith("admin:", StringComparison.Ordinal)).Split(' ')[^1];
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/api/v1/licences?pageSize=1");
                request.Headers.Authorization = new("Bearer", admin);
                using var response = await http.SendAsync(request);
                var page = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(15, page.GetProperty("total").GetInt64());
                Assert.Equal(province, page.GetProperty("items")[0].GetProperty("licence").GetProperty("province").GetString());
            }
        }
        finally
        {
            nodes.Kill(entireProcessTree: true);
            await nodes.WaitForExitAsync();
        }
    }

    private static async Task<bool> ReadyAsync(HttpClient http, int port)
    {
        try
        {
            using var response = await http.GetAsync($"http://127.0.0.1:{port}/health/ready");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
