using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Core.Licences;
using LicenceTrust.Issuance;
using LicenceTrust.Samples;
using LicenceTrust.Storage;
using LicenceTrust.Storage.Sqlite;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// A node run as an operator runs it: the built server as its own process on 127.0.0.1 (a free port),
/// its own SQLite file (or a PostgreSQL database of its own), the sample keys, its API keys and officers
/// made beforehand with the CLI. It can be killed and started again on the same database and port.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-proc-").FullName;
    private readonly string[] _args;
    private readonly string _keys;
    private readonly string? _postgres;
    private readonly IReadOnlyDictionary<string, string>? _environment;
    private Process? _process;

    private NodeProcess(string province, int port, string[] args, string? keysDirectory = null, string? postgres = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        Province = province;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _args = args;
        _keys = keysDirectory ?? RepositoryPaths.KeysSample;
        _postgres = postgres;
        _environment = environment;
    }

    /// <summary>The node id of the node's province, e.g. <c>cq</c>.</summary>
    public string Province { get; }

    public Uri BaseAddress { get; }

    public string DatabasePath => Path.Combine(_folder, Province + ".db");

    /// <summary>API keys: the province's market regulator (SM2), its HR department (ES256), partner, admin.</summary>
    public string RegulatorKey { get; private set; } = string.Empty;

    public string HrKey { get; private set; } = string.Empty;

    public string PartnerKey { get; private set; } = string.Empty;

    public string AdminKey { get; private set; } = string.Empty;

    /// <summary>The node's PostgreSQL connection string; null when it runs on its SQLite file.</summary>
    public string? Postgres => _postgres;

    /// <summary>The node's database, opened from this process (as an auditor would).</summary>
    public IDatabase Database => _postgres is null ? new SqliteDatabase(DatabasePath) : new LicenceTrust.Storage.Postgres.PostgresDatabase(_postgres);

    /// <summary>The CLI's option naming the node's database: <c>--sqlite FILE</c> or <c>--postgres CONNECTION</c>.</summary>
    public string DatabaseOption => _postgres is null ? $"--sqlite {DatabasePath}" : $"--postgres {_postgres}";

    /// <summary>The node's issuance store, read over its database from this process (as an auditor would).</summary>
    public IssuanceStore Store => new(Database);

    /// <summary>A Chongqing and a Sichuan node process, each pinning the other's sample root and syncing every 0.5 s; extra arguments for Chongqing.</summary>
    public static async Task<(NodeProcess Chongqing, NodeProcess Sichuan)> FederatedAsync(params string[] chongqingArgs)
    {
        int chongqingPort = FreePorts.Next(), sichuanPort = FreePorts.Next();
        var sichuan = new NodeProcess("sc", sichuanPort, SamplePeer("cq", chongqingPort));
        var chongqing = new NodeProcess("cq", chongqingPort, [.. SamplePeer("sc", sichuanPort), .. chongqingArgs]);
        await Task.WhenAll(sichuan.PrepareAsync(), chongqing.PrepareAsync());
        sichuan.Start();
        chongqing.Start();
        await Task.WhenAll(sichuan.WaitLiveAsync(), chongqing.WaitLiveAsync());
        return (chongqing, sichuan);
    }

    /// <summary>The same pair with Chongqing on a PostgreSQL database of its own (<paramref name="chongqingPostgres"/>); extra arguments for Chongqing.</summary>
    public static async Task<(NodeProcess Chongqing, NodeProcess Sichuan)> FederatedOnPostgresAsync(string chongqingPostgres, params string[] chongqingArgs)
    {
        int chongqingPort = FreePorts.Next(), sichuanPort = FreePorts.Next();
        var sichuan = new NodeProcess("sc", sichuanPort, SamplePeer("cq", chongqingPort));
        var chongqing = new NodeProcess("cq", chongqingPort, [.. SamplePeer("sc", sichuanPort), .. chongqingArgs], postgres: chongqingPostgres);
        await Task.WhenAll(sichuan.PrepareAsync(), chongqing.PrepareAsync());
        sichuan.Start();
        chongqing.Start();
        await Task.WhenAll(sichuan.WaitLiveAsync(), chongqing.WaitLiveAsync());
        return (chongqing, sichuan);
    }

    /// <summary>The same pair on a key directory of the test's own (a copy of the sample keys that the test changes), with extra arguments for each.</summary>
    public static async Task<(NodeProcess Chongqing, NodeProcess Sichuan)> FederatedAsync(string keysDirectory, string[] chongqingArgs, string[] sichuanArgs)
    {
        int chongqingPort = FreePorts.Next(), sichuanPort = FreePorts.Next();
        var started = await Task.WhenAll(
            StartAsync("cq", chongqingPort, keysDirectory, [.. SamplePeer("sc", sichuanPort), .. chongqingArgs]),
            StartAsync("sc", sichuanPort, keysDirectory, [.. SamplePeer("cq", chongqingPort), .. sichuanArgs]));
        return (started[0], started[1]);
    }

    /// <summary>Settings for peer 0: the sample province <paramref name="province"/> on a loopback port, its sample root pinned, synced every 0.5 s.</summary>
    public static string[] SamplePeer(string province, int port) =>
    [
        $"--Node:Peers:0:Province={province}", $"--Node:Peers:0:BaseUrl=http://127.0.0.1:{port}",
        $"--Node:Peers:0:RootFingerprint={SampleKeys.Of(Core.Identifiers.Province.FromNodeId(province)).Root.Fingerprint}", "--Node:Peers:0:SyncIntervalSeconds=0.5",
    ];

    /// <summary>A node process of its own, with no peers; extra arguments for it.</summary>
    public static async Task<NodeProcess> StartAsync(string province, params string[] args)
    {
        var node = new NodeProcess(province, FreePorts.Next(), args);
        await node.PrepareAsync();
        node.Start();
        await node.WaitLiveAsync();
        return node;
    }

    /// <summary>
    /// A node of any province of the registry on a key directory of the test's own (made with the CLI, as
    /// an operator makes one) and a port chosen beforehand, so that its peers can be told where it is.
    /// Only the partner and admin API keys are made; <see cref="AuthorityKeyAsync"/> makes an authority's.
    /// </summary>
    public static async Task<NodeProcess> StartAsync(string province, int port, string keysDirectory, params string[] args)
    {
        var node = new NodeProcess(province, port, args, keysDirectory);
        await node.PrepareAsync();
        node.Start();
        await node.WaitLiveAsync();
        return node;
    }

    /// <summary>
    /// A node as a province deploys it: a key directory of its own, its own PostgreSQL database (or its SQLite
    /// file when <paramref name="postgres"/> is null), environment variables for the process (a token's
    /// configuration), and the test's settings last, so they win. Replicas are two of these on one database.
    /// </summary>
    public static async Task<NodeProcess> StartAsync(string province, int port, string keysDirectory, string? postgres, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var node = new NodeProcess(province, port, args, keysDirectory, postgres, environment);
        await node.PrepareAsync();
        node.Start();
        await node.WaitLiveAsync();
        return node;
    }

    /// <summary>A copy of the sample key directory in a new temporary folder (the caller deletes it), for tests that add or rotate keys.</summary>
    public static string CopyOfSampleKeys()
    {
        var folder = Directory.CreateTempSubdirectory("lt-keys-").FullName;
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.KeysSample, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(RepositoryPaths.KeysSample, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return folder;
    }

    /// <summary>Polls this node's verdict on a QR text until <paramref name="until"/> holds or <paramref name="limit"/> passes; the elapsed time and the last answer.</summary>
    public async Task<(TimeSpan Elapsed, JsonElement Response)> WaitForVerdictAsync(string qrText, Func<JsonElement, bool> until, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var client = Client();
            using var response = await client.PostAsJsonAsync("/api/v1/verify", new { qrText });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (until(json) || clock.Elapsed > limit)
            {
                return (clock.Elapsed, json);
            }

            await Task.Delay(50);
        }
    }

    /// <summary>An API key for an issuing authority of the node's province, made with the CLI.</summary>
    public Task<string> AuthorityKeyAsync(string authorityCode) => ApiKeyAsync($"--role authority --authority {authorityCode} --name authority");

    /// <summary>An API key of the province's holder app (渝快办, 天府通办), made with the CLI.</summary>
    public Task<string> HolderAppKeyAsync() => ApiKeyAsync("--role holder-app --name holder-app");

    /// <summary>The operating system's id of the running process (for signals).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("the node is not running");

    /// <summary>Whether the process is gone (crashed, or killed by <see cref="KillAsync"/>).</summary>
    public bool HasExited => _process is null || _process.HasExited;

    /// <summary>Creates an officer with the CLI, as an operator creates the first one (the password on standard input).</summary>
    /// <summary>Creates an officer with the CLI, as the node's operator makes the first ones.</summary>
    public async Task CreateOfficerAsync(string username, string name, string authorityCode, string roles, string password)
    {
        var created = await Programs.RunAsync(Programs.Cli, $"officer create --username {username} --name {name} --authority {authorityCode} --role {roles} {DatabaseOption}", password);
        Assert.True(created.Code == 0, created.Output);
    }

    /// <summary>
    /// Creates an officer on the node's database through the service the CLI calls (<see cref="OfficerAccounts.CreateAsync"/>),
    /// without starting a CLI process: for fixtures that need many officers.
    /// </summary>
    public Task CreateOfficerDirectlyAsync(string username, string name, string authorityCode, string roles, string password) =>
        new OfficerAccounts(new OfficerStore(Database), Store, TimeProvider.System, new SignInThrottle(TimeProvider.System, new SignInThrottleOptions()))
            .CreateAsync(username, name, authorityCode, Officer.ParseRoles(roles), password);

    public HttpClient Client(string? apiKey = null) => NodeFixture.Client(BaseAddress, apiKey);

    /// <summary>Issues a licence through the API and returns the response JSON.</summary>
    public Task<JsonElement> IssueAsync(string apiKey, LicenceType type, int sequence) =>
        NodeFixture.IssueAsync(Client(apiKey), Core.Identifiers.Province.FromNodeId(Province), type, sequence);

    /// <summary>The same command again, on the same database and port, after <see cref="KillAsync"/>.</summary>
    /// <summary>Starts the stopped node again, with <paramref name="extra"/> settings after its own for this start only.</summary>
    public async Task StartAgainAsync(params string[] extra)
    {
        Assert.True(HasExited, "the node is still running");
        Start(extra);
        await WaitLiveAsync();
    }

    /// <summary>Starts the stopped node again for a start that should fail: waits for it to exit and returns its exit code and standard error.</summary>
    public async Task<(int Code, string Error)> StartRefusedAsync(params string[] extra)
    {
        Assert.True(HasExited, "the node is still running");
        var run = await Programs.RunWithErrorsAsync(Programs.Server, Arguments(extra), environment: _environment);
        // A node that did not refuse: its last log lines say what it found instead.
        return (run.Code, run.Code == 1 ? run.Error : run.Error + Environment.NewLine + string.Join('\n', run.Output.Split('\n').TakeLast(40)));
    }

    /// <summary>Runs the node's <c>--check</c> with the settings it runs with, and <paramref name="extra"/> after them: exit code and checklist.</summary>
    public async Task<(int Code, string Output)> CheckAsync(params string[] extra)
    {
        var run = await Programs.RunWithErrorsAsync(Programs.Server, string.Join(' ', [Hosting.NodeCheck.Flag, Arguments(extra)]), environment: _environment);
        return (run.Code, run.Output + run.Error);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task PrepareAsync()
    {
        var province = Core.Identifiers.Province.FromNodeId(Province);
        if (SampleProvinces.All.Contains(province))
        {
            var regulator = SampleAuthorities.For(province, SampleLicenceTypes.BusinessLicence);
            var hr = SampleAuthorities.For(province, SampleLicenceTypes.ProfessionalQualification);
            RegulatorKey = await ApiKeyAsync($"--role authority --authority {regulator.Code.Value} --name regulator");
            HrKey = await ApiKeyAsync($"--role authority --authority {hr.Code.Value} --name hr");
        }

        PartnerKey = await ApiKeyAsync("--role partner --name bank");
        AdminKey = await ApiKeyAsync("--role admin --name ops");
    }

    private async Task<string> ApiKeyAsync(string arguments)
    {
        var (code, output) = await Programs.RunAsync(Programs.Cli, $"apikey create {arguments} {DatabaseOption}");
        Assert.True(code == 0, output);
        return output.Trim();
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    /// <summary>What the node wrote to standard output (its log) and standard error since it was made, a line each, across restarts.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    private void Start(params string[] extra) => _process = Programs.Start(Programs.Server, Arguments(extra), output: _output.Enqueue, environment: _environment);

    private string Arguments(string[] extra) => string.Join(' ',
    [
        $"--urls={BaseAddress.ToString().TrimEnd('/')}",
        .. (_postgres is null ? [$"--Node:Database={DatabasePath}"] : new[] { "--Node:DatabaseProvider=postgres", $"--Node:ConnectionString={_postgres}" }),
        $"--Node:KeysDirectory={_keys}",
        "--Node:AllowPlaintextKeys=true",
        $"--Node:Province={Province}",
        $"--Node:PublicBaseUrl={BaseAddress.ToString().TrimEnd('/')}",
        .. _args,
        .. extra,
    ]);

    private async Task WaitLiveAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(_process!.HasExited, $"the {Province} node exited with {(_process.HasExited ? _process.ExitCode : 0)}: {string.Join('\n', Output.TakeLast(5))}");
            try
            {
                using var response = await client.GetAsync("/health/live");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            // Not listening yet, or too slow to answer within 5 s while the machine is busy: ask again until the deadline.
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, $"the {Province} node did not start");
            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush, as a power cut or the OOM killer would stop it.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }
}
