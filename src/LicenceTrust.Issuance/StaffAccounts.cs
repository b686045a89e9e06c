using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LicenceTrust.Issuance;

/// <summary>A counter staff account: the password only as a PBKDF2 hash.</summary>
public sealed record StaffAccount(string Username, string DisplayName, string PasswordHash, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt);

/// <summary>What became of a sign-in attempt.</summary>
/// <param name="Account">The account, when the password was right and the account active.</param>
/// <param name="Refused">Not zero when the attempt was refused unchecked (backoff or lockout), with how long to wait.</param>
/// <param name="LockedNow">True when this attempt's wrong password locked the account.</param>
public sealed record SignInOutcome(StaffAccount? Account, SignInGate Refused, bool LockedNow);

/// <summary>Where staff accounts are kept.</summary>
public interface IStaffStore
{
    Task<StaffAccount?> FindAsync(string username, CancellationToken cancellationToken);

    /// <summary>Stores a new account; false when the user name is taken.</summary>
    Task<bool> InsertAsync(StaffAccount account, CancellationToken cancellationToken);
}

/// <summary>
/// Staff accounts for the full licence view on the QR page (docs/ui.md). Passwords are hashed with
/// PBKDF2-HMAC-SHA256 (BCL <see cref="Rfc2898DeriveBytes.Pbkdf2(ReadOnlySpan{byte}, ReadOnlySpan{byte}, int, HashAlgorithmName, int)"/>),
/// 16-byte random salt, 210,000 iterations (OWASP 2023), stored as <c>pbkdf2-sha256$iterations$salt$hash</c>
/// and compared in constant time. An unknown user costs the same work as a wrong password.
/// </summary>
public sealed class StaffAccounts(IStaffStore store, IIssuanceStore issuance, TimeProvider time, SignInThrottle throttle)
{
    /// <summary>The meter of sign-in: failures by outcome (wrong_password, backoff, locked) and lockouts.</summary>
    public const string MeterName = "LicenceTrust.SignIn";

    private static readonly System.Diagnostics.Metrics.Meter Meter = new(MeterName);
    private static readonly System.Diagnostics.Metrics.Counter<long> Failures = Meter.CreateCounter<long>("licencetrust.signin.failures", description: "Refused sign-ins, by outcome: wrong_password, backoff, locked.");
    private static readonly System.Diagnostics.Metrics.Counter<long> Lockouts = Meter.CreateCounter<long>("licencetrust.signin.lockouts", description: "Accounts locked after repeated wrong passwords.");

    public const int Iterations = 210_000;
    public const int MinPasswordLength = 10;
    private static readonly string DummyHash = Hash("not a password", RandomNumberGenerator.GetBytes(16), Iterations);

    // Password hashing (about 80 ms of CPU each) runs on at most half the cores, so sign-ins from many
    // addresses at once queue here instead of taking every core from verification.
    private readonly SemaphoreSlim _hashing = new(Math.Max(1, Environment.ProcessorCount / 2));

    /// <exception cref="ArgumentException">Bad user name or a password shorter than <see cref="MinPasswordLength"/>.</exception>
    /// <exception cref="InvalidOperationException">The user name is taken.</exception>
    public async Task<StaffAccount> CreateAsync(string username, string displayName, string password, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(username) || username.Length > 64 || !username.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            throw new ArgumentException("The user name takes 1-64 letters, digits, '.', '-' or '_'.", nameof(username));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        displayName = Lints.CleanText(displayName, "name");
        if (password is null || password.Length < MinPasswordLength)
        {
            throw new ArgumentException($"The password needs at least {MinPasswordLength} characters.", nameof(password));
        }

        var now = time.GetUtcNow();
        var account = new StaffAccount(username, displayName.Trim(), Hash(password, RandomNumberGenerator.GetBytes(16), Iterations), now, null);
        if (!await store.InsertAsync(account, cancellationToken))
        {
            throw new InvalidOperationException($"The user name '{username}' is taken.");
        }

        await AuditChain.AppendAsync(issuance, new AuditDraft(AuditEvents.StaffAccountCreated, "staff.created", Actor.System.ToString(), username, $"name={account.DisplayName}", now), cancellationToken);
        return account;
    }

    /// <summary>
    /// Checks a password under the <see cref="SignInThrottle"/>: an attempt in a backoff or lockout is
    /// refused before any hashing; a wrong password extends the run, and the failure that locks an
    /// existing account is written to the audit chain.
    /// </summary>
    public async Task<SignInOutcome> SignInAsync(string? username, string? password, CancellationToken cancellationToken = default)
    {
        var name = username is { Length: > 0 and <= 64 } ? username : string.Empty;
        var gate = throttle.Check(name);
        if (!gate.Allowed)
        {
            Failures.Add(1, new KeyValuePair<string, object?>("outcome", gate.Locked ? "locked" : "backoff"));
            return new SignInOutcome(null, gate, LockedNow: false);
        }

        var account = name.Length == 0 ? null : await store.FindAsync(name, cancellationToken);
        bool matches;
        await _hashing.WaitAsync(cancellationToken);
        try
        {
            matches = Verify(password ?? string.Empty, account?.PasswordHash ?? DummyHash);
        }
        finally
        {
            _hashing.Release();
        }

        if (matches && account is { DisabledAt: null })
        {
            throttle.Succeeded(name);
            return new SignInOutcome(account, default, LockedNow: false);
        }

        Failures.Add(1, new KeyValuePair<string, object?>("outcome", "wrong_password"));
        var locked = throttle.Failed(name);
        if (locked)
        {
            Lockouts.Add(1);
            if (account is not null)
            {
                await AuditChain.AppendAsync(issuance, new AuditDraft(AuditEvents.StaffAccountLockedOut, "staff.locked_out", Actor.System.ToString(), account.Username,
                    $"failures={throttle.Options.LockoutAfter};minutes={throttle.Options.LockoutDuration.TotalMinutes}", time.GetUtcNow()), cancellationToken);
            }
        }

        return new SignInOutcome(null, default, locked);
    }

    internal static string Hash(string password, byte[] salt, int iterations) =>
        string.Create(CultureInfo.InvariantCulture, $"pbkdf2-sha256${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32))}");

    private static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts is not ["pbkdf2-sha256", var count, var salt, var hash] || !int.TryParse(count, CultureInfo.InvariantCulture, out var iterations))
        {
            return false;
        }

        var expected = Convert.FromBase64String(hash);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(salt), iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
