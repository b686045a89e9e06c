using System.CommandLine;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Pki;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;

namespace LicenceTrust.Cli;

/// <summary><c>licencetrust keys …</c>: key and certificate management.</summary>
internal static partial class KeysCommands
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
}
