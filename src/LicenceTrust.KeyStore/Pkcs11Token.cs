using System.Security.Cryptography;
using LicenceTrust.Core.Crypto;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.X509;

namespace LicenceTrust.KeyStore;

/// <summary>
/// Where a node's keys are in a PKCS#11 token (an HSM) instead of files (docs/operations.md, "Keys in an HSM").
/// </summary>
/// <param name="Library">The vendor's PKCS#11 module, e.g. <c>/usr/lib/softhsm/libsofthsm2.so</c>.</param>
/// <param name="TokenLabel">The token's label.</param>
/// <param name="Pin">The user PIN (from a file or the environment, never the command line).</param>
/// <param name="Sm2SignMechanism">
/// The vendor's mechanism number for SM2 signing with SM3 and the default user id (the data is passed as it
/// is, the token hashes); null when the token has none. SM2 in PKCS#11 has no standard mechanism; SoftHSM2
/// has none, so this path is <b>untested here</b>.
/// </param>
/// <param name="Sm2KeyGenMechanism">The vendor's mechanism for SM2 key pairs; null means CKM_EC_KEY_PAIR_GEN on the SM2 curve. Untested here.</param>
public sealed record Pkcs11Settings(string Library, string TokenLabel, string Pin, ulong? Sm2SignMechanism = null, ulong? Sm2KeyGenMechanism = null);

/// <summary>
/// A logged-in PKCS#11 token that signs with keys that never leave it: ES256 (CKM_ECDSA over a SHA-256
/// digest made here) and, with a vendor mechanism, SM2-SM3. Keys are found by their label
/// (CKA_LABEL); <see cref="Generate"/> makes a key pair inside the token, sensitive and not extractable.
/// One session, used under a lock: a token signs one request at a time anyway. Thread-safe.
/// </summary>
public sealed class Pkcs11Token : IDisposable
{
    private const string P256 = "1.2.840.10045.3.1.7";
    private const string Sm2 = "1.2.156.10197.1.301";
    private static readonly byte[] P256Oid = new DerObjectIdentifier(P256).GetDerEncoded();
    private static readonly byte[] Sm2Oid = new DerObjectIdentifier(Sm2).GetDerEncoded();

    private readonly Pkcs11InteropFactories _factories = new();
    private readonly IPkcs11Library _library;
    private readonly ISession _session;
    private readonly Pkcs11Settings _settings;
    private readonly Lock _gate = new();

