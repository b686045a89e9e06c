using System.Collections.Concurrent;

namespace LicenceTrust.Issuance;

/// <summary>The numbers of <see cref="SignInThrottle"/>.</summary>
public sealed record SignInThrottleOptions
{
    /// <summary>Wrong passwords in a row that cost nothing extra (a typo or two).</summary>
    public int FreeFailures { get; init; } = 3;

    /// <summary>Wrong passwords in a row after which the account is locked.</summary>
    public int LockoutAfter { get; init; } = 10;

    /// <summary>How long a lockout lasts.</summary>
    public TimeSpan LockoutDuration { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest wait between two attempts before the lockout.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A run of failures older than this is forgotten.</summary>
    public TimeSpan Memory { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>Whether an attempt may go ahead, and if not, for how long it may not.</summary>
/// <param name="RetryAfter">Zero when the attempt may go ahead.</param>
/// <param name="Locked">True during a lockout, false during a backoff.</param>
public readonly record struct SignInGate(TimeSpan RetryAfter, bool Locked)
{
    public bool Allowed => RetryAfter <= TimeSpan.Zero;
}

/// <summary>
/// Per-account backoff, then lockout, for password sign-in (staff and, later, officers): after
/// <see cref="SignInThrottleOptions.FreeFailures"/> wrong passwords in a row each further attempt must
/// wait 1, 2, 4 … s (at most <see cref="SignInThrottleOptions.MaxBackoff"/>); at
/// <see cref="SignInThrottleOptions.LockoutAfter"/> the account is locked for
/// <see cref="SignInThrottleOptions.LockoutDuration"/>. A refused attempt is answered before any password
/// hashing runs. Unknown user names are throttled exactly like real ones, so the answers do not tell
/// which accounts exist. In memory, per node process: a restart forgets, and each replica counts on
/// its own (docs/security.md says what that allows). Thread-safe.
/// </summary>
public sealed class SignInThrottle(TimeProvider time, SignInThrottleOptions options)
{
    /// <summary>Accounts tracked at most; past that, runs older than <see cref="SignInThrottleOptions.Memory"/> are dropped first.</summary>
    private const int MaxTracked = 100_000;

    private readonly ConcurrentDictionary<string, Run> _runs = new(StringComparer.OrdinalIgnoreCase);

    public SignInThrottleOptions Options => options;

    /// <summary>May an attempt for <paramref name="account"/> go ahead now?</summary>
    public SignInGate Check(string account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var now = time.GetUtcNow();
        if (!_runs.TryGetValue(account, out var run) || now - run.Last > options.Memory)
        {
            return default;
        }

        if (run.LockedUntil is { } until)
        {
            return until > now ? new SignInGate(until - now, Locked: true) : default;
        }

        var wait = run.Failures <= options.FreeFailures
            ? TimeSpan.Zero
            : TimeSpan.FromSeconds(Math.Min(Math.Pow(2, run.Failures - options.FreeFailures - 1), options.MaxBackoff.TotalSeconds));
        var next = run.Last + wait;
        return next > now ? new SignInGate(next - now, Locked: false) : default;
    }

    /// <summary>Records a wrong password; true when this failure locked the account.</summary>
    public bool Failed(string account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var now = time.GetUtcNow();
        if (_runs.Count >= MaxTracked)
        {
            foreach (var stale in _runs.Where(r => now - r.Value.Last > options.Memory || r.Value.LockedUntil < now).Select(r => r.Key).ToList())
            {
                _runs.TryRemove(stale, out _);
            }
        }

        var run = _runs.AddOrUpdate(
            account,
            _ => new Run(1, now, null),
            (_, old) => old.LockedUntil < now || now - old.Last > options.Memory ? new Run(1, now, null) : new Run(old.Failures + 1, now, old.LockedUntil));
        if (run.Failures >= options.LockoutAfter && run.LockedUntil is null)
        {
            _runs[account] = run with { LockedUntil = now + options.LockoutDuration };
            return true;
        }

        return false;
    }

    /// <summary>A right password ends the run.</summary>
    public void Succeeded(string account) => _runs.TryRemove(account, out _);

    private sealed record Run(int Failures, DateTimeOffset Last, DateTimeOffset? LockedUntil);
}
