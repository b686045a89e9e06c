using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Pki;

namespace LicenceTrust.KeyStore;

/// <summary>An issuing authority's certificate with its private key.</summary>
public sealed record IssuerKey(IssuerCertificate Certificate, ICredentialSigner Key);

/// <summary>A node's list-signing certificate with its private key.</summary>
public sealed record ListSignerKey(byte[] CertificateDer, ICredentialSigner Key);

/// <summary>One province's certificates as read from a key directory, without any private key: what verification needs.</summary>
/// <param name="ListSignerCertificateDer">The list-signing certificate; null when the folder has none.</param>
public sealed record ProvinceCertificates(Province Province, TrustAnchor Root, byte[]? ListSignerCertificateDer, IReadOnlyList<IssuerCertificate> Issuers);

/// <summary>One province's keys and certificates as read from a key directory.</summary>
/// <param name="RootKey">The root's private key; null where the root is kept offline (production).</param>
public sealed record ProvinceKeys(Province Province, TrustAnchor Root, SigningKey? RootKey, ListSignerKey? ListSigner, IReadOnlyList<IssuerKey> Issuers);

/// <summary>
/// Reads and writes a key directory:
/// <code>
/// &lt;dir&gt;/&lt;cq|sc&gt;/root.crt.pem, root.key.pem (optional)
/// &lt;dir&gt;/&lt;cq|sc&gt;/list-signer.crt.pem, list-signer.key.pem
/// &lt;dir&gt;/&lt;cq|sc&gt;/issuers/&lt;authority code&gt;-&lt;alg&gt;[-&lt;kid&gt;].crt.pem, .key.pem (an authority may hold
/// several keys after a rotation; every certificate file is read, each with the key file of its name)
/// </code>
/// Private keys are PKCS#8 PEM, encrypted (<see cref="KeyFiles"/>) or, for the samples and tests, plain.
/// </summary>
public static class KeyDirectory
{
    public const string RootCertificate = "root.crt.pem";
    public const string RootKey = "root.key.pem";
    public const string ListSignerCertificate = "list-signer.crt.pem";
    public const string ListSignerKey = "list-signer.key.pem";
    public const string IssuersFolder = "issuers";

    /// <summary>Beside a certificate, in place of its <c>.key.pem</c>: the key is in a PKCS#11 token, and this file names it (<c>pkcs11:object=&lt;label&gt;</c>).</summary>
    public const string Pkcs11KeySuffix = ".key.pkcs11";

    private const string Pkcs11UriPrefix = "pkcs11:object=";

    /// <summary>Loads every province folder present.</summary>
    /// <exception cref="InvalidDataException">A file is missing or unreadable; the message names it.</exception>
    public static IReadOnlyList<ProvinceKeys> Load(string directory, KeyAccess? access = null)
    {
        var provinces = Province.All.Where(p => Directory.Exists(Path.Combine(directory, p.NodeId))).ToList();
        return provinces.Count > 0
            ? [.. provinces.Select(p => Load(directory, p, access))]
            : throw new InvalidDataException($"{directory}: no province key folder (cq/, sc/, …) found.");
    }

