using LicenceTrust.Server.Hosting;
using Microsoft.Extensions.Configuration;
using LicenceTrust.Testing;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// A node is production unless started with <c>--demo</c> (issue 32): it seeds nothing, writes no SAMPLE API
/// keys, refuses plaintext keys and plain HTTP to another machine, stops on a setting it does not know
/// (naming the nearest), and every refused start is one line. <c>--check</c> lists a configuration's problems.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProductionDefaultsTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-production-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_node_started_without_demo_seeds_nothing_writes_no_keys_file_and_no_key_ring_under_home()
    {
        var home = Directory.CreateDirectory(Path.Combine(_folder, "home")).FullName;
        var port = FreePorts.Next();
        using (var node = Programs.Start(Programs.Server, $"--urls=http://127.0.0.1:{port} --Node:Database={_folder}/cq.db --Node:KeysDirectory={RepositoryPaths.KeysSample} --Node:AllowPlaintextKeys=true",
            environment: new Dictionary<string, string> { ["HOME"] = home }))
        {
            await WaitLiveAsync(port, node);
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
        }

        // The database and its WAL are the node's user's alone.
        foreach (var file in new[] { "cq.db", "cq.db-wal" })
        {
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(_folder, file)));
        }

        var store = new LicenceTrust.Storage.IssuanceStore(new LicenceTrust.Storage.Sqlite.SqliteDatabase(Path.Combine(_folder, "cq.db")));
        Assert.Equal(0, (await store.ListAsync(new Issuance.LicenceQuery(null, null, null, 1, 10), CancellationToken.None)).Total);
        Assert.False(File.Exists(Path.Combine(_folder, "cq-demo-keys.txt")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(home, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task The_demo_writes_its_sample_keys_for_the_owner_only_and_refuses_keys_that_are_not_samples()
    {
        var port = FreePorts.Next();
        using (var node = Programs.Start(Programs.Server, $"{NodeMode.DemoFlag} --urls=http://127.0.0.1:{port} --Node:Database={_folder}/cq.db --Node:KeysDirectory={RepositoryPaths.KeysSample}"))
        {
            await WaitLiveAsync(port, node);
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
        }

        var keysFile = Path.Combine(_folder, "cq-demo-keys.txt");
        Assert.Contains("SAMPLE", await File.ReadAllTextAsync(keysFile), StringComparison.Ordinal);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(keysFile));

        // Keys made as a province makes them (its own root, not a SAMPLE one): --demo refuses to sign demo licences with them.
        var keys = Path.Combine(_folder, "keys");
        var made = await Programs.RunAsync(Programs.Cli, $"keys init --province gz --out {keys} --plaintext");
        Assert.True(made.Code == 0, made.Output);
        var refused = await Programs.RunWithErrorsAsync(Programs.Server, $"{NodeMode.DemoFlag} --urls=http://127.0.0.1:{FreePorts.Next()} --Node:Province=gz --Node:Database={_folder}/gz.db --Node:KeysDirectory={keys}");
        output.WriteLine(refused.Error);
        Assert.Equal(1, refused.Code);
        Assert.Contains("runs on SAMPLE keys only", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "gz-demo-keys.txt")));
    }

    [Fact]
    public async Task Keys_databases_backups_and_session_keys_made_by_the_tool_are_their_owners_alone()
    {
        var keys = Path.Combine(_folder, "keys");
        var passphrase = Path.Combine(_folder, "passphrase");
        await File.WriteAllTextAsync(passphrase, "a passphrase for the test keys");
        var db = Path.Combine(_folder, "data", "cq.db");
        foreach (var command in new[]
        {
            $"keys init --province gz --out {keys} --passphrase-file {passphrase}",
            $"keys session --out {_folder}/session.key",
            $"apikey create --role admin --name ops --sqlite {db}",
            $"db backup --sqlite {db} --out {_folder}/backups/cq-backup.db",
        })
        {
            var run = await Programs.RunAsync(Programs.Cli, command);
            Assert.True(run.Code == 0, $"{command}: {run.Output}");
        }

        foreach (var file in new[] { "keys/gz/root.key.pem", "keys/gz/list-signer.key.pem", "keys/gz/root.crt.pem", "session.key", "data/cq.db", "backups/cq-backup.db" })
        {
            Assert.True(OwnerOnly == File.GetUnixFileMode(Path.Combine(_folder, file)), $"{file}: {File.GetUnixFileMode(Path.Combine(_folder, file))}");
        }

        foreach (var folder in new[] { "keys", "keys/gz", "keys/gz/issuers", "data", "backups" })
        {
            Assert.True((OwnerOnly | UnixFileMode.UserExecute) == File.GetUnixFileMode(Path.Combine(_folder, folder)), $"{folder}: {File.GetUnixFileMode(Path.Combine(_folder, folder))}");
        }
    }

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Theory]
    [InlineData("Node:SeedDemo", "Node:SeedDemo is no longer a setting: the demo is started with the --demo flag")]
    [InlineData("Node:ClockSkewSecs", "Node:ClockSkewSecs is not a setting: did you mean Node:ClockSkewSeconds?")]
    [InlineData("Node:Peers:0:SyncIntervalSecond", "Node:Peers:0:SyncIntervalSecond is not a setting: did you mean Node:Peers:0:SyncIntervalSeconds?")]
    [InlineData("Node:Pkcs11:Libary", "did you mean Node:Pkcs11:Library?")]
    [InlineData("Issuance:Batch:ChunkSise", "did you mean Issuance:Batch:ChunkSize?")]
    [InlineData("Issuance:Authorities:11500000MB1A00011N:IssueAproval", "did you mean Issuance:Authorities:11500000MB1A00011N:IssueApproval?")]
    [InlineData("Node:Peers:sc:Province", "peers are numbered")]
    [InlineData("node:xyzzy", "Node:xyzzy is not a setting (the settings under Node are")]
    public void A_name_that_is_not_a_setting_is_named_with_the_nearest_one(string name, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Node:Province"] = "cq", ["node:clockskewseconds"] = "10", ["Node:Peers:0:Province"] = "sc", [name] = "1",
        }).Build();

        Assert.Contains(expected, Assert.Single(NodeSettings.Unknown(configuration)), StringComparison.Ordinal);
        Assert.Contains(expected, Assert.Throws<InvalidDataException>(() => NodeSettings.ThrowIfUnknown(configuration)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Node:ClockSkewSecs=10", "Node:ClockSkewSecs is not a setting: did you mean Node:ClockSkewSeconds?")]
    [InlineData("--Node:Peers:0:BaseUrl=http://10.20.30.40:5051", "is plain HTTP to another machine")]
    [InlineData("--Node:DatabaseProvider=postgres --Node:ConnectionString=Host=127.0.0.1;Port=9;Timeout=2", "the database cannot be reached")]
    public async Task A_misconfigured_node_stops_with_one_line_that_names_the_setting(string setting, string expected)
    {
        var peer = setting.Contains("Peers", StringComparison.Ordinal) ? NodeProcess.SamplePeer("sc", 9) : [];
        var refused = await Programs.NodeRefusalAsync(_folder, [.. peer, setting]);

        output.WriteLine(refused);
        Assert.Contains(expected, refused, StringComparison.Ordinal);
        Assert.Single(refused.Trim().Split('\n'));
    }

    [Fact]
    public async Task Check_lists_each_part_of_a_good_configuration_and_every_problem_of_a_broken_one()
    {
        await using var sichuan = await NodeProcess.StartAsync("sc");
        string[] good = [$"--Node:Database={_folder}/cq.db", $"--Node:KeysDirectory={RepositoryPaths.KeysSample}", "--Node:AllowPlaintextKeys=true",
            .. NodeProcess.SamplePeer("sc", sichuan.BaseAddress.Port)];

        var ok = await Programs.RunWithErrorsAsync(Programs.Server, string.Join(' ', [NodeCheck.Flag, .. good]));
        output.WriteLine(ok.Output + ok.Error);
        Assert.Equal(0, ok.Code);
        foreach (var part in new[] { "[ok] settings", "[ok] keys", "[ok] licence types", "[ok] TLS", "[ok] database", "[ok] peers", "[ok] peer sc", "0 failed" })
        {
            Assert.Contains(part, ok.Output, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Path.Combine(_folder, "cq.db")), "the check created the database");

        // A wrong pin, a peer that does not answer, and a missing client-CA bundle: each listed, exit 1.
        var wrongPin = new string('a', 64);
        var broken = await Programs.RunWithErrorsAsync(Programs.Server, string.Join(' ', [NodeCheck.Flag, .. good,
            $"--Node:Peers:0:RootFingerprint={wrongPin}", "--Node:Peers:1:Province=gz", "--Node:Peers:1:BaseUrl=http://127.0.0.1:9",
            $"--Node:Peers:1:RootFingerprint={wrongPin}", $"--Node:Peers:1:Agreement={RepositoryPaths.KeysSample}/cq/recognition-sc.cose",
            $"--Node:NoticeInboxClientCaFile={_folder}/missing-ca.pem"]));
        output.WriteLine(broken.Output + broken.Error);
        Assert.Equal(1, broken.Code);
        Assert.Contains("[FAIL] TLS", broken.Output, StringComparison.Ordinal);
        Assert.Contains("missing-ca.pem", broken.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", broken.Output + broken.Error, StringComparison.Ordinal);

        // The agreement of peer 1 is not for gz: the peers line says so.
        Assert.Contains("[FAIL] peers", broken.Output, StringComparison.Ordinal);

        // With only the pin wrong, the peer's line names the mismatch.
        var pinned = await Programs.RunWithErrorsAsync(Programs.Server, string.Join(' ', [NodeCheck.Flag, .. good, $"--Node:Peers:0:RootFingerprint={wrongPin}"]));
        output.WriteLine(pinned.Output);
        Assert.Equal(1, pinned.Code);
        Assert.Contains("[FAIL] peer sc", pinned.Output, StringComparison.Ordinal);
        Assert.Contains("but the pin is", pinned.Output, StringComparison.Ordinal);
    }

    private static async Task WaitLiveAsync(int port, System.Diagnostics.Process node)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            Assert.False(node.HasExited, "the node exited");
            try
            {
                using var response = await client.GetAsync($"http://127.0.0.1:{port}/health/live");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) // not listening yet, or too slow to answer on a busy machine
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "the node did not start");
            await Task.Delay(100);
        }
    }
}
