using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The README's run command: both provinces' demo nodes from one process, and the README's tour run as
/// written against them. The pair runs on free ports (<c>--demo-ports</c>), and the tour's 5050 and 5051 are
/// read as those, so a demo pair left running on this machine does not get in the way.
/// </summary>
public sealed class DemoPairTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("lt-demo-").FullName;
    private readonly int[] _ports = [FreePorts.Next(), FreePorts.Next()];

    private string PairArguments => $"--both-provinces --demo-ports={_ports[0]},{_ports[1]}";

    [Fact]
    public async Task The_READMEs_tour_runs_as_written_against_the_demo_pair()
    {
        // The tour's working directory: its own copy of the sample keys (the tour writes beside them) and the sources it names.
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.KeysSample, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_work, "keys-sample", Path.GetRelativePath(RepositoryPaths.KeysSample, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        Directory.CreateSymbolicLink(Path.Combine(_work, "src"), Path.Combine(RepositoryPaths.Root, "src"));
        var blocks = TourBlocks(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md")));
        Assert.True(blocks.Count >= 4, $"{blocks.Count} tour blocks");

        using var nodes = Programs.Start(Programs.Server, PairArguments, _work);
        try
        {
            await WaitReadyAsync(nodes);
            var outputs = new List<string>();
            foreach (var block in blocks)
            {
                var (code, output) = await RunBlockAsync(block);
                Assert.True(code == 0, $"this README block failed (exit {code}):\n{block}\n--- output ---\n{output}");
                outputs.Add(output);
            }

            var all = string.Join('\n', outputs);
            Assert.Contains("\"verdict\":\"VALID\"", all, StringComparison.Ordinal);   // the API's verify, at Chongqing, of a licence of each province
            Assert.Contains("REVOKED", all, StringComparison.Ordinal);                    // the public status of the licence the tour revoked
            Assert.Contains("OK: 5 licence types.", all, StringComparison.Ordinal);
            Assert.Contains("Audit chain OK", all, StringComparison.Ordinal);
        }
        finally
        {
            nodes.Kill(entireProcessTree: true);
            await nodes.WaitForExitAsync();
        }
    }

    /// <summary>The sh blocks after "A 2-minute tour", without the first (the two commands, which this test stands for) and without alias lines.</summary>
    private static List<string> TourBlocks(string readme)
    {
        var tour = readme[readme.IndexOf("## A 2-minute tour", StringComparison.Ordinal)..];
        var blocks = new List<string>();
        var at = 0;
        while ((at = tour.IndexOf("```sh\n", at, StringComparison.Ordinal)) >= 0)
        {
            var end = tour.IndexOf("\n```", at + 6, StringComparison.Ordinal);
            blocks.Add(string.Join('\n', tour[(at + 6)..end].Split('\n').Where(line => !line.StartsWith("alias ", StringComparison.Ordinal))));
            at = end + 4;
        }

        return blocks;
    }

    /// <summary>Runs one block in bash, stopping at the first failing command, with <c>lt</c> the built CLI.</summary>
    private async Task<(int Code, string Output)> RunBlockAsync(string block)
    {
        var script = Path.Combine(_work, "block.sh");
        var onFreePorts = block.Replace("127.0.0.1:5050", $"127.0.0.1:{_ports[0]}", StringComparison.Ordinal).Replace("127.0.0.1:5051", $"127.0.0.1:{_ports[1]}", StringComparison.Ordinal);
        await File.WriteAllTextAsync(script, $"set -euo pipefail\nlt() {{ dotnet {Programs.Cli} \"$@\"; }}\n{onFreePorts}\n");
        var start = new System.Diagnostics.ProcessStartInfo("bash", script) { WorkingDirectory = _work, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    /// <summary>
    /// Until each node's readiness says "ready": up, and holding its peer's data (the README's cross-province
    /// block asks for that). "starting" is the moment after start when a node has not yet reached its peer.
    /// </summary>
    private async Task WaitReadyAsync(System.Diagnostics.Process nodes)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var port in _ports)
        {
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (await ReadinessAsync(http, port) != "ready")
            {
                Assert.False(nodes.HasExited, $"the demo process exited with {(nodes.HasExited ? nodes.ExitCode : 0)}");
                Assert.True(DateTime.UtcNow < deadline, $"the node on {port} did not become ready with its peer's data: {await ReadinessAsync(http, port)}");
                await Task.Delay(100);
            }
        }
    }

    private static async Task<string?> ReadinessAsync(HttpClient http, int port)
    {
        try
        {
            using var response = await http.GetAsync($"http://127.0.0.1:{port}/health/ready");
            return response.StatusCode == HttpStatusCode.OK
                ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()
                : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) // not listening yet, or too slow to answer on a busy machine
        {
            return null;
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task Both_provinces_start_with_their_demo_licences()
    {
        using var nodes = Programs.Start(Programs.Server, $"{PairArguments} --Node:KeysDirectory={RepositoryPaths.KeysSample}", _work);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            foreach (var (port, province) in new[] { (_ports[0], "cq"), (_ports[1], "sc") })
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

    /// <summary>Up and answering 200, whether "starting" or "ready".</summary>
    private static async Task<bool> ReadyAsync(HttpClient http, int port) =>
        await ReadinessAsync(http, port) is { } readiness && !readiness.StartsWith("HTTP ", StringComparison.Ordinal);
}