    static Pkcs11Token()
    {
        // Pkcs11Interop imports dlopen from "libdl"; glibc 2.34+ ships only libdl.so.2 (libdl.so comes
        // with libc6-dev), so the name is mapped here rather than asking for a development package.
        if (OperatingSystem.IsLinux())
        {
            System.Runtime.InteropServices.NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, (name, assembly, path) =>
                name == "libdl" && System.Runtime.InteropServices.NativeLibrary.TryLoad("libdl.so.2", assembly, path, out var handle) ? handle : IntPtr.Zero);
        }
    }

    private Pkcs11Token(IPkcs11Library library, ISession session, Pkcs11Settings settings)
    {
        _library = library;
        _session = session;
        _settings = settings;
    }

    /// <exception cref="InvalidDataException">The module cannot be loaded, the token is not there, or the PIN is refused.</exception>
    public static Pkcs11Token Open(Pkcs11Settings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var factories = new Pkcs11InteropFactories();
        IPkcs11Library? library = null;
        try
        {
            library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, settings.Library, AppType.MultiThreaded);
            var slot = library.GetSlotList(SlotsType.WithTokenPresent).FirstOrDefault(s => s.GetTokenInfo().Label.Trim() == settings.TokenLabel)
                ?? throw new InvalidDataException($"PKCS#11 {settings.Library}: no token labelled '{settings.TokenLabel}'.");
            var session = slot.OpenSession(SessionType.ReadWrite);
            session.Login(CKU.CKU_USER, settings.Pin);
            return new Pkcs11Token(library, session, settings);
        }
        catch (Exception e) when (e is Pkcs11Exception or UnmanagedException or DllNotFoundException or ArgumentException)
        {
            library?.Dispose();
            throw new InvalidDataException($"PKCS#11 {settings.Library}, token '{settings.TokenLabel}': {e.Message}", e);
        }
    }

    /// <summary>The signer of the private key labelled <paramref name="label"/>.</summary>
    /// <exception cref="InvalidDataException">No such key, or its curve is neither P-256 nor SM2.</exception>
    public ICredentialSigner Find(string label)
    {
        lock (_gate)
        {
            var key = FindOne(CKO.CKO_PRIVATE_KEY, label) ?? throw new InvalidDataException($"PKCS#11 token '{_settings.TokenLabel}': no private key labelled '{label}'.");
            var publicKey = FindOne(CKO.CKO_PUBLIC_KEY, label) ?? throw new InvalidDataException($"PKCS#11 token '{_settings.TokenLabel}': no public key labelled '{label}'.");
            return SignerOf(key, publicKey);
        }
    }

    /// <summary>Generates a key pair inside the token: the private key is sensitive and never extractable.</summary>
    /// <exception cref="InvalidDataException">A key with that label exists, or SM2 is asked of a token without a configured mechanism.</exception>
    public ICredentialSigner Generate(string label, SignatureAlgorithm algorithm)
    {
        lock (_gate)
        {
            if (FindOne(CKO.CKO_PRIVATE_KEY, label) is not null)
            {
                throw new InvalidDataException($"PKCS#11 token '{_settings.TokenLabel}': a key labelled '{label}' exists already.");
            }

            var sm2 = algorithm == SignatureAlgorithm.Sm2Sm3;
            if (sm2 && _settings.Sm2SignMechanism is null)
            {
                throw new InvalidDataException("SM2 keys in a PKCS#11 token need the vendor's SM2 mechanism (Node:Pkcs11:Sm2SignMechanism, --pkcs11-sm2-mechanism); use ES256 otherwise.");
            }

            var id = RandomNumberGenerator.GetBytes(16);
            var attributes = _factories.ObjectAttributeFactory;
            List<IObjectAttribute> publicTemplate =
            [
                attributes.Create(CKA.CKA_TOKEN, true), attributes.Create(CKA.CKA_PRIVATE, false), attributes.Create(CKA.CKA_VERIFY, true),
                attributes.Create(CKA.CKA_LABEL, label), attributes.Create(CKA.CKA_ID, id), attributes.Create(CKA.CKA_EC_PARAMS, sm2 ? Sm2Oid : P256Oid),
            ];
            List<IObjectAttribute> privateTemplate =
            [
                attributes.Create(CKA.CKA_TOKEN, true), attributes.Create(CKA.CKA_PRIVATE, true), attributes.Create(CKA.CKA_SIGN, true),
                attributes.Create(CKA.CKA_SENSITIVE, true), attributes.Create(CKA.CKA_EXTRACTABLE, false),
                attributes.Create(CKA.CKA_LABEL, label), attributes.Create(CKA.CKA_ID, id),
            ];
            var mechanism = sm2 && _settings.Sm2KeyGenMechanism is { } vendor
                ? _factories.MechanismFactory.Create(vendor)
                : _factories.MechanismFactory.Create(CKM.CKM_EC_KEY_PAIR_GEN);
            _session.GenerateKeyPair(mechanism, publicTemplate, privateTemplate, out var publicKey, out var privateKey);
            return SignerOf(privateKey, publicKey);
        }
    }

    /// <summary>Whether the token would hand out the private key's value (it must not).</summary>
    public bool CanExtract(string label)
    {
        lock (_gate)
        {
            var key = FindOne(CKO.CKO_PRIVATE_KEY, label) ?? throw new InvalidDataException($"no private key labelled '{label}'.");
            var values = _session.GetAttributeValue(key, [CKA.CKA_EXTRACTABLE, CKA.CKA_SENSITIVE]);
            return values[0].GetValueAsBool() || !values[1].GetValueAsBool();
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _library.Dispose();
    }

    private IObjectHandle? FindOne(CKO kind, string label) =>
        _session.FindAllObjects([_factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, kind), _factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, label)]).FirstOrDefault();

    private Signer SignerOf(IObjectHandle privateKey, IObjectHandle publicKey)
    {
        var values = _session.GetAttributeValue(publicKey, [CKA.CKA_EC_PARAMS, CKA.CKA_EC_POINT]);
        var curve = values[0].GetValueAsByteArray();
        var algorithm = curve.AsSpan().SequenceEqual(P256Oid) ? SignatureAlgorithm.Es256
            : curve.AsSpan().SequenceEqual(Sm2Oid) ? SignatureAlgorithm.Sm2Sm3
            : throw new InvalidDataException("PKCS#11: the key's curve is neither P-256 nor SM2.");
        // CKA_EC_POINT is the DER OCTET STRING around the uncompressed point.
        var point = Asn1OctetString.GetInstance(values[1].GetValueAsByteArray()).GetOctets();
        var domain = ECNamedDomainParameters.LookupOid(new DerObjectIdentifier(algorithm == SignatureAlgorithm.Es256 ? P256 : Sm2));
        var spki = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(new ECPublicKeyParameters("EC", domain.Curve.DecodePoint(point), domain)).GetDerEncoded();
        return new Signer(this, privateKey, algorithm, spki);
    }

    private byte[] Sign(IObjectHandle key, SignatureAlgorithm algorithm, ReadOnlySpan<byte> data)
    {
        var (mechanism, input) = algorithm == SignatureAlgorithm.Es256
            ? (_factories.MechanismFactory.Create(CKM.CKM_ECDSA), SHA256.HashData(data))
            : (_factories.MechanismFactory.Create(_settings.Sm2SignMechanism ?? throw new InvalidOperationException("no SM2 mechanism is configured")), data.ToArray());
        lock (_gate)
        {
            var signature = _session.Sign(mechanism, key, input);
            return signature.Length == 64 ? signature : throw new CryptographicException($"the token returned a {signature.Length}-byte signature, not r||s of 64 bytes");
        }
    }

    private sealed class Signer(Pkcs11Token token, IObjectHandle key, SignatureAlgorithm algorithm, byte[] subjectPublicKeyInfo) : ICredentialSigner
    {
        public SignatureAlgorithm Algorithm => algorithm;

        public ReadOnlyMemory<byte> SubjectPublicKeyInfo => subjectPublicKeyInfo;

        public byte[] Sign(ReadOnlySpan<byte> data) => token.Sign(key, algorithm, data);
    }
}

/// <summary>The token's user PIN: from a file (its first line) or the environment, never the command line.</summary>
public static class Pkcs11Pin
{
    public const string Variable = "LICENCETRUST_PKCS11_PIN";

    /// <exception cref="InvalidDataException">Neither gives a PIN, or the file cannot be read.</exception>
    public static string Read(string? pinFile)
    {
        try
        {
            var pin = pinFile is null ? Environment.GetEnvironmentVariable(Variable) : File.ReadLines(pinFile).FirstOrDefault();
            return string.IsNullOrEmpty(pin)
                ? throw new InvalidDataException($"The PKCS#11 PIN is missing: name a PIN file or set {Variable}.")
                : pin;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{pinFile}: the PKCS#11 PIN file cannot be read ({e.Message}).", e);
        }
    }
}
