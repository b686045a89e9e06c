using System.Security.Cryptography;

namespace LicenceTrust.Core.Codec;

/// <summary>
/// A preset deflate dictionary of the LT2 format (docs/format.md §12.1). Its id is in every LT2
/// credential's protected header and its Adler-32 in the zlib header (DICTID), so a credential names the
/// dictionary it was compressed with and a future dictionary cannot be mistaken for this one. The bytes
/// are <c>schemas/lt2-dictionary-1.bin</c>, built into the assembly. Immutable; thread-safe.
/// </summary>
public sealed class PresetDictionary
{
    private readonly byte[] _bytes;

    private PresetDictionary(int id, byte[] bytes)
    {
        Id = id;
        _bytes = bytes;
        Adler32 = Codec.Zlib.Adler32(bytes);
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>Dictionary 1, the one LT2 writes.</summary>
    public static PresetDictionary One { get; } = Load(1, "LicenceTrust.Core.Codec.lt2-dictionary-1.bin");

    /// <summary>Every dictionary a reader knows, by id.</summary>
    public static IReadOnlyList<PresetDictionary> Known { get; } = [One];

    /// <summary>The id in the protected header (label -65537).</summary>
    public int Id { get; }

    /// <summary>The zlib DICTID: Adler-32 of the bytes.</summary>
    public uint Adler32 { get; }

    /// <summary>SHA-256 of the bytes, lower-case hex, as published in docs/format.md.</summary>
    public string Sha256 { get; }

    public int Length => _bytes.Length;

    /// <summary>A copy of the bytes (the library API takes an array; the original is never handed out).</summary>
    public byte[] ToArray() => (byte[])_bytes.Clone();

    internal byte[] Bytes => _bytes;

    /// <summary>The known dictionary with this zlib DICTID, or null.</summary>
    public static PresetDictionary? ByAdler32(uint adler) => Known.FirstOrDefault(d => d.Adler32 == adler);

    private static PresetDictionary Load(int id, string resource)
    {
        using var stream = typeof(PresetDictionary).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The resource {resource} is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return new PresetDictionary(id, copy.ToArray());
    }
}
