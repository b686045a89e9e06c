using System.Diagnostics;
using System.Net;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// scripts/publish.sh as an operator runs it: self-contained linux-x64 builds of the node and the tool,
/// and the tool as a .NET tool package; then each of them runs where no build is, and the example systemd
/// unit starts the binary the script made.
/// </summary>
public sealed class PackagingTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("lt-publish-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_out, recursive: true);
    }

    [Fact]
    public async Task Publish_makes_a_self_contained_node_and_tool_and_a_tool_package_that_installs_and_runs()
    {
        var published = await RunAsync("bash", $"scripts/publish.sh {_out}", RepositoryPaths.Root, TimeSpan.FromMinutes(6));
        Assert.True(published.Code == 0, published.Output);

        // The self-contained tool: no dotnet host involved.
        var tool = Path.Combine(_out, "publish", "cli", "licencetrust");
        var demo = await RunAsync(tool, $"demo --keys {RepositoryPaths.KeysSample} --province sc --type 营业执照", _out, TimeSpan.FromMinutes(1));
        Assert.True(demo.Code == 0, demo.Output);
        // The QR text is read from standard input: Base45 has spaces, and a shell would split it.
        var verified = await RunAsync(tool, $"verify - --keys {RepositoryPaths.KeysSample}", _out, TimeSpan.FromMinutes(1), demo.Output.Trim());
        Assert.True(verified.Code == 0, verified.Output);
        Assert.Contains("VALID", verified.Output, StringComparison.Ordinal);

        // The tool package, installed as an operator would (here into a folder instead of --global).
        var installed = await RunAsync("dotnet", $"tool install --tool-path {Path.Combine(_out, "tools")} --add-source {Path.Combine(_out, "packages")} LicenceTrust.Cli", _out, TimeSpan.FromMinutes(2));
        Assert.True(installed.Code == 0, installed.Output);
        var check = await RunAsync(Path.Combine(_out, "tools", "licencetrust"), $"types check {Path.Combine(RepositoryPaths.Root, "src", "LicenceTrust.Core", "Licences", "licence-types.json")}", _out, TimeSpan.FromMinutes(1));
        Assert.True(check.Code == 0, check.Output);

        // The example unit starts the node binary the script wrote.
        var unit = await File.ReadAllLinesAsync(Path.Combine(RepositoryPaths.Root, "scripts", "systemd", "licencetrust-node.service"));
        var execStart = unit.Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..].Split(' ')[0];
        var node = Path.Combine(_out, "publish", "node", Path.GetFileName(execStart));
        Assert.True(File.Exists(node), $"{execStart}: publish.sh wrote no {Path.GetFileName(execStart)}");
        Assert.Contains(unit, l => l == "User=licencetrust");

        // The self-contained node serves the API and the staff page from its own folder.
        var port = FreePorts.Next();
        using var process = Process.Start(new ProcessStartInfo(node, $"--demo --urls=http://127.0.0.1:{port} --Node:KeysDirectory={RepositoryPaths.KeysSample}")
        {
            WorkingDirectory = _out, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (!await ReadyAsync(http))
            {
                Assert.False(process.HasExited, $"the published node exited with {(process.HasExited ? process.ExitCode : 0)}");
                Assert.True(DateTime.UtcNow < deadline, "the published node did not become ready");
                await Task.Delay(200);
            }

            using var page = await http.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("text/html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<bool> ReadyAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("/health/ready");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string arguments, string directory, TimeSpan limit, string? input = null)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null })!;
        if (input is not null)
        {
            await process.StandardInput.WriteLineAsync(input);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
