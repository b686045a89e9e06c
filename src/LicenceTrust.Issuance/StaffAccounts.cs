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
/// Staff accounts for the full licence view on the QR page (docs/ui.md). Passwords are kept as
/// <see cref="PasswordHasher"/> hashes; an unknown user costs the same work as a wrong password.
/// </summary>
public sealed class StaffAccounts(IStaffStore store, IIssuanceStore issuance, TimeProvider time, SignInThrottle throttle)
{
    /// <summary>The meter of sign-in: failures by outcome (wrong_password, backoff, locked) and lockouts.</summary>
    public const string MeterName = "LicenceTrust.SignIn";

    private static readonly System.Diagnostics.Metrics.Meter Meter = new(MeterName);
    private static readonly System.Diagnostics.Metrics.Counter<long> Failures = Meter.CreateCounter<long>("licencetrust.signin.failures", description: "Refused sign-ins, by outcome: wrong_password, backoff, locked.");
    private static readonly System.Diagnostics.Metrics.Counter<long> Lockouts = Meter.CreateCounter<long>("licencetrust.signin.lockouts", description: "Accounts locked after repeated wrong passwords.");

    public const int Iterations = PasswordHasher.Iterations;
    public const int MinPasswordLength = PasswordHasher.MinPasswordLength;

    /// <exception cref="ArgumentException">Bad user name or a password shorter than <see cref="MinPasswordLength"/>.</exception>
    /// <exception cref="InvalidOperationException">The user name is taken.</exception>
    public async Task<StaffAccount> CreateAsync(string username, string displayName, string password, CancellationToken cancellationToken = default)
    {
        PasswordHasher.CheckUsername(username);

        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        displayName = Lints.CleanText(displayName, "name");
        var now = time.GetUtcNow();
        var account = new StaffAccount(username, displayName.Trim(), PasswordHasher.Hash(password), now, null);
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
        var matches = await PasswordHasher.MatchesAsync(password, account?.PasswordHash, cancellationToken);

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
}
