using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LicenceTrust.Issuance;

/// <summary>
/// The one password hash of the node, for staff and officers alike: PBKDF2-HMAC-SHA256 (BCL
/// <see cref="Rfc2898DeriveBytes.Pbkdf2(ReadOnlySpan{byte}, ReadOnlySpan{byte}, int, HashAlgorithmName, int)"/>),
/// 16-byte random salt, 210,000 iterations (OWASP 2023), stored as <c>pbkdf2-sha256$iterations$salt$hash</c>
/// and compared in constant time.
/// </summary>
public static class PasswordHasher
{
    public const int Iterations = 210_000;
    public const int MinPasswordLength = PasswordPolicy.MinLength;
    public const int MaxPasswordLength = PasswordPolicy.MaxLength;

    private static readonly string DummyHash = Hash("not a password", RandomNumberGenerator.GetBytes(16), Iterations);

    // Hashing (about 80 ms of CPU each) runs on at most half the cores, process-wide, so sign-ins from
    // many addresses at once queue here instead of taking every core from verification.
    private static readonly SemaphoreSlim Hashing = new(Math.Max(1, Environment.ProcessorCount / 2));

    /// <summary>A new hash of a password that meets the length rule.</summary>
    /// <exception cref="ArgumentException">Shorter than <see cref="MinPasswordLength"/> or longer than <see cref="MaxPasswordLength"/>.</exception>
    public static string Hash(string? password)
    {
        if (password is null || password.Length < MinPasswordLength || password.Length > MaxPasswordLength)
        {
            throw new ArgumentException($"The password needs {MinPasswordLength}-{MaxPasswordLength} characters.", nameof(password));
        }

        return Hash(password, RandomNumberGenerator.GetBytes(16), Iterations);
    }

    /// <summary>User names: 1–64 ASCII letters, digits, '.', '-' or '_'.</summary>
    /// <exception cref="ArgumentException">Anything else.</exception>
    public static void CheckUsername(string? username)
    {
        if (string.IsNullOrWhiteSpace(username) || username.Length > 64 || !username.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            throw new ArgumentException("The user name takes 1-64 letters, digits, '.', '-' or '_'.", nameof(username));
        }
    }

    /// <summary>Whether the password matches the stored hash; with no hash (an unknown user) the same work is done and false returned.</summary>
    public static async Task<bool> MatchesAsync(string? password, string? storedHash, CancellationToken cancellationToken)
    {
        await Hashing.WaitAsync(cancellationToken);
        try
        {
            var matches = Verify(password ?? string.Empty, storedHash ?? DummyHash);
            return matches && storedHash is not null;
        }
        finally
        {
            Hashing.Release();
        }
    }

    private static string Hash(string password, byte[] salt, int iterations) =>
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
