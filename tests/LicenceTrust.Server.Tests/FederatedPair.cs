using LicenceTrust.Samples;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Server.Hosting;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The Chongqing and Sichuan nodes as two real processes on loopback, each with its own SQLite database
/// and demo licences, federated with each other (short sync interval and max ages, for tests).
/// </summary>
public class FederatedPair : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-pair-").FullName;
    private readonly Dictionary<string, Process> _processes = [];
    private readonly Dictionary<string, System.Collections.Concurrent.ConcurrentQueue<string>> _output = new() { ["cq"] = new(), ["sc"] = new() };
    private readonly Dictionary<string, int> _ports = new() { ["cq"] = FreePorts.Next(), ["sc"] = FreePorts.Next() };

    /// <summary>Seconds a peer status list stays fresh; past it (and with the peer down) verification says CHECK.</summary>
    protected virtual double StatusMaxAgeSeconds => 30;

    /// <summary>The Chongqing node's agreement file, when a test narrows what it recognises.</summary>
    protected virtual string? ChongqingAgreement => null;

    /// <summary>The nodes' default log level (their standard output is kept, see <see cref="Output"/>).</summary>
    protected virtual string LogLevel => "Warning";

    public const double SyncIntervalSeconds = 0.5;

    public string Folder => _folder;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(StartAsync("cq"), StartAsync("sc"));
        // Each must have the other's trust list and status lists before tests run.
        await Task.WhenAll(WaitForPeerAsync("cq"), WaitForPeerAsync("sc"));
    }

    public async Task DisposeAsync()
    {
        foreach (var province in _processes.Keys.ToList())
        {
            await StopAsync(province);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>What the node wrote to standard output so far, a line each.</summary>
    public IReadOnlyList<string> Output(string province) => [.. _output[province]];

    public Uri BaseOf(string province) => new($"http://127.0.0.1:{_ports[province]}");

    public HttpClient Client(string province, string? key = null)
    {
        var client = new HttpClient { BaseAddress = BaseOf(province), Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>A demo API key of the node: <c>admin</c>, <c>partner</c>, or an authority's code.</summary>
    public string Key(string province, string who) =>
        File.ReadAllLines(Path.Combine(_folder, $"{province}-demo-keys.txt")).Single(l => l.StartsWith(who, StringComparison.Ordinal) || l.Contains($" {who} ", StringComparison.Ordinal)).Split(' ')[^1];

    public async Task StartAsync(string province)
    {
        var peer = province == "cq" ? "sc" : "cq";
        var peerRoot = SampleKeys.Of(peer == "sc" ? SampleProvinces.Sichuan : SampleProvinces.Chongqing).Root.Fingerprint;
        var agreement = province == "cq" && ChongqingAgreement is { } file ? $" --Node:Peers:0:Agreement={file}" : string.Empty;
        var arguments = string.Join(' ',
            NodeMode.DemoFlag,
            $"--urls=http://127.0.0.1:{_ports[province]}",
            $"--Node:Province={province}",
            $"--Node:Database={Path.Combine(_folder, province + ".db")}",
            $"--Node:KeysDirectory={RepositoryPaths.KeysSample}",
            $"--Node:PublicBaseUrl=http://127.0.0.1:{_ports[province]}",
            $"--Logging:LogLevel:Default={LogLevel}",
            $"--Node:Peers:0:Province={peer}",
            $"--Node:Peers:0:BaseUrl=http://127.0.0.1:{_ports[peer]}",
            $"--Node:Peers:0:RootFingerprint={peerRoot}",
            $"--Node:Peers:0:SyncIntervalSeconds={SyncIntervalSeconds}",
            $"--Node:Peers:0:StatusMaxAgeSeconds={StatusMaxAgeSeconds}",
            "--Node:Peers:0:TimeoutSeconds=1") + agreement;
        var process = Programs.Start(Programs.Server, arguments, output: _output[province].Enqueue);
        _processes[province] = process;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            Assert.False(process.HasExited, $"the {province} node exited with {(process.HasExited ? process.ExitCode : 0)}");
            Assert.True(DateTime.UtcNow < deadline, $"the {province} node did not become ready");
            try
            {
                using var response = await http.GetAsync(new Uri(BaseOf(province), "/health/live"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) // not listening yet, or too slow to answer on a busy machine
            {
            }

            await Task.Delay(100);
        }
    }

    public async Task StopAsync(string province)
    {
        if (_processes.Remove(province, out var process))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>SIGSTOP: the process stops but its sockets stay open, so calls to it hang until they time out (a hung node).</summary>
    public Task PauseAsync(string province) => SignalAsync(province, "STOP");

    /// <summary>SIGCONT: the stopped process runs again.</summary>
    public Task ResumeAsync(string province) => SignalAsync(province, "CONT");

    private async Task SignalAsync(string province, string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {_processes[province].Id}")!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits until the node holds its peer's trust list and a status list.</summary>
    public async Task WaitForPeerAsync(string province)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var peers = await Client(province).GetFromJsonAsync<JsonElement>("/api/v1/federation/peers");
            var peer = peers.GetProperty("peers")[0];
            if (peer.GetProperty("trustListFresh").GetBoolean() && peer.GetProperty("statusLists").GetInt32() > 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{province} never synced: {peer}");
            await Task.Delay(100);
        }
    }

    /// <summary>Verifies at a node and returns the whole response.</summary>
    public async Task<JsonElement> VerifyAsync(string atNode, string qrText)
    {
        using var response = await Client(atNode).PostAsJsonAsync("/api/v1/verify", new { qrText });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Polls a node's verdict until it satisfies <paramref name="until"/>; returns the elapsed time and the last response.</summary>
    public async Task<(TimeSpan Elapsed, JsonElement Response)> WaitForVerdictAsync(string atNode, string qrText, Func<JsonElement, bool> until, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var response = await VerifyAsync(atNode, qrText);
            if (until(response) || clock.Elapsed > limit)
            {
                return (clock.Elapsed, response);
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The demo licences of a province: (identifier, status, algorithm kid-less, QR text).</summary>
    public async Task<IReadOnlyList<JsonElement>> LicencesAsync(string province)
    {
        var page = await Client(province, Key(province, "admin:")).GetFromJsonAsync<JsonElement>("/api/v1/licences?pageSize=50");
        return [.. page.GetProperty("items").EnumerateArray()];
    }

}
