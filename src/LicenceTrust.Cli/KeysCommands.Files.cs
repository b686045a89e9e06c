using System.CommandLine;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Pki;
using LicenceTrust.KeyStore;

namespace LicenceTrust.Cli;

/// <summary>How the key commands open and write key files: the passphrase, a PKCS#11 token, and 0600 files.</summary>
internal static partial class KeysCommands
{
    /// <summary>The options every command that writes a private key takes.</summary>
    private static (Option<FileInfo?> PassphraseFile, Option<bool> Plaintext) KeyFileOptions() =>
    (
        new Option<FileInfo?>("--passphrase-file") { Description = $"A file whose first line is the passphrase of the key files; else the {KeyAccess.PassphraseVariable} environment variable (never the command line)." },
        new Option<bool>("--plaintext") { Description = "Write the new private keys unencrypted: for samples and tests only (a node refuses them unless Node:AllowPlaintextKeys=true)." }
    );

    /// <summary>
    /// How the command opens existing keys and writes new ones: encrypted PKCS#8 under the passphrase (the
    /// default), or plaintext when asked. Without either, it refuses, saying how to give a passphrase.
    /// </summary>
    private static bool TryKeyWriter(ParseResult result, Option<FileInfo?> passphraseFile, bool plaintext, out KeyAccess access, out Func<SigningKey, string> keyPem)
    {
        keyPem = key => key.ToPkcs8Pem();
        try
        {
            access = KeyAccess.From(result.GetValue(passphraseFile)?.FullName, allowPlaintext: true);
        }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine(e.Message);
            access = KeyAccess.Lenient;
            return false;
        }

        if (plaintext)
        {
            return true;
        }

        if (access.Passphrase is not { } passphrase)
        {
            Console.Error.WriteLine($"New private keys are written encrypted: set {KeyAccess.PassphraseVariable} or give --passphrase-file FILE (or --plaintext for sample and test keys).");
            return false;
        }

        keyPem = key => KeyFiles.ToEncryptedPem(key, passphrase);
        return true;
    }

    /// <summary>
    /// How a command makes a new private key and records it beside its certificate: a PKCS#8 file
    /// (<paramref name="Pem"/>: encrypted unless --plaintext), or a key generated inside a PKCS#11 token,
    /// named by a <c>.key.pkcs11</c> file (the key never leaves the token).
    /// </summary>
    private sealed record KeyMaker(KeyAccess Access, Func<SigningKey, string> Pem, Pkcs11Token? Token)
    {
        public ICredentialSigner New(SignatureAlgorithm algorithm, string label) => Token?.Generate(label, algorithm) ?? SigningKey.Generate(algorithm);

        public void Save(ICredentialSigner key, string keyPemPath, string label)
        {
            if (Token is not null)
            {
                KeyDirectory.WritePkcs11Locator(keyPemPath, label);
            }
            else
            {
                File.WriteAllText(keyPemPath, Pem((SigningKey)key).TrimEnd() + "\n");
            }
        }
    }

    private static bool TryKeyMaker(ParseResult result, Option<FileInfo?> passphraseFile, bool plaintext, TokenOptions? hsm, out KeyMaker maker)
    {
        if (hsm is null || result.GetValue(hsm.Library) is null)
        {
            var ok = TryKeyWriter(result, passphraseFile, plaintext, out var fileAccess, out var pem);
            maker = new KeyMaker(fileAccess, pem, null);
            return ok;
        }

        maker = null!;
        try
        {
            var token = hsm.Open(result)!;
            maker = new KeyMaker(KeyAccess.From(result.GetValue(passphraseFile)?.FullName, allowPlaintext: true) with { Token = token }, key => key.ToPkcs8Pem(), token);
            return true;
        }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine(e.Message);
            return false;
        }
    }

    private static void Write(string folder, string name, string content) => File.WriteAllText(Path.Combine(folder, name), content.TrimEnd() + "\n");
}
