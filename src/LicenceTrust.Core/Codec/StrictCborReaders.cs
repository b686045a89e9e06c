using System.Formats.Cbor;

namespace LicenceTrust.Core.Codec;

/// <summary>
/// Strict CBOR readers reused per thread. A new strict reader allocates its duplicate-key bookkeeping
/// for every map it enters, about 1.8 KB for one credential's claims; a reader that is reset keeps it
/// (docs/performance.md, "Less garbage on the verify path"). Reading is synchronous, so a reader never
/// crosses threads between <see cref="Rent"/> and <see cref="Return"/>.
/// </summary>
internal static class StrictCborReaders
{
    private const int KeptPerThread = 4;

    [ThreadStatic]
    private static Stack<CborReader>? _free;

    public static CborReader Rent(ReadOnlyMemory<byte> data)
    {
        if (_free is { Count: > 0 } free)
        {
            var reader = free.Pop();
            reader.Reset(data);
            return reader;
        }

        return new CborReader(data, CborConformanceMode.Strict);
    }

    /// <summary>Gives the reader back, holding no data, whatever state a failed read left it in.</summary>
    public static void Return(CborReader reader)
    {
        reader.Reset(ReadOnlyMemory<byte>.Empty);
        var free = _free ??= new Stack<CborReader>(KeptPerThread);
        if (free.Count < KeptPerThread)
        {
            free.Push(reader);
        }
    }
}
