using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using LicenceTrust.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// The key that encrypts the session key ring at rest (<c>Node:SessionKeyFile</c>): 32 random bytes in
/// base64 on the file's first line, written by <c>licencetrust keys session</c>. Every replica of a node
/// has the same file.
/// </summary>
public sealed class SessionRingKey
{
    public const int Length = 32;

    private const int NonceLength = 12;
    private const int TagLength = 16;

    private readonly byte[] _key;

    private SessionRingKey(byte[] key) => _key = key;

    /// <exception cref="InvalidDataException">The file does not hold a 32-byte base64 key.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SessionRingKey Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Node:SessionKeyFile {path}: file not found (licencetrust keys session --out FILE writes one).", path);
        }

        var line = File.ReadLines(path).FirstOrDefault()?.Trim() ?? string.Empty;
        var key = new byte[Length];
        return Convert.TryFromBase64String(line, key, out var written) && written == Length
            ? new SessionRingKey(key)
            : throw new InvalidDataException($"Node:SessionKeyFile {path}: the first line must be {Length} random bytes in base64 (licencetrust keys session --out FILE writes one).");
    }

    /// <summary>AES-256-GCM: the 12-byte nonce, the ciphertext and the 16-byte tag, in one array.</summary>
    public byte[] Seal(byte[] plain)
    {
        ArgumentNullException.ThrowIfNull(plain);
        var sealedBytes = new byte[NonceLength + plain.Length + TagLength];
        var nonce = sealedBytes.AsSpan(0, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagLength);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceLength, plain.Length), sealedBytes.AsSpan(NonceLength + plain.Length));
        return sealedBytes;
    }

    /// <exception cref="CryptographicException">Another key sealed it, or it was altered.</exception>
    public byte[] Open(byte[] sealedBytes)
    {
        ArgumentNullException.ThrowIfNull(sealedBytes);
        if (sealedBytes.Length < NonceLength + TagLength)
        {
            throw new CryptographicException("the sealed session key is too short");
        }

        var plain = new byte[sealedBytes.Length - NonceLength - TagLength];
        using var aes = new AesGcm(_key, TagLength);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceLength), sealedBytes.AsSpan(NonceLength, plain.Length), sealedBytes.AsSpan(NonceLength + plain.Length), plain);
        return plain;
    }
}

/// <summary>
/// Sessions across replicas and restarts (docs/deploy.md): with <c>Node:SessionKeyFile</c> the Data
/// Protection key ring that protects the staff and console cookies lives in the node's database,
/// each key encrypted with AES-256-GCM under the file's key; without it the ring is per process, and
/// a restart signs everyone out.
/// </summary>
public static class SessionKeys
{
    public static void AddSessionKeys(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(NodeOptions.Section);
        // One ring per province: the replicas of a node share it, another province's node never reads it.
        var protection = builder.Services.AddDataProtection().SetApplicationName("LicenceTrust-" + (section[nameof(NodeOptions.Province)] ?? new NodeOptions().Province));
        if (section[nameof(NodeOptions.SessionKeyFile)] is not { Length: > 0 } file)
        {
            // Per process, and in memory only: Data Protection's hosted service would otherwise make a key in
            // its default repository, unencrypted under $HOME/.aspnet, although the provider never reads it.
            protection.UseEphemeralDataProtectionProvider();
            builder.Services.AddOptions<KeyManagementOptions>().Configure(options => options.XmlRepository = new MemoryXmlRepository());
            return;
        }

        builder.Services.TryAddSingleton(SessionRingKey.Load(NodeHost.FromContentRoot(builder, file)));
        builder.Services.TryAddSingleton<SessionKeyStore>();
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((options, services) =>
        {
            options.XmlRepository = new DatabaseXmlRepository(services.GetRequiredService<SessionKeyStore>(), services.GetRequiredService<TimeProvider>());
            options.XmlEncryptor = new SessionRingEncryptor(services.GetRequiredService<SessionRingKey>());
        });
    }

    /// <summary>The ring's elements in the database. Data Protection calls these rarely (at start and when a key rolls, every 90 days) and synchronously.</summary>
    private sealed class DatabaseXmlRepository(SessionKeyStore store, TimeProvider time) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements() =>
            [.. store.AllAsync(CancellationToken.None).GetAwaiter().GetResult().Select(xml => XElement.Parse(xml))];

        public void StoreElement(XElement element, string friendlyName) =>
            store.AddAsync(friendlyName, element.ToString(SaveOptions.DisableFormatting), time.GetUtcNow(), CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>A ring that lives and dies with the process (no Node:SessionKeyFile).</summary>
    private sealed class MemoryXmlRepository : IXmlRepository
    {
        private readonly List<XElement> _elements = [];

        public IReadOnlyCollection<XElement> GetAllElements()
        {
            lock (_elements)
            {
                return [.. _elements.Select(e => new XElement(e))];
            }
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            lock (_elements)
            {
                _elements.Add(new XElement(element));
            }
        }
    }

    private sealed class SessionRingEncryptor(SessionRingKey key) : IXmlEncryptor
    {
        public EncryptedXmlInfo Encrypt(XElement plaintextElement)
        {
            var sealedBytes = key.Seal(Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting)));
            return new EncryptedXmlInfo(new XElement("sealedKey", new XAttribute("alg", "AES-256-GCM"), Convert.ToBase64String(sealedBytes)), typeof(SessionRingDecryptor));
        }
    }
}

/// <summary>Opens a key sealed by the session ring's encryptor; Data Protection creates it by type, with the services.</summary>
public sealed class SessionRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var plain = services.GetRequiredService<SessionRingKey>().Open(Convert.FromBase64String(encryptedElement.Value));
        return XElement.Parse(Encoding.UTF8.GetString(plain));
    }
}
