using System.Diagnostics;
using System.Net;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// scripts/publish.sh as an operator runs it: self-contained linux-x64 and linux-arm64 builds of the node
/// and the tool, and the tool as a .NET tool package without symbol files; then each of them runs where no
/// build is (the arm64 tool under qemu-user), and the example systemd unit starts the binary the script made
/// and passes systemd-analyze's checks.
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
        var built = await PublishedAsync();

        // The self-contained tool: no dotnet host involved.
        var tool = Path.Combine(built, "publish", "cli", "licencetrust");
        var demo = await RunAsync(tool, $"demo --keys {RepositoryPaths.KeysSample} --province sc --type 营业执照", _out, TimeSpan.FromMinutes(1));
        Assert.True(demo.Code == 0, demo.Output);
        // The QR text is read from standard input: Base45 has spaces, and a shell would split it.
        var verified = await RunAsync(tool, $"verify - --keys {RepositoryPaths.KeysSample}", _out, TimeSpan.FromMinutes(1), demo.Output.Trim());
        Assert.True(verified.Code == 0, verified.Output);
        Assert.Contains("VALID", verified.Output, StringComparison.Ordinal);

        // The tool package, installed as an operator would (here into a folder instead of --global).
        var installed = await RunAsync("dotnet", $"tool install --tool-path {Path.Combine(_out, "tools")} --add-source {Path.Combine(built, "packages")} LicenceTrust.Cli", _out, TimeSpan.FromMinutes(2));
        Assert.True(installed.Code == 0, installed.Output);
        var check = await RunAsync(Path.Combine(_out, "tools", "licencetrust"), $"types check {Path.Combine(RepositoryPaths.Root, "src", "LicenceTrust.Core", "Licences", "licence-types.json")}", _out, TimeSpan.FromMinutes(1));
        Assert.True(check.Code == 0, check.Output);

        // The tool package carries no symbol file, and its size is the one docs/deploy.md gives (about 108 MB).
        var package = Directory.GetFiles(Path.Combine(built, "packages"), "LicenceTrust.Cli.*.nupkg").Single();
        using (var archive = System.IO.Compression.ZipFile.OpenRead(package))
        {
            Assert.DoesNotContain(archive.Entries, e => e.FullName.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase));
        }

        Assert.InRange(new FileInfo(package).Length / (1024 * 1024), 50, 120);

        // linux-arm64 builds (Kunpeng, Phytium): AArch64 executables, and the tool runs under qemu-user (scripts/test.sh installs it).
        var armTool = Path.Combine(built, "publish", "linux-arm64", "cli", "licencetrust");
        foreach (var binary in new[] { armTool, Path.Combine(built, "publish", "linux-arm64", "node", "LicenceTrust.Server") })
        {
            var header = new byte[20];
            await using (var stream = File.OpenRead(binary))
            {
                await stream.ReadExactlyAsync(header);
            }

            Assert.Equal(("ELF", 183), (System.Text.Encoding.ASCII.GetString(header, 1, 3), BitConverter.ToUInt16(header, 18))); // e_machine 183: EM_AARCH64
        }

        var emulated = await RunAsync("qemu-aarch64", $"-L /usr/aarch64-linux-gnu -E DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 {armTool} types check {Path.Combine(RepositoryPaths.Root, "src", "LicenceTrust.Core", "Licences", "licence-types.json")}",
            _out, TimeSpan.FromMinutes(2));
        Assert.True(emulated.Code == 0, emulated.Output);
        Assert.Contains("营业执照", emulated.Output, StringComparison.Ordinal);

        // The example unit starts the node binary the script wrote, takes every setting from the shipped sample's
        // file, and passes systemd's own check, with an exposure rated OK.
        var unitPath = Path.Combine(RepositoryPaths.Root, "scripts", "systemd", "licencetrust-node.service");
        var unit = await File.ReadAllLinesAsync(unitPath);
        var execStart = unit.Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..].Split(' ')[0];
        var node = Path.Combine(built, "publish", "node", Path.GetFileName(execStart));
        Assert.True(File.Exists(node), $"{execStart}: publish.sh wrote no {Path.GetFileName(execStart)}");
        Assert.Contains(unit, l => l == "User=licencetrust");
        Assert.Contains(unit, l => l == "UMask=0077");
        Assert.Contains(unit, l => l == "EnvironmentFile=/etc/licencetrust/node.env");
        Assert.Single(unit, l => l.StartsWith("ExecStart=", StringComparison.Ordinal) && !l.Contains("--urls", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "scripts", "systemd", "node.env.sample")));
        var testUnit = Path.Combine(_out, "licencetrust-node.service");
        await File.WriteAllLinesAsync(testUnit, unit.Select(l => l.StartsWith("ExecStart=", StringComparison.Ordinal) ? $"ExecStart={node}" : l));
        var unitCheck = await RunAsync("systemd-analyze", $"verify {testUnit}", _out, TimeSpan.FromMinutes(1));
        Assert.True(unitCheck.Code == 0 && string.IsNullOrWhiteSpace(unitCheck.Output), unitCheck.Output);
        var exposure = await RunAsync("systemd-analyze", $"security --offline=true {testUnit}", _out, TimeSpan.FromMinutes(1));
        Assert.Contains("Overall exposure level for licencetrust-node.service: ", exposure.Output, StringComparison.Ordinal);
        Assert.Matches("exposure level for licencetrust-node.service: [0-2]\\.[0-9] (OK|SAFE)", exposure.Output);

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

    /// <summary>
    /// Where publish.sh wrote its output. The test command runs it before the tests start, while both cores
    /// are free, and says where in <c>LICENCETRUST_PUBLISHED</c> with its exit code and output beside it
    /// (run among three test classes it took over 4 minutes; alone 75-100 s). Run on its own, the test
    /// runs the script itself.
    /// </summary>
    private async Task<string> PublishedAsync()
    {
        if (Environment.GetEnvironmentVariable("LICENCETRUST_PUBLISHED") is { Length: > 0 } folder)
        {
            var code = (await File.ReadAllTextAsync(Path.Combine(folder, "publish.exit"))).Trim();
            Assert.True(code == "0", $"publish.sh exited with {code}: " + await File.ReadAllTextAsync(Path.Combine(folder, "publish.log")));
            return folder;
        }

        var published = await RunAsync("bash", $"scripts/publish.sh {_out}", RepositoryPaths.Root, TimeSpan.FromMinutes(10));
        Assert.True(published.Code == 0, published.Output);
        return _out;
    }

    private static async Task<bool> ReadyAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("/health/ready");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) // not listening yet, or too slow to answer on a busy machine
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
