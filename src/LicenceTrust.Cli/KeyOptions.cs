using System.CommandLine;
using LicenceTrust.KeyStore;

namespace LicenceTrust.Cli;

/// <summary>
/// The one way the tool opens the private keys of a key directory: the passphrase from <c>--passphrase-file</c>
/// or <c>LICENCETRUST_KEY_PASSPHRASE</c> (never the command line), plaintext keys accepted (the samples; the
/// node is the one that refuses them), and keys in a PKCS#11 token when <c>--pkcs11-*</c> name it. Commands
/// that only verify read certificates and take none of this (<see cref="KeyDirectory.LoadCertificates(string)"/>).
/// </summary>
internal sealed class KeyOptions
{
    public Option<FileInfo?> PassphraseFile { get; } = new("--passphrase-file")
    {
        Description = $"A file whose first line is the passphrase of the key files; else the {KeyAccess.PassphraseVariable} environment variable (never the command line).",
    };

    public TokenOptions Token { get; } = new();

    /// <summary>Adds the options to a command.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(PassphraseFile);
        foreach (var option in Token.All)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>How to open the keys; the token, when one is named, is opened now and closed with the returned scope.</summary>
    /// <exception cref="InvalidDataException">The passphrase file or the token cannot be read; the message says which.</exception>
    public KeyAccess Open(ParseResult result, out IDisposable? scope)
    {
        var token = Token.Open(result);
        scope = token;
        return KeyAccess.From(result.GetValue(PassphraseFile)?.FullName, allowPlaintext: true) with { Token = token };
    }
}

/// <summary>The options naming a PKCS#11 token: to generate a key inside it, or to use the keys it holds.</summary>
internal sealed class TokenOptions
{
    public Option<string?> Library { get; } = new("--pkcs11-library") { Description = "A PKCS#11 module whose token holds (or is to hold) the keys, e.g. /usr/lib/softhsm/libsofthsm2.so." };

    public Option<string?> Label { get; } = new("--pkcs11-token") { Description = "The token's label." };

    public Option<FileInfo?> PinFile { get; } = new("--pkcs11-pin-file") { Description = $"A file whose first line is the token's user PIN; else {Pkcs11Pin.Variable} (never the command line)." };

    public Option<ulong?> Sm2Mechanism { get; } = new("--pkcs11-sm2-mechanism") { Description = "The vendor's SM2-SM3 signing mechanism number (SoftHSM2 has none; untested here)." };

    public Option[] All => [Library, Label, PinFile, Sm2Mechanism];

    /// <summary>The token the options name, opened; null when no library is given.</summary>
    /// <exception cref="InvalidDataException">No label with a library, or the token refuses (PIN, label).</exception>
    public Pkcs11Token? Open(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.GetValue(Library) is not { } library)
        {
            return null;
        }

        var label = result.GetValue(Label) ?? throw new InvalidDataException("--pkcs11-token: the token's label is required with --pkcs11-library.");
        return Pkcs11Token.Open(new Pkcs11Settings(library, label, Pkcs11Pin.Read(result.GetValue(PinFile)?.FullName), result.GetValue(Sm2Mechanism)));
    }
}
