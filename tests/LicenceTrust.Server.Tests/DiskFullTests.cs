using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;
using LicenceTrust.Samples;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Faults (issue 7): the SQLite file lives on a small real file system (tmpfs) that is then filled up.
/// Needs root for <c>mount</c>; scripts/test.sh runs as root on CI.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output)
{
    [Fact]
    public async Task With_the_disk_full_issuing_is_507_STORAGE_FULL_nothing_acknowledged_is_lost_verification_keeps_answering_and_all_recovers()
    {
        using var disk = SmallDisk.Mount(megabytes: 8);
        await using var node = new NodeFixture { ExtraArgs = [$"--Node:Database={Path.Combine(disk.Folder, "cq.db")}"] };
        await node.InitializeAsync();
        var first = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 971);

        disk.Fill();
        var acknowledged = new List<JsonElement>();
        HttpResponseMessage? refused = null;
        for (var sequence = 1000; refused is null && sequence < 1400; sequence++)
        {
            var response = await node.Client(node.RegulatorKey).PostAsJsonAsync("/api/v1/licences", NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, sequence));
            if (response.StatusCode == HttpStatusCode.Created)
            {
                acknowledged.Add(await response.Content.ReadFromJsonAsync<JsonElement>());
                response.Dispose();
            }
            else
            {
                refused = response;
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            output.WriteLine($"{acknowledged.Count} issued into space the database already had, then {(int)refused.StatusCode}: {problem}");
            Assert.Equal(HttpStatusCode.InsufficientStorage, refused.StatusCode);
            Assert.Equal("STORAGE_FULL", problem.GetProperty("code").GetString());
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        var refusedSequence = 1000 + acknowledged.Count;
        using var revoke = await node.Client(node.RegulatorKey).PostAsJsonAsync($"/api/v1/licences/{first.GetProperty("identifier").GetString()}/revoke", new { reason = "吊销" });
        Assert.Equal(HttpStatusCode.InsufficientStorage, revoke.StatusCode);
        Assert.Equal("VALID", await VerdictAsync(node, first));
        foreach (var issued in acknowledged)
        {
            Assert.Equal("VALID", await VerdictAsync(node, issued));
        }

        disk.Free();
        using var again = await node.Client(node.RegulatorKey).PostAsJsonAsync("/api/v1/licences", NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, refusedSequence));
        Assert.Equal(HttpStatusCode.Created, again.StatusCode); // the refused licence was not half-stored: its number is free
        Assert.Equal("VALID", await VerdictAsync(node, first));

        // Every acknowledged licence survives a restart of the database file, and the file is sound.
        await node.App.StopAsync();
        SqliteConnection.ClearAllPools();
        using var check = new SqliteConnection($"Data Source={Path.Combine(disk.Folder, "cq.db")}");
        check.Open();
        using var integrity = check.CreateCommand();
        integrity.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", integrity.ExecuteScalar());
        using var count = check.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM licences";
        Assert.Equal(acknowledged.Count + 2L, count.ExecuteScalar());
    }

    private static async Task<string?> VerdictAsync(NodeFixture node, JsonElement issued)
    {
        using var response = await node.Client().PostAsJsonAsync("/api/v1/verify", new { qrText = issued.GetProperty("qrText").GetString() });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetProperty("verdict").GetString();
    }

    /// <summary>A tmpfs of a few megabytes, mounted for one test, and a file that takes all its free space.</summary>
    private sealed class SmallDisk : IDisposable
    {
        private SmallDisk(string folder) => Folder = folder;

        public string Folder { get; }

        private string Filler => Path.Combine(Folder, "filler");

        public static SmallDisk Mount(int megabytes)
        {
            var folder = Directory.CreateTempSubdirectory("lt-full-").FullName;
            Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", folder);
            return new SmallDisk(folder);
        }

        /// <summary>Writes until the file system says there is no space left.</summary>
        public void Fill()
        {
            using var file = new FileStream(Filler, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
            var block = new byte[4096];
            try
            {
                while (true)
                {
                    file.Write(block);
                }
            }
            catch (IOException)
            {
                // ENOSPC: the disk is full.
            }
        }

        public void Free() => File.Delete(Filler);

        public void Dispose()
        {
            SqliteConnection.ClearAllPools();
            Run("umount", "-l", Folder);
            Directory.Delete(Folder, recursive: true);
        }

        private static void Run(string program, params string[] arguments)
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {error} (the disk-full test mounts a tmpfs, which needs root)");
        }
    }
}
