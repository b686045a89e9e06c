using System.Collections.Frozen;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Issuance;

/// <summary>
/// What a password of a console officer or counter staff must be (docs/security.md): 12 to 200 characters;
/// not the user name and not containing it; at least 5 different characters; and not one of the 49,000
/// passwords people choose most (the shipped list, <c>Passwords/common-passwords.txt</c>), nor one of them
/// with digits or punctuation added at the end (<c>password2026!</c>). Case is ignored throughout. Pure;
/// thread-safe; the list is read once.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 12;
    public const int MaxLength = 200;

    /// <summary>Fewer different characters than this (aaaaaaaaaaaa, 121212121212) is too little to guess.</summary>
    public const int MinDistinctCharacters = 5;

    private static readonly Lazy<FrozenSet<string>> Common = new(ReadCommon);

    /// <summary>How many passwords the shipped list holds.</summary>
    public static int CommonPasswords => Common.Value.Count;

    /// <summary>Refuses a password the rules do not allow, saying which rule in Chinese and English; the field is <c>password</c>.</summary>
    /// <exception cref="LicenceTrustException">PASSWORD_TOO_SHORT or PASSWORD_WEAK (400).</exception>
    public static void Check(string? password, string username)
    {
        if (Problem(password, username) is { } problem)
        {
            throw problem;
        }
    }

    /// <summary>The refusal, or null when the password meets every rule.</summary>
    public static LicenceTrustException? Problem(string? password, string username)
    {
        if (password is null || password.Length < MinLength || password.Length > MaxLength)
        {
            return LicenceTrustException.Validation("PASSWORD_TOO_SHORT", $"密码需{MinLength}至{MaxLength}个字符 (the password needs {MinLength} to {MaxLength} characters).", "password");
        }

        var lower = password.ToLowerInvariant();
        var name = (username ?? string.Empty).Trim().ToLowerInvariant();
        if (name.Length > 0 && (lower.Contains(name, StringComparison.Ordinal) || name.Contains(lower, StringComparison.Ordinal)))
        {
            return Weak("密码不能是用户名，也不能包含用户名", "the password may not be or contain the user name");
        }

        if (lower.Distinct().Count() < MinDistinctCharacters)
        {
            return Weak($"密码至少需要{MinDistinctCharacters}个不同的字符", $"the password needs at least {MinDistinctCharacters} different characters");
        }

        if (Common.Value.Contains(lower) || Common.Value.Contains(lower.TrimEnd(Trailing)))
        {
            return Weak("这是最常见的密码之一，很容易被猜到，请换一个", "this is one of the most common passwords and easily guessed; choose another");
        }

        return null;
    }

    /// <summary>What people add at the end of a common password: a year, a number, a mark.</summary>
    private static readonly char[] Trailing = [.. "0123456789!@#$%^&*()-_=+.?~ "];

    private static LicenceTrustException Weak(string zh, string en) =>
        LicenceTrustException.Validation("PASSWORD_WEAK", $"{zh} ({en}).", "password");

    private static FrozenSet<string> ReadCommon()
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("LicenceTrust.Issuance.Passwords.common-passwords.txt")
            ?? throw new InvalidOperationException("The list of common passwords is not in the assembly.");
        using var reader = new StreamReader(stream);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                words.Add(line);
            }
        }

        return words.ToFrozenSet(StringComparer.Ordinal);
    }
}
