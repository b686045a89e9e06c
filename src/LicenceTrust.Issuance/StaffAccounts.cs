using System.Globalization;
using System.Security.Cryptography;
using System.Text;

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
/// Staff accounts for the full licence view on the QR page (DESIGN §9). Passwords are hashed with
/// PBKDF2-HMAC-SHA256 (BCL <see cref="Rfc2898DeriveBytes.Pbkdf2(ReadOnlySpan{byte}, ReadOnlySpan{byte}, int, HashAlgorithmName, int)"/>),
/// 16-byte random salt, 210,000 iterations (OWASP 2023), stored as <c>pbkdf2-sha256$iterations$salt$hash</c>
/// and compared in constant time. An unknown user costs the same work as a wrong password.
/// </summary>
public sealed class StaffAccounts(IStaffStore store, IIssuanceStore issuance, TimeProvider time)
{
    public const int Iterations = 210_000;
    public const int MinPasswordLength = 10;
    private static readonly string DummyHash = Hash("not a password", RandomNumberGenerator.GetBytes(16), Iterations);

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

    /// <summary>The account when the password is right and the account active; otherwise null.</summary>
    public async Task<StaffAccount?> SignInAsync(string? username, string? password, CancellationToken cancellationToken = default)
    {
        var account = string.IsNullOrEmpty(username) || username.Length > 64 ? null : await store.FindAsync(username, cancellationToken);
        var matches = Verify(password ?? string.Empty, account?.PasswordHash ?? DummyHash);
        return matches && account is { DisabledAt: null } ? account : null;
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
