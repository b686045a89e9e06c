using System.Net;
using LicenceTrust.Issuance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>The rules of the per-account throttle, on a fake clock.</summary>
public class SignInThrottleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Free_failures_then_a_doubling_backoff_then_a_lockout_that_ends()
    {
        var throttle = new SignInThrottle(_time, new SignInThrottleOptions { FreeFailures = 3, LockoutAfter = 6, LockoutDuration = TimeSpan.FromMinutes(15) });
        for (var i = 0; i < 3; i++)
        {
            Assert.True(throttle.Check("wang.wu").Allowed);
            Assert.False(throttle.Failed("wang.wu"));
        }

        Assert.True(throttle.Check("wang.wu").Allowed);
        Assert.False(throttle.Failed("wang.wu")); // the 4th: from now on a wait of 1, 2, 4 … s
        Assert.Equal(new SignInGate(TimeSpan.FromSeconds(1), Locked: false), throttle.Check("WANG.WU"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(throttle.Failed("wang.wu"));
        Assert.Equal(TimeSpan.FromSeconds(2), throttle.Check("wang.wu").RetryAfter);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(throttle.Failed("wang.wu")); // the 6th locks
        Assert.Equal(new SignInGate(TimeSpan.FromMinutes(15), Locked: true), throttle.Check("wang.wu"));
        Assert.True(throttle.Check("li.si").Allowed);
        _time.Advance(TimeSpan.FromMinutes(15));
        Assert.True(throttle.Check("wang.wu").Allowed);
        Assert.False(throttle.Failed("wang.wu")); // a new run starts at one
        Assert.True(throttle.Check("wang.wu").Allowed);
    }

    [Fact]
    public void A_right_password_ends_the_run_and_an_old_run_is_forgotten()
    {
        var throttle = new SignInThrottle(_time, new SignInThrottleOptions { FreeFailures = 1 });
        throttle.Failed("a");
        throttle.Failed("a");
        Assert.False(throttle.Check("a").Allowed);
        throttle.Succeeded("a");
        Assert.True(throttle.Check("a").Allowed);

        throttle.Failed("b");
        throttle.Failed("b");
        _time.Advance(TimeSpan.FromHours(2));
        Assert.True(throttle.Check("b").Allowed);
    }

    [Fact]
    public void The_backoff_never_exceeds_its_maximum()
    {
        var throttle = new SignInThrottle(_time, new SignInThrottleOptions { FreeFailures = 0, LockoutAfter = 1000, MaxBackoff = TimeSpan.FromSeconds(30) });
        for (var i = 0; i < 20; i++)
        {
            throttle.Failed("a");
        }

        Assert.Equal(TimeSpan.FromSeconds(30), throttle.Check("a").RetryAfter);
    }
}

/// <summary>A node whose sign-in numbers make a test short: no backoff before a lockout after 10 failures; a small per-IP budget.</summary>
public sealed class LockoutNode() : SettingsNode("--Node:SignInFreeFailures=100", "--Node:SignInLockoutAfter=10", "--Node:SignInBurst=1000")
{
    public const string User = "zhao.liu";
    public const string Password = "right-password-2026";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Node.App.Services.GetRequiredService<StaffAccounts>().CreateAsync(User, "赵六", Password);
        await Node.App.Services.GetRequiredService<StaffAccounts>().CreateAsync("li.si", "李四", Password);
    }
}

/// <summary>Sign-in abuse over real HTTP: lockout (audited, logged, counted), backoff, the per-IP partition.</summary>
public class SignInLockoutTests(LockoutNode fixture) : IClassFixture<LockoutNode>
{
    private NodeFixture Node => fixture.Node;

