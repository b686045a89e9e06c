using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Core.Licences;
using LicenceTrust.Issuance;
using LicenceTrust.Samples;
using LicenceTrust.Storage;
using LicenceTrust.Storage.Postgres;
using LicenceTrust.Testing;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Two replicas of the Chongqing node (real processes, no shared memory) on one real PostgreSQL
/// database (the server scripts/test.sh starts): a change made through one shows in the other's
/// verification within 1 s (issue 7), and a staff session made at one is good at the other, before and
/// after both restart, because they share the session key ring kept in the database (issue 17); an
/// officer signed in at one approves in the console of the other (issue 32).
/// </summary>
public sealed class ReplicaTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string StaffPassword = "counter-password-2026";
    private readonly List<Process> _replicas = [];
    private readonly int[] _ports = [FreePorts.Next(), FreePorts.Next()];
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-replicas-").FullName;
    private string _connection = string.Empty;
    private string _regulatorKey = string.Empty;

    private string SessionKeyFile => Path.Combine(_folder, "session.key");

    public async Task InitializeAsync()
    {
        _connection = PostgresServer.CreateDatabase();
        var database = new PostgresDatabase(_connection);
        database.Migrate();
        var regulator = SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence);
        _regulatorKey = (await new ApiKeyService(new ApiKeyStore(database), new IssuanceStore(database), TimeProvider.System)
            .CreateAsync(ActorRole.Authority, regulator.Name, regulator.Code.Value)).Key;
        foreach (var (arguments, input) in new[]
        {
            ($"keys session --out {SessionKeyFile}", (string?)null),
            ($"staff create --postgres \"{_connection}\" --username counter.li --name 李柜员", StaffPassword),
            ($"officer create --postgres \"{_connection}\" --username li.si --name 李四 --authority {regulator.Code.Value} --role clerk", ConsoleFixture.Password),
            ($"officer create --postgres \"{_connection}\" --username zhao.liu --name 赵六 --authority {regulator.Code.Value} --role approver", ConsoleFixture.Password),
        })
        {
            var made = await Programs.RunAsync(Programs.Cli, arguments, input);
            Assert.True(made.Code == 0, made.Output);
        }

        await StartReplicasAsync();
    }

    /// <summary>Starts both replicas together, as an orchestrator would (start-up must tolerate the other replica), and waits until both are ready.</summary>
    private async Task StartReplicasAsync()
    {
        _replicas.Clear();
        foreach (var port in _ports)
        {
            _replicas.Add(Programs.Start(Programs.Server, string.Join(' ',
                $"--urls=http://127.0.0.1:{port}", "--Node:DatabaseProvider=postgres", $"\"--Node:ConnectionString={_connection}\"",
                $"--Node:KeysDirectory={RepositoryPaths.KeysSample}", "--Node:AllowPlaintextKeys=true", $"--Node:PublicBaseUrl=http://127.0.0.1:{_ports[0]}",
                $"--Node:SessionKeyFile={SessionKeyFile}", "--Logging:LogLevel:Default=Warning")));
        }

        using var http = new HttpClient();
        foreach (var (port, replica) in _ports.Zip(_replicas))
        {
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (!await ReadyAsync(http, port))
            {
                Assert.False(replica.HasExited, $"replica on {port} exited with {(replica.HasExited ? replica.ExitCode : 0)}");
                Assert.True(DateTime.UtcNow < deadline, $"replica on {port} never became ready");
                await Task.Delay(100);
            }
        }
    }

    public async Task DisposeAsync()
    {
        await StopReplicasAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task StopReplicasAsync()
    {
        foreach (var replica in _replicas)
        {
            replica.Kill(entireProcessTree: true);
            await replica.WaitForExitAsync();
            replica.Dispose();
        }

        _replicas.Clear();
    }

    [Fact]
    public async Task A_staff_session_made_at_replica_A_works_at_B_and_after_both_restart_and_its_key_ring_is_sealed_in_the_database()
    {
        using var a = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_ports[0]}") };
        using var signIn = await a.PostAsJsonAsync("/api/v1/session", new { username = "counter.li", password = StaffPassword });
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("lt-staff=", StringComparison.Ordinal)).Split(';')[0];

        Assert.Equal("counter.li", await SessionAtAsync(_ports[1], cookie));
        await StopReplicasAsync();
        await StartReplicasAsync();
        Assert.Equal("counter.li", await SessionAtAsync(_ports[1], cookie));
        Assert.Equal("counter.li", await SessionAtAsync(_ports[0], cookie));

        // The ring's keys are in the database, sealed: no key material in clear.
        await using var connection = await new PostgresDatabase(_connection).OpenAsync(CancellationToken.None);
        var stored = (await Dapper.SqlMapper.QueryAsync<string>(connection, "SELECT xml FROM session_keys")).ToList();
        Assert.NotEmpty(stored);
        Assert.All(stored, xml => Assert.Contains("AES-256-GCM", xml, StringComparison.Ordinal));
        Assert.All(stored, xml => Assert.DoesNotContain("masterKey", xml, StringComparison.Ordinal));
    }

    /// <summary>The signed-in user name the replica reads from the cookie, or null when it refuses the cookie (401).</summary>
    private static async Task<string?> SessionAtAsync(int port, string cookie)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/session");
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("username").GetString() : null;
    }

    [Fact]
    public async Task A_revocation_through_replica_A_is_seen_by_verification_on_replica_B_within_1_s()
    {
        using var a = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_ports[0]}") };
        using var b = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_ports[1]}") };
        a.DefaultRequestHeaders.Authorization = new("Bearer", _regulatorKey);
        using var issue = await a.PostAsJsonAsync("/api/v1/licences", NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 950));
        var issued = await issue.Content.ReadFromJsonAsync<JsonElement>();
        var qr = issued.GetProperty("qrText").GetString();
        Assert.Equal("VALID", await VerdictAsync(b, qr));
        Assert.Equal("VALID", await VerdictAsync(b, qr)); // now B holds the status list in memory

        using var revoke = await a.PostAsJsonAsync($"/api/v1/licences/{issued.GetProperty("identifier").GetString()}/revoke", new { reason = "吊销" });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var clock = Stopwatch.StartNew();
        string? verdict;
        do
        {
            verdict = await VerdictAsync(b, qr);
        }
        // Every 20 ms: a tight loop would meet the anonymous rate limit (200/s) before the revocation.
        while (verdict == "VALID" && clock.Elapsed < TimeSpan.FromSeconds(5) && await Task.Delay(20).ContinueWith(_ => true));

        output.WriteLine($"revoked through A, INVALID at B after {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal("INVALID", verdict);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task An_officer_signed_in_at_replica_A_approves_at_replica_B_a_draft_made_at_A()
    {
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        string A(string path) => $"http://127.0.0.1:{_ports[0]}{path}";
        string B(string path) => $"http://127.0.0.1:{_ports[1]}{path}";

        // The clerk drafts at A.
        await using var clerkContext = await browser.NewContextAsync(new() { BaseURL = A("/"), Locale = "zh-CN" });
        var clerk = await ConsoleFixture.SignInAsync(clerkContext, "li.si", ConsoleFixture.Password);
        var draft = await ConsoleFixture.SubmitBusinessLicenceDraftAsync(clerk, "91500103MA5U0C0N1X", "重庆副本示例有限公司", "王副本");

        // The approver signs in at A; the session cookie is good at B (the key ring is shared), and so is the form's antiforgery token B issues.
        await using var approverContext = await browser.NewContextAsync(new() { BaseURL = A("/"), Locale = "zh-CN" });
        var approver = await ConsoleFixture.SignInAsync(approverContext, "zhao.liu", ConsoleFixture.Password);
        var qr = await ConsoleFixture.ApproveAsync(approver, B(draft));
        Assert.StartsWith(B("/console/licences/"), approver.Url, StringComparison.Ordinal);

        // Signed once, by B, and verifiable at A.
        using var a = new HttpClient { BaseAddress = new Uri(A("/")) };
        Assert.Equal("VALID", await VerdictAsync(a, qr));
    }

    private static async Task<string?> VerdictAsync(HttpClient client, string? qr)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/verify", new { qrText = qr });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("result").GetProperty("verdict").GetString();
    }

    private static async Task<bool> ReadyAsync(HttpClient http, int port)
    {
        try
        {
            using var response = await http.GetAsync($"http://127.0.0.1:{port}/health/ready");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) // not listening yet, or too slow to answer on a busy machine
        {
            return false;
        }
    }

}