    /// <summary>Loads one province's folder.</summary>
    /// <exception cref="InvalidDataException">A file is missing or unreadable; the message names it.</exception>
    /// <remarks>Private keys are opened under <paramref name="access"/>; without one, plaintext keys are accepted (<see cref="KeyAccess.Lenient"/>).</remarks>
    public static ProvinceKeys Load(string directory, Province province, KeyAccess? access = null)
    {
        access ??= KeyAccess.Lenient;
        var folder = Path.Combine(directory, province.NodeId);
        var root = Read(Path.Combine(folder, RootCertificate), pem => TrustAnchor.Create(CertificateFactory.FromPem(pem)));
        var rootKeyPath = Path.Combine(folder, RootKey);
        var rootKey = File.Exists(rootKeyPath) ? KeyFiles.Read(rootKeyPath, access) : null;
        ListSignerKey? listSigner = null;
        if (File.Exists(Path.Combine(folder, ListSignerCertificate)))
        {
            var certificate = Read(Path.Combine(folder, ListSignerCertificate), CertificateFactory.FromPem);
            var key = ReadKey(Path.Combine(folder, ListSignerKey), access);
            if (!key.SubjectPublicKeyInfo.Span.SequenceEqual(new Org.BouncyCastle.X509.X509Certificate(certificate).CertificateStructure.SubjectPublicKeyInfo.GetDerEncoded()))
            {
                throw new InvalidDataException($"{Path.Combine(folder, ListSignerCertificate)}: the list-signing key does not match the certificate.");
            }

            listSigner = new ListSignerKey(certificate, key);
        }

        var issuers = new List<IssuerKey>();
        var issuerFolder = Path.Combine(folder, IssuersFolder);
        if (Directory.Exists(issuerFolder))
        {
            foreach (var certificatePath in Directory.GetFiles(issuerFolder, "*.crt.pem").Order(StringComparer.Ordinal))
            {
                var certificate = Read(certificatePath, pem => IssuerCertificate.Parse(CertificateFactory.FromPem(pem)));
                var key = ReadKey(certificatePath.Replace(".crt.pem", ".key.pem", StringComparison.Ordinal), access);
                if (!key.SubjectPublicKeyInfo.Span.SequenceEqual(certificate.Key.SubjectPublicKeyInfo.Span))
                {
                    throw new InvalidDataException($"{certificatePath}: the key file does not match the certificate.");
                }

                issuers.Add(new IssuerKey(certificate, key));
            }
        }

        return new ProvinceKeys(province, root, rootKey, listSigner, issuers);
    }

    /// <summary>Every province folder's certificates, and no private key: a folder of encrypted keys or token keys opens without a passphrase or PIN.</summary>
    /// <exception cref="InvalidDataException">A certificate is missing or unreadable; the message names it.</exception>
    public static IReadOnlyList<ProvinceCertificates> LoadCertificates(string directory)
    {
        var provinces = Province.All.Where(p => Directory.Exists(Path.Combine(directory, p.NodeId))).ToList();
        return provinces.Count > 0
            ? [.. provinces.Select(p => LoadCertificates(directory, p))]
            : throw new InvalidDataException($"{directory}: no province key folder (cq/, sc/, …) found.");
    }

    /// <summary>One province's certificates, and no private key.</summary>
    /// <exception cref="InvalidDataException">A certificate is missing or unreadable; the message names it.</exception>
    public static ProvinceCertificates LoadCertificates(string directory, Province province)
    {
        var folder = Path.Combine(directory, province.NodeId);
        var root = Read(Path.Combine(folder, RootCertificate), pem => TrustAnchor.Create(CertificateFactory.FromPem(pem)));
        var listSigner = File.Exists(Path.Combine(folder, ListSignerCertificate)) ? Read(Path.Combine(folder, ListSignerCertificate), CertificateFactory.FromPem) : null;
        var issuerFolder = Path.Combine(folder, IssuersFolder);
        IReadOnlyList<IssuerCertificate> issuers = Directory.Exists(issuerFolder)
            ? [.. Directory.GetFiles(issuerFolder, "*.crt.pem").Order(StringComparer.Ordinal).Select(path => Read(path, pem => IssuerCertificate.Parse(CertificateFactory.FromPem(pem))))]
            : [];
        return new ProvinceCertificates(province, root, listSigner, issuers);
    }

    /// <summary>
    /// A province's root certificate and, where it is kept, the root's private key: all that making an
    /// issuer certificate or a list signer needs. No other key is opened, so a rotation works whether the
    /// list signer and the issuers are files or in a token.
    /// </summary>
    /// <exception cref="InvalidDataException">The root certificate is missing, or its key cannot be opened under <paramref name="access"/>.</exception>
    public static (TrustAnchor Root, SigningKey? RootKey) LoadRoot(string directory, Province province, KeyAccess access)
    {
        ArgumentNullException.ThrowIfNull(access);
        var folder = Path.Combine(directory, province.NodeId);
        var root = Read(Path.Combine(folder, RootCertificate), pem => TrustAnchor.Create(CertificateFactory.FromPem(pem)));
        var rootKeyPath = Path.Combine(folder, RootKey);
        return (root, File.Exists(rootKeyPath) ? KeyFiles.Read(rootKeyPath, access) : null);
    }