    [Fact]
    public async Task Ten_wrong_passwords_lock_the_account_even_for_the_right_one_and_the_audit_shows_it()
    {
        using var client = Node.Client();
        for (var i = 0; i < 10; i++)
        {
            (await client.SendAsync(HttpMethod.Post, "/api/v1/session", new { username = LockoutNode.User, password = $"wrong-{i}" }))
                .AssertProblem(HttpStatusCode.Unauthorized, "SIGN_IN_FAILED");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/session") { Content = System.Net.Http.Json.JsonContent.Create(new { username = LockoutNode.User, password = LockoutNode.Password }) };
        using var locked = await client.SendAsync(request);
        var body = await locked.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Contains("\"code\":\"SIGN_IN_LOCKED\"", body, StringComparison.Ordinal);
        Assert.InRange(locked.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 800, 900);
        var audit = await Node.App.Services.GetRequiredService<IIssuanceStore>().AuditLogAsync(CancellationToken.None);
        Assert.Contains(audit, e => e is { EventId: AuditEvents.StaffAccountLockedOut, Subject: LockoutNode.User });
        var metrics = await client.GetStringAsync("/metrics");
        Assert.Contains("licencetrust_signin_lockouts_total", metrics, StringComparison.Ordinal);
        Assert.Contains("outcome=\"locked\"", metrics, StringComparison.Ordinal);

        // Another account is not affected.
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(HttpMethod.Post, "/api/v1/session", new { username = "li.si", password = LockoutNode.Password })).Status);
    }
}

/// <summary>A class fixture: one node with the given settings.</summary>
public abstract class SettingsNode(params string[] settings) : IAsyncLifetime
{
    public NodeFixture Node { get; } = new() { ExtraArgs = settings };

    public virtual Task InitializeAsync() => Node.InitializeAsync();

    public Task DisposeAsync() => Node.DisposeAsync();
}

/// <summary>A node with a backoff after one failure and a per-IP budget of five sign-ins.</summary>
public sealed class ThrottledNode() : SettingsNode("--Node:SignInFreeFailures=1", "--Node:SignInBurst=5", "--Node:SignInPerMinute=1");

public class SignInFloodTests(ThrottledNode fixture) : IClassFixture<ThrottledNode>
{
    [Fact]
    public async Task A_flood_from_one_address_is_refused_before_hashing_and_verification_keeps_answering()
    {
        using var client = fixture.Node.Client();
        var attempts = Enumerable.Range(0, 12).Select(i => client.SendAsync(HttpMethod.Post, "/api/v1/session", new { username = $"user{i}", password = "not-the-password" }));
        var answers = await Task.WhenAll(attempts);

        Assert.Equal(5, answers.Count(a => a.Status == HttpStatusCode.Unauthorized));
        Assert.Equal(7, answers.Count(a => a.Status == HttpStatusCode.TooManyRequests && a.Body.GetProperty("code").GetString() == "RATE_LIMITED"));
        var verify = await client.SendAsync(HttpMethod.Post, "/api/v1/verify", new { qrText = "LT1:" });
        Assert.Equal(HttpStatusCode.OK, verify.Status);
    }
}

/// <summary>The backoff over HTTP, on its own node so the per-IP budget of the flood test does not interfere.</summary>
public sealed class BackoffNode() : SettingsNode("--Node:SignInFreeFailures=1", "--Node:SignInBurst=100");

public class SignInBackoffTests(BackoffNode fixture) : IClassFixture<BackoffNode>
{
    [Fact]
    public async Task After_the_free_failures_the_next_attempt_must_wait_and_is_told_how_long()
    {
        using var client = fixture.Node.Client();
        var sign = new { username = "nobody.here", password = "wrong-password" };
        (await client.SendAsync(HttpMethod.Post, "/api/v1/session", sign)).AssertProblem(HttpStatusCode.Unauthorized, "SIGN_IN_FAILED");
        (await client.SendAsync(HttpMethod.Post, "/api/v1/session", sign)).AssertProblem(HttpStatusCode.Unauthorized, "SIGN_IN_FAILED");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/session") { Content = System.Net.Http.Json.JsonContent.Create(sign) };
        using var waited = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.TooManyRequests, waited.StatusCode);
        Assert.Contains("SIGN_IN_BACKOFF", await waited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(1), waited.Headers.RetryAfter!.Delta);
    }
}
