using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using LicenceTrust.Core.Crypto;

namespace LicenceTrust.KeyStore;

/// <summary>
/// How private key files may be opened: with which passphrase, and whether a plaintext key is accepted.
/// A node accepts plaintext keys only when told to (<c>Node:AllowPlaintextKeys</c>, which the demo sets).
/// </summary>
/// <param name="Passphrase">Opens encrypted keys; null when none was given.</param>
/// <param name="AllowPlaintext">Whether an unencrypted <c>PRIVATE KEY</c> file is accepted.</param>
public sealed record KeyAccess(string? Passphrase, bool AllowPlaintext)
{
    /// <summary>The environment variable that carries the passphrase (never the command line).</summary>
    public const string PassphraseVariable = "LICENCETRUST_KEY_PASSPHRASE";

    /// <summary>The PKCS#11 token that holds the keys named by <c>.key.pkcs11</c> files; null when the keys are all files.</summary>
    public Pkcs11Token? Token { get; init; }

    /// <summary>Plaintext accepted, no passphrase: the sample keys, tests, and reading certificates only.</summary>
    public static KeyAccess Lenient { get; } = new(null, AllowPlaintext: true);

    /// <summary>The passphrase from a file (its first line) when one is named, else from <see cref="PassphraseVariable"/>.</summary>
    /// <exception cref="InvalidDataException">The file cannot be read.</exception>
    public static KeyAccess From(string? passphraseFile, bool allowPlaintext)
    {
        string? passphrase;
        try
        {
            passphrase = passphraseFile is null ? Environment.GetEnvironmentVariable(PassphraseVariable) : File.ReadLines(passphraseFile).FirstOrDefault();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{passphraseFile}: the key passphrase file cannot be read ({e.Message}).", e);
        }

        return new KeyAccess(string.IsNullOrEmpty(passphrase) ? null : passphrase, allowPlaintext);
    }
}

/// <summary>
/// Private key files: encrypted PKCS#8 (PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC,
/// <c>ENCRYPTED PRIVATE KEY</c>) by default, plaintext PKCS#8 (<c>PRIVATE KEY</c>) for the samples.
/// </summary>
public static class KeyFiles
{
    /// <summary>PBKDF2 iterations: OWASP's figure for HMAC-SHA256. A node opens its few keys once, at start.</summary>
    public const int Iterations = 600_000;

    /// <summary>The key as an <c>ENCRYPTED PRIVATE KEY</c> PEM block.</summary>
    public static string ToEncryptedPem(SigningKey key, string passphrase)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(passphrase);
        var info = Pkcs8PrivateKeyInfo.Decode(key.ToPkcs8(), out _);
        var encrypted = info.Encrypt(passphrase, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, Iterations));
        return new string(PemEncoding.Write("ENCRYPTED PRIVATE KEY", encrypted));
    }

    /// <summary>Reads a private key file under <paramref name="access"/>.</summary>
    /// <exception cref="InvalidDataException">Refused or unreadable; the message names the file and what to do.</exception>
    public static SigningKey Read(string path, KeyAccess access)
    {
        ArgumentNullException.ThrowIfNull(access);
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new InvalidDataException($"{path}: not a PEM file.");
        }

        var label = pem[fields.Label];
        try
        {
            switch (label)
            {
                case "PRIVATE KEY" when access.AllowPlaintext:
                    return SigningKey.FromPkcs8(Convert.FromBase64String(pem[fields.Base64Data]));
                case "PRIVATE KEY":
                    throw new InvalidDataException(
                        $"{path}: the private key is not encrypted. Encrypt it (licencetrust keys encrypt), or set Node:AllowPlaintextKeys=true for sample and test keys only.");
                case "ENCRYPTED PRIVATE KEY" when access.Passphrase is null:
                    throw new InvalidDataException(
                        $"{path}: the private key is encrypted and no passphrase was given: set {KeyAccess.PassphraseVariable}, or name a file with Node:KeyPassphraseFile.");
                case "ENCRYPTED PRIVATE KEY":
                    var info = Pkcs8PrivateKeyInfo.DecryptAndDecode(access.Passphrase, Convert.FromBase64String(pem[fields.Base64Data]), out _);
                    return SigningKey.FromPkcs8(info.Encode());
                default:
                    throw new InvalidDataException($"{path}: a '{label}' PEM block, not a PKCS#8 private key.");
            }
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException($"{path}: the passphrase does not open the key.", e);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
