using System.Collections.Concurrent;
using LicenceTrust.Core.Results;

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

/// <summary>What became of a sign-in attempt, for any kind of account (staff, officers).</summary>
/// <param name="Account">The account, when the password was right and the account active.</param>
/// <param name="Refused">Not zero when the attempt was refused unchecked (backoff or lockout), with how long to wait.</param>
/// <param name="LockedNow">True when this attempt's wrong password locked the account.</param>
public sealed record SignInOutcome<TAccount>(TAccount? Account, SignInGate Refused, bool LockedNow)
    where TAccount : class
{
    /// <summary>
    /// The refusal as the product's error, null when signed in: 401 <c>SIGN_IN_FAILED</c> for a wrong
    /// password (the one that locks included), 429 <c>SIGN_IN_BACKOFF</c> or <c>SIGN_IN_LOCKED</c> with
    /// the seconds to wait.
    /// </summary>
    public LicenceTrustError? Error
    {
        get
        {
            if (Account is not null)
            {
                return null;
            }

            if (Refused.Allowed)
            {
                return new LicenceTrustError(ErrorKind.Unauthenticated, "SIGN_IN_FAILED", "用户名或密码不正确 (wrong user name or password).");
            }

            var seconds = Math.Max(1, (int)Math.Ceiling(Refused.RetryAfter.TotalSeconds));
            var minutes = (seconds + 59) / 60;
            return Refused.Locked
                ? new LicenceTrustError(ErrorKind.TooManyRequests, "SIGN_IN_LOCKED",
                    $"密码错误次数过多，账户已暂时锁定，请{minutes}分钟后再试 (too many wrong passwords: the account is locked; retry in {minutes} min).", RetryAfterSeconds: seconds)
                : new LicenceTrustError(ErrorKind.TooManyRequests, "SIGN_IN_BACKOFF",
                    $"密码错误次数较多，请{seconds}秒后再试 (several wrong passwords: wait {seconds} s before the next attempt).", RetryAfterSeconds: seconds);
        }
    }
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

    /// <summary>The meter of sign-in: failures by outcome (wrong_password, backoff, locked) and lockouts, for every kind of account.</summary>
    public const string MeterName = "LicenceTrust.SignIn";

    private static readonly System.Diagnostics.Metrics.Meter Meter = new(MeterName);
    private static readonly System.Diagnostics.Metrics.Counter<long> Failures = Meter.CreateCounter<long>("licencetrust.signin.failures", description: "Refused sign-ins, by outcome: wrong_password, backoff, locked.");
    private static readonly System.Diagnostics.Metrics.Counter<long> Lockouts = Meter.CreateCounter<long>("licencetrust.signin.lockouts", description: "Accounts locked after repeated wrong passwords.");

    /// <summary>
    /// One password sign-in under the throttle: an attempt in a backoff or lockout is refused before any
    /// hashing; an unknown name costs the same work as a wrong password; a wrong password extends the
    /// run, and <paramref name="lockedOut"/> runs when that failure locked an existing account (to audit it).
    /// </summary>
    /// <param name="key">The throttle's key: the user name, prefixed per kind of account.</param>
    /// <param name="password">What was typed.</param>
    /// <param name="find">Reads the account (not called for an empty name).</param>
    /// <param name="hashOf">The account's stored password hash.</param>
    /// <param name="active">Whether the account may sign in (not disabled).</param>
    /// <param name="lockedOut">Runs once when this attempt locked the account.</param>
    public async Task<SignInOutcome<TAccount>> AttemptAsync<TAccount>(string key, string? password, Func<Task<TAccount?>> find, Func<TAccount, string> hashOf,
        Func<TAccount, bool> active, Func<TAccount, Task> lockedOut, CancellationToken cancellationToken)
        where TAccount : class
    {
        ArgumentNullException.ThrowIfNull(find);
        ArgumentNullException.ThrowIfNull(hashOf);
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(lockedOut);
        var gate = Check(key);
        if (!gate.Allowed)
        {
            Failures.Add(1, new KeyValuePair<string, object?>("outcome", gate.Locked ? "locked" : "backoff"));
            return new SignInOutcome<TAccount>(null, gate, LockedNow: false);
        }

        var account = await find();
        if (await PasswordHasher.MatchesAsync(password, account is null ? null : hashOf(account), cancellationToken) && active(account!))
        {
            Succeeded(key);
            return new SignInOutcome<TAccount>(account, default, LockedNow: false);
        }

        Failures.Add(1, new KeyValuePair<string, object?>("outcome", "wrong_password"));
        var locked = Failed(key);
        if (locked)
        {
            Lockouts.Add(1);
            if (account is not null)
            {
                await lockedOut(account);
            }
        }

        return new SignInOutcome<TAccount>(null, default, locked);
    }

    private sealed record Run(int Failures, DateTimeOffset Last, DateTimeOffset? LockedUntil);
}
