using System.CommandLine;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Pki;
using LicenceTrust.KeyStore;

namespace LicenceTrust.Cli;

/// <summary><c>keys issuer</c> and <c>keys list-signer</c>: new issuer and list-signing keys, and their rotation (docs/operations.md).</summary>
internal static partial class KeysCommands
{
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
}
