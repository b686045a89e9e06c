using System.CommandLine;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Pki;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;

namespace LicenceTrust.Cli;

/// <summary><c>licencetrust keys …</c>: key and certificate management.</summary>
internal static class KeysCommands
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory to write (the sample provinces' folders, cq/ and sc/, are replaced).", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace sample keys that exist already." };
        var sample = new Command("sample", "Regenerate the SAMPLE roots, issuer certificates and list signers of both provinces (keys-sample/).");
        sample.Options.Add(output);
        sample.Options.Add(force);
        sample.SetAction(result =>
        {
            var directory = result.GetValue(output)!;
            var existing = SampleProvinces.All.Select(p => Path.Combine(directory.FullName, p.NodeId)).Where(Directory.Exists).ToList();
            if (existing.Count > 0 && !result.GetValue(force))
            {
                Console.Error.WriteLine(
                    $"{string.Join(", ", existing)} exist already. New sample keys would make every licence signed with the old ones " +
                    "INVALID / UNKNOWN_ISSUER, every database seeded with them useless, and tests/vectors/ stale. Add --force to replace them anyway.");
                return 2;
            }

            directory.Create();
            SampleKeyGenerator.Generate(directory.FullName);
            Console.WriteLine($"Sample keys written to {directory.FullName}. Regenerate tests/vectors too (see docs/format.md).");
            return 0;
        });

        var keys = new Command("keys", "Keys and certificates.");
        keys.Subcommands.Add(sample);
        keys.Subcommands.Add(Init());
        keys.Subcommands.Add(Issuer());
        keys.Subcommands.Add(Agreement());
        keys.Subcommands.Add(ListSigner());
        keys.Subcommands.Add(Encrypt());
        keys.Subcommands.Add(Session());
        return keys;
    }

    /// <summary><c>keys agreement</c>: this province's signed recognition agreement for a peer's licence types.</summary>
    private static Command Agreement()
    {
        var directory = new Option<DirectoryInfo>("--keys") { Description = "Key directory holding the accepting province's list-signing key.", Required = true };
        var province = new Option<string>("--province") { Description = "The accepting province's node id, e.g. cq.", Required = true };
        var peer = new Option<string>("--peer") { Description = "The peer province whose licences are recognised.", Required = true };
        var types = new Option<string?>("--types") { Description = "Comma-separated licence type codes; default every type of the shipped catalogue." };
        var from = new Option<string?>("--from") { Description = "Recognise licences signed from this date (yyyy-MM-dd); default today." };
        var command = new Command("agreement", "Sign a recognition agreement: which licence types of the peer this province accepts, from when (written to <keys>/<province>/recognition-<peer>.cose).");
        command.Options.Add(directory);
        command.Options.Add(province);
        command.Options.Add(peer);
        command.Options.Add(types);
        command.Options.Add(from);
        var keyOptions = new KeyOptions();
        keyOptions.AddTo(command);
        command.SetAction(result =>
        {
            if (!Province.TryFromNodeId(result.GetValue(province), out var accepting) || !Province.TryFromNodeId(result.GetValue(peer), out var other) || accepting == other)
            {
                Console.Error.WriteLine("--province and --peer must be two different province node ids of the registry (e.g. cq, sc, gz).");
                return 2;
            }

            var codes = new HashSet<string>(StringComparer.Ordinal);
            foreach (var code in (result.GetValue(types) ?? string.Join(",", LicenceTypeCatalogue.Shipped.All.Select(t => t.Code.Value))).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!LicenceTypeCode.TryParse(code, out var parsed, out var error))
                {
                    Console.Error.WriteLine($"--types: {code}: {error}");
                    return 2;
                }

                codes.Add(parsed.Value);
            }

            var start = DateTimeOffset.UtcNow.Date;
            if (result.GetValue(from) is { } text && !DateTime.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out start))
            {
                Console.Error.WriteLine("--from: use yyyy-MM-dd.");
                return 2;
            }

            try
            {
                var access = keyOptions.Open(result, out var scope);
                using var token = scope;
                var keys = KeyDirectory.Load(result.GetValue(directory)!.FullName, accepting, access);
                var agreement = new Core.Trust.RecognitionAgreement(accepting, other, codes, new DateTimeOffset(start, TimeSpan.Zero), DateTimeOffset.UtcNow);
                var path = KeyDirectory.RecognitionAgreementPath(result.GetValue(directory)!.FullName, accepting, other);
                File.WriteAllBytes(path, KeyDirectory.SignRecognitionAgreement(keys, agreement));
                Console.WriteLine($"{accepting.NameZh} recognises {codes.Count} licence types of {other.NameZh} from {start:yyyy-MM-dd}: {path}");
                return 0;
            }
            catch (InvalidDataException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        });
        return command;
    }

    /// <summary><c>keys init</c>: a province's SM2 root CA and the node's list-signing key.</summary>
    private static Command Init()
    {
        var province = new Option<string>("--province") { Description = "The province's node id in the registry, e.g. cq, sc, gz.", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Key directory; <province>/ is created in it and must not exist yet.", Required = true };
        var years = new Option<int>("--years") { Description = "Root validity in years (1-30).", DefaultValueFactory = _ => 20 };
        var command = new Command("init", "Create a province's root CA (SM2, SM3withSM2) and the node's list-signing certificate. Keep root.key.pem offline.");
        var (passphraseFile, plaintext) = KeyFileOptions();
        command.Options.Add(province);
        command.Options.Add(output);
        command.Options.Add(years);
        command.Options.Add(passphraseFile);
        command.Options.Add(plaintext);
        command.SetAction(result =>
        {
            if (!Province.TryFromNodeId(result.GetValue(province), out var where) || result.GetValue(years) is < 1 or > 30)
            {
                Console.Error.WriteLine("--province must be a province node id of the registry (e.g. cq, sc, gz); --years 1-30.");
                return 2;
            }

            if (!TryKeyMaker(result, passphraseFile, result.GetValue(plaintext), hsm: null, out var maker))
            {
                return 2;
            }

            var folder = Path.Combine(result.GetValue(output)!.FullName, where.NodeId);
            if (Directory.Exists(folder))
            {
                Console.Error.WriteLine($"{folder} exists already: refusing to overwrite a province's keys.");
                return 2;
            }

            Directory.CreateDirectory(Path.Combine(folder, KeyDirectory.IssuersFolder));
            var now = DateTimeOffset.UtcNow;
            var rootKey = SigningKey.Generate(SignatureAlgorithm.Sm2Sm3);
            var root = CertificateFactory.CreateRoot(where, rootKey, $"{where.NameZh}电子证照互认根CA", now, now.AddYears(result.GetValue(years)));
            Write(folder, KeyDirectory.RootCertificate, CertificateFactory.ToPem(root));
            Write(folder, KeyDirectory.RootKey, maker.Pem(rootKey));
            WriteListSigner(folder, where, root, rootKey, now, now.AddYears(Math.Min(5, result.GetValue(years))), maker);
            Console.WriteLine($"{where.NameZh} root fingerprint (the value peers pin): {TrustAnchor.Create(root).Fingerprint}");
            Console.Error.WriteLine($"Move {Path.Combine(folder, KeyDirectory.RootKey)} offline once the issuer certificates are made.");
            return 0;
        });
        return command;
    }

    /// <summary><c>keys issuer</c>: an issuer certificate and key for one authority, signed by the province root.</summary>
    private static Command Issuer()
    {
        var directory = new Option<DirectoryInfo>("--keys") { Description = "Key directory holding <province>/root.crt.pem and root.key.pem.", Required = true };
        var province = new Option<string>("--province") { Description = "The province's node id in the registry, e.g. cq, sc, gz.", Required = true };
        var authority = new Option<string>("--authority") { Description = "The authority's unified social credit code.", Required = true };
        var name = new Option<string>("--name") { Description = "The authority's name, e.g. 重庆市市场监督管理局.", Required = true };
        var types = new Option<string[]>("--type") { Description = "A licence type code it may sign (repeat for several).", Required = true, AllowMultipleArgumentsPerToken = true };
        var algorithm = new Option<string>("--alg") { Description = "SM2-SM3 (default) or ES256.", DefaultValueFactory = _ => "SM2-SM3" };
        var years = new Option<int>("--years") { Description = "Validity in years (1-10).", DefaultValueFactory = _ => 3 };
        var from = new Option<string?>("--from") { Description = "When the certificate starts (yyyy-MM-ddTHH:mm:ssZ, or yyyy-MM-dd for midnight UTC); default now. For a key rotation: the node signs with the newest certificate in force, so the successor takes over then." };
        var command = new Command("issuer", "Create an issuer certificate for an authority (a first key, or its successor), signed by the province root. With --pkcs11-library the key is generated inside the token.");
        var (passphraseFile, plaintext) = KeyFileOptions();
        var hsm = new TokenOptions();
        foreach (var option in new Option[] { directory, province, authority, name, types, algorithm, years, from, passphraseFile, plaintext }.Concat(hsm.All))
        {
            command.Options.Add(option);
        }

        command.SetAction(result =>
        {
            if (!TryKeyMaker(result, passphraseFile, result.GetValue(plaintext), hsm, out var maker))
            {
                return 2;
            }

            using var token = maker.Token;
            var access = maker.Access;

            if (!Province.TryFromNodeId(result.GetValue(province), out var where))
            {
                Console.Error.WriteLine("--province must be a province node id of the registry (e.g. cq, sc, gz).");
                return 2;
            }

            if (!UnifiedSocialCreditCode.TryParse(result.GetValue(authority), out var code, out var error))
            {
                Console.Error.WriteLine($"--authority: {error}");
                return 2;
            }

            if (!Province.TryFromDivision(code.DivisionCode, out var registered) || registered != where)
            {
                Console.Error.WriteLine($"--authority: {code.Value} is not registered in {where.NameZh}; a {where.NodeId} root vouches only for its own province's authorities.");
                return 2;
            }

            var typeCodes = new List<LicenceTypeCode>();
            foreach (var text in result.GetValue(types)!)
            {
                if (!LicenceTypeCode.TryParse(text, out var typeCode, out error))
                {
                    Console.Error.WriteLine($"--type {text}: {error}");
                    return 2;
                }

                typeCodes.Add(typeCode);
            }

            if (!SignatureAlgorithm.TryFromName(result.GetValue(algorithm), out var alg) || result.GetValue(years) is < 1 or > 10)
            {
                Console.Error.WriteLine("--alg must be SM2-SM3 or ES256; --years 1-10.");
                return 2;
            }

            // The root alone: the list signer and the other issuers may be files or in a token, and are not needed here.
            var (root, rootKey) = KeyDirectory.LoadRoot(result.GetValue(directory)!.FullName, where, access);
            if (rootKey is null)
            {
                Console.Error.WriteLine($"No {KeyDirectory.RootKey} for {where.NodeId}: issuer certificates are made where the root key is.");
                return 2;
            }

            var now = DateTimeOffset.UtcNow;
            if (result.GetValue(from) is { } start && !DateTimeOffset.TryParse(start, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out now))
            {
                Console.Error.WriteLine("--from: use yyyy-MM-ddTHH:mm:ssZ or yyyy-MM-dd.");
                return 2;
            }

            var label = $"lt-{where.NodeId}-{code.Value}-{alg.Name.ToLowerInvariant()}-{now:yyyyMMddHHmmss}";
            var key = maker.New(alg, label);
            var der = CertificateFactory.CreateIssuer(where, root.Der.ToArray(), rootKey, key, new IssuerProfile(code, result.GetValue(name)!, typeCodes), now, now.AddYears(result.GetValue(years)));
            var certificate = IssuerCertificate.Parse(der);
            var folder = Path.Combine(result.GetValue(directory)!.FullName, where.NodeId, KeyDirectory.IssuersFolder);
            // Each key has files of its own (the kid is in the name): a successor never replaces the key
            // whose licences are still in force.
            var stem = KeyDirectory.IssuerFileStem(certificate);
            if (File.Exists(Path.Combine(folder, stem + ".crt.pem")) || File.Exists(Path.Combine(folder, stem + ".key.pem")) || File.Exists(Path.Combine(folder, stem + KeyDirectory.Pkcs11KeySuffix)))
            {
                Console.Error.WriteLine($"{Path.Combine(folder, stem)}.* exists already: refusing to overwrite an issuer key.");
                return 2;
            }

            Write(folder, stem + ".crt.pem", CertificateFactory.ToPem(der));
            maker.Save(key, Path.Combine(folder, stem + ".key.pem"), label);
            Console.WriteLine($"Issuer certificate for {certificate.AuthorityName}: kid {certificate.Kid}, {certificate.Algorithm.Name}, types {string.Join(", ", certificate.AllowedLicenceTypes)}, from {certificate.NotBefore:yyyy-MM-ddTHH:mm:ssZ}");
            return 0;
        });
        return command;
    }

    private static Command ListSigner()
    {
        var directory = new Option<DirectoryInfo>("--keys") { Description = "Key directory holding <province>/root.crt.pem and root.key.pem.", Required = true };
        var province = new Option<string>("--province") { Description = "The province's node id in the registry, e.g. cq, sc, gz.", Required = true };
        var years = new Option<int>("--years") { Description = "Validity in years (1-5).", DefaultValueFactory = _ => 5 };
        var command = new Command("list-signer", "Replace the node's list-signing key and certificate (a rotation), signed by the province root. The old files are kept, renamed. With --pkcs11-library the key is generated inside the token (ES256).");
        var (passphraseFile, plaintext) = KeyFileOptions();
        var hsm = new TokenOptions();
        foreach (var option in new Option[] { directory, province, years, passphraseFile, plaintext }.Concat(hsm.All))
        {
            command.Options.Add(option);
        }

        command.SetAction(result =>
        {
            if (!TryKeyMaker(result, passphraseFile, result.GetValue(plaintext), hsm, out var maker))
            {
                return 2;
            }

            using var token = maker.Token;
            var access = maker.Access;

            if (!Province.TryFromNodeId(result.GetValue(province), out var where) || result.GetValue(years) is < 1 or > 5)
            {
                Console.Error.WriteLine("--province must be a province node id of the registry (e.g. cq, sc, gz); --years 1-5.");
                return 2;
            }

            // The root alone: the list signer being replaced may be a file or in a token, and is not opened.
            var (root, rootKey) = KeyDirectory.LoadRoot(result.GetValue(directory)!.FullName, where, access);
            if (rootKey is null)
            {
                Console.Error.WriteLine($"No {KeyDirectory.RootKey} for {where.NodeId}: a list signer is made where the root key is.");
                return 2;
            }

            var folder = Path.Combine(result.GetValue(directory)!.FullName, where.NodeId);
            var now = DateTimeOffset.UtcNow;
            // The old pair is kept beside the new one (renamed, so the node no longer reads it): documents it
            // signed stay checkable, and nothing is lost if the new files must be taken back.
            foreach (var name in new[] { KeyDirectory.ListSignerCertificate, KeyDirectory.ListSignerKey, KeyDirectory.Pkcs11LocatorOf(KeyDirectory.ListSignerKey) })
            {
                if (File.Exists(Path.Combine(folder, name)))
                {
                    File.Move(Path.Combine(folder, name), Path.Combine(folder, $"{name}.replaced-{now:yyyyMMddHHmmss}"));
                }
            }

            WriteListSigner(folder, where, root.Der.ToArray(), rootKey, now, now.AddYears(result.GetValue(years)), maker);
            Console.WriteLine($"New list signer for {where.NameZh}: {Path.Combine(folder, KeyDirectory.ListSignerCertificate)}; restart the node (each replica) to use it.");
            return 0;
        });
        return command;
    }

    /// <summary><c>keys session</c>: the key that encrypts the session-cookie key ring in the database (Node:SessionKeyFile).</summary>
    private static Command Session()
    {
        var output = new Option<FileInfo>("--out") { Description = "The file to write (readable by its owner only); give the same file to every replica.", Required = true };
        var command = new Command("session", "Write a new key for Node:SessionKeyFile: 32 random bytes in base64. Sessions survive restarts and move between replicas that share it.");
        command.Options.Add(output);
        command.SetAction(result =>
        {
            var file = result.GetValue(output)!;
            if (file.Exists)
            {
                Console.Error.WriteLine($"--out {file.FullName}: the file exists already. Replacing the key signs every staff member and officer out; delete the file first if that is meant.");
                return 2;
            }

            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var writer = new StreamWriter(file.FullName, System.Text.Encoding.ASCII, options))
            {
                writer.WriteLine(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
            }

            Console.WriteLine($"Session key written to {file.FullName}. Set Node:SessionKeyFile to it on every replica of the node.");
            return 0;
        });
        return command;
    }

    /// <summary><c>keys encrypt</c>: encrypts a province's plaintext key files in place (a migration to encrypted keys).</summary>
    private static Command Encrypt()
    {
        var directory = new Option<DirectoryInfo>("--keys") { Description = "Key directory holding <province>/.", Required = true };
        var province = new Option<string>("--province") { Description = "The province's node id in the registry, e.g. cq.", Required = true };
        var (passphraseFile, _) = KeyFileOptions();
        var command = new Command("encrypt", "Encrypt every plaintext private key file of a province (root, list signer, issuers) with the passphrase.");
        command.Options.Add(directory);
        command.Options.Add(province);
        command.Options.Add(passphraseFile);
        command.SetAction(result =>
        {
            if (!Province.TryFromNodeId(result.GetValue(province), out var where))
            {
                Console.Error.WriteLine("--province must be a province node id of the registry (e.g. cq, sc, gz).");
                return 2;
            }

            if (!TryKeyWriter(result, passphraseFile, plaintext: false, out _, out var keyPem))
            {
                return 2;
            }

            var folder = Path.Combine(result.GetValue(directory)!.FullName, where.NodeId);
            var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.key.pem", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList() : [];
            var encrypted = 0;
            foreach (var file in files.Where(f => File.ReadAllText(f).Contains("-----BEGIN PRIVATE KEY-----", StringComparison.Ordinal)))
            {
                try
                {
                    // Written beside the file first and then moved over it: an interrupted run leaves the key readable.
                    var key = KeyFiles.Read(file, KeyAccess.Lenient);
                    File.WriteAllText(file + ".new", keyPem(key).TrimEnd() + "\n");
                    File.Move(file + ".new", file, overwrite: true);
                    encrypted++;
                }
                catch (InvalidDataException e)
                {
                    Console.Error.WriteLine(e.Message);
                    return 2;
                }
            }

            Console.WriteLine($"{encrypted} of {files.Count} key files of {where.NodeId} encrypted (the others were already).");
            return 0;
        });
        return command;
    }

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

    /// <summary>A new list-signing key and its certificate from the root, written as the node reads them.</summary>
    private static void WriteListSigner(string folder, Province province, byte[] rootDer, SigningKey rootKey, DateTimeOffset from, DateTimeOffset to, KeyMaker maker)
    {
        // SM2 in a file; ES256 in a token, where SM2 needs a vendor mechanism (docs/operations.md, "Keys in an HSM").
        var label = $"lt-{province.NodeId}-list-signer-{from:yyyyMMddHHmmss}";
        var listKey = maker.New(maker.Token is null ? SignatureAlgorithm.Sm2Sm3 : SignatureAlgorithm.Es256, label);
        var list = CertificateFactory.CreateListSigner(province, rootDer, rootKey, listKey, $"{province.NameZh}节点列表签名", from, to);
        Write(folder, KeyDirectory.ListSignerCertificate, CertificateFactory.ToPem(list));
        maker.Save(listKey, Path.Combine(folder, KeyDirectory.ListSignerKey), label);
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