    /// <summary>Builds a trust store of every root and issuer certificate in the directory; no private key is read.</summary>
    public static TrustStore LoadTrustStore(string directory)
    {
        var provinces = LoadCertificates(directory);
        return TrustStore.Create(provinces.Select(p => p.Root), provinces.SelectMany(p => p.Issuers));
    }

    /// <summary>A trust store of the roots and issuer certificates of provinces already loaded.</summary>
    public static TrustStore TrustStoreOf(IReadOnlyCollection<ProvinceKeys> provinces) =>
        TrustStore.Create(provinces.Select(p => p.Root), provinces.SelectMany(p => p.Issuers).Select(i => i.Certificate));

    /// <summary>Where a province keeps its signed recognition agreement for a peer.</summary>
    public static string RecognitionAgreementPath(string directory, Province accepting, Province peer) =>
        Path.Combine(directory, accepting.NodeId, $"recognition-{peer.NodeId}.cose");

    /// <summary>Signs, with the accepting province's list-signing key, an agreement to recognise the peer's licence types.</summary>
    public static byte[] SignRecognitionAgreement(ProvinceKeys accepting, LicenceTrust.Core.Trust.RecognitionAgreement agreement)
    {
        ArgumentNullException.ThrowIfNull(accepting);
        ArgumentNullException.ThrowIfNull(agreement);
        var signer = accepting.ListSigner ?? throw new InvalidDataException($"{accepting.Province.NodeId}: no list-signing key to sign the agreement with.");
        return agreement.Sign(signer.Key, signer.CertificateDer);
    }

    /// <summary>Writes the file that names a key kept in a PKCS#11 token, beside its certificate.</summary>
    public static void WritePkcs11Locator(string keyPemPath, string label) =>
        File.WriteAllText(Pkcs11LocatorOf(keyPemPath), Pkcs11UriPrefix + Uri.EscapeDataString(label) + "\n");

    /// <summary>The locator file that stands for <paramref name="keyPemPath"/> when the key is in a token.</summary>
    public static string Pkcs11LocatorOf(string keyPemPath) => keyPemPath[..^".key.pem".Length] + Pkcs11KeySuffix;

    /// <summary>A certificate's private key: its <c>.key.pem</c> file, or the token key its <c>.key.pkcs11</c> file names.</summary>
    private static ICredentialSigner ReadKey(string keyPemPath, KeyAccess access)
    {
        var locator = Pkcs11LocatorOf(keyPemPath);
        if (File.Exists(keyPemPath) && File.Exists(locator))
        {
            throw new InvalidDataException(
                $"{keyPemPath} and {locator} both stand for the key of {Path.GetFileName(keyPemPath)[..^".key.pem".Length]}: the key is either in the file or in the token. " +
                "Keep the one that matches the certificate and move the other out of the key directory.");
        }

        if (!File.Exists(locator))
        {
            return KeyFiles.Read(keyPemPath, access);
        }

        var line = File.ReadLines(locator).FirstOrDefault()?.Trim() ?? string.Empty;
        if (!line.StartsWith(Pkcs11UriPrefix, StringComparison.Ordinal) || line.Length == Pkcs11UriPrefix.Length)
        {
            throw new InvalidDataException($"{locator}: expected one line 'pkcs11:object=<label>'.");
        }

        var token = access.Token ?? throw new InvalidDataException(
            $"{locator}: this key is in a PKCS#11 token; give the token: Node:Pkcs11 (Library, TokenLabel, PinFile) for the node, --pkcs11-library, --pkcs11-token and --pkcs11-pin-file for the command-line tool.");
        return token.Find(Uri.UnescapeDataString(line[Pkcs11UriPrefix.Length..]));
    }

    public static string IssuerFileStem(IssuerCertificate certificate) =>
        $"{certificate.AuthorityCode}-{certificate.Algorithm.Name.ToLowerInvariant()}-{certificate.Kid}";

    private static T Read<T>(string path, Func<string, T> parse)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: file not found.");
        }

        try
        {
            return parse(File.ReadAllText(path));
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
