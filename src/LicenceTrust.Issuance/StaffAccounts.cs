namespace LicenceTrust.Issuance;

/// <summary>A counter staff account: the password only as a PBKDF2 hash.</summary>
public sealed record StaffAccount(string Username, string DisplayName, string PasswordHash, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt);

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
public sealed class StaffAccounts(IStaffStore store, IIssuanceTransactions issuance, TimeProvider time, SignInThrottle throttle)
{
    /// <summary>The meter of sign-in, for staff and officers (<see cref="SignInThrottle.MeterName"/>).</summary>
    public const string MeterName = SignInThrottle.MeterName;

    public const int Iterations = PasswordHasher.Iterations;
    public const int MinPasswordLength = PasswordHasher.MinPasswordLength;

    /// <exception cref="ArgumentException">Bad user name.</exception>
    /// <exception cref="LicenceTrustException">A password <see cref="PasswordPolicy"/> refuses.</exception>
    /// <exception cref="InvalidOperationException">The user name is taken.</exception>
    public async Task<StaffAccount> CreateAsync(string username, string displayName, string password, CancellationToken cancellationToken = default)
    {
        PasswordHasher.CheckUsername(username);

        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        PasswordPolicy.Check(password, username);
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
    /// Checks a password under the <see cref="SignInThrottle"/> (<see cref="SignInThrottle.AttemptAsync"/>);
    /// the failure that locks an existing account is written to the audit chain.
    /// </summary>
    public Task<SignInOutcome<StaffAccount>> SignInAsync(string? username, string? password, CancellationToken cancellationToken = default)
    {
        var name = username is { Length: > 0 and <= 64 } ? username : string.Empty;
        return throttle.AttemptAsync(name, password, () => name.Length == 0 ? Task.FromResult<StaffAccount?>(null) : store.FindAsync(name, cancellationToken),
            account => account.PasswordHash, account => account.DisabledAt is null,
            account => AuditChain.AppendAsync(issuance, new AuditDraft(AuditEvents.StaffAccountLockedOut, "staff.locked_out", Actor.System.ToString(), account.Username,
                $"failures={throttle.Options.LockoutAfter};minutes={throttle.Options.LockoutDuration.TotalMinutes}", time.GetUtcNow()), cancellationToken),
            cancellationToken);
    }
}
