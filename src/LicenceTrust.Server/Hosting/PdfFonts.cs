using PdfSharp.Fonts;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// The one font of the PDF copies (docs/federation.md §9.6): a CJK font the node reads from <c>Node:PdfFontFile</c>
/// (Debian's fonts-wqy-microhei by default), embedded in each PDF as a subset, so the copy reads the same anywhere.
/// PDFsharp takes one font face; a TrueType collection (.ttc) gives its first face, copied out as a font file of its own.
/// </summary>
public sealed class PdfFonts(string path) : IFontResolver
{
    /// <summary>The family name PDF copies ask for.</summary>
    public const string Family = "LicenceTrust CJK";

    private readonly Lazy<byte[]?> _face = new(() => File.Exists(path) ? FirstFace(File.ReadAllBytes(path)) : null);

    /// <summary>Whether the font file is there and readable as a font.</summary>
    public bool Available => _face.Value is not null;

    public string Path => path;

    private static readonly object Installing = new();

    /// <summary>Makes this the resolver of PDFsharp, which has one per process: the first node of a process to make a PDF sets it.</summary>
    public void Install()
    {
        lock (Installing)
        {
            GlobalFontSettings.FontResolver ??= this;
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        // Bold is simulated: one face serves the headings too.
        new(Family, bold, false);

    public byte[]? GetFont(string faceName) => _face.Value;

    /// <summary>The first face of a collection as a font file of its own (its table directory rebuilt, tables copied); a plain font file as it is.</summary>
    public static byte[]? FirstFace(byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Length < 12)
        {
            return null;
        }

        if (file.AsSpan(0, 4).SequenceEqual("ttcf"u8) is false)
        {
            return file;
        }

        var directory = (int)U32(file, 12);
        var tables = U16(file, directory + 4);
        var headerLength = 12 + (16 * tables);
        var records = new List<(int Record, int Offset, int Length)>(tables);
        for (var i = 0; i < tables; i++)
        {
            var record = directory + 12 + (16 * i);
            records.Add((record, (int)U32(file, record + 8), (int)U32(file, record + 12)));
        }

        var size = headerLength + records.Sum(r => (r.Length + 3) & ~3);
        var face = new byte[size];
        file.AsSpan(directory, 12).CopyTo(face);
        var at = headerLength;
        for (var i = 0; i < records.Count; i++)
        {
            var (record, offset, length) = records[i];
            // Tag and checksum as they were; the offset is where the table is now.
            file.AsSpan(record, 8).CopyTo(face.AsSpan(12 + (16 * i)));
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(face.AsSpan(12 + (16 * i) + 8), (uint)at);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(face.AsSpan(12 + (16 * i) + 12), (uint)length);
            file.AsSpan(offset, length).CopyTo(face.AsSpan(at));
            at += (length + 3) & ~3;
        }

        return face;
    }

    private static uint U32(byte[] data, int at) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at, 4));

    private static int U16(byte[] data, int at) => System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(at, 2));
}
