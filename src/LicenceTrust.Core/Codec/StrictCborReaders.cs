using System.Formats.Cbor;

namespace LicenceTrust.Core.Codec;

/// <summary>
/// CBOR readers reused per thread, strict or canonical. A new strict reader allocates its duplicate-key
/// bookkeeping for every map it enters, about 1.8 KB for one credential's claims; a reader that is reset
/// keeps it (docs/performance-history.md, "Less garbage on the verify path"). Reading is synchronous, so a reader
/// never crosses threads between <see cref="Rent"/> and <see cref="Return"/>.
/// </summary>
internal static class StrictCborReaders
{
    private const int KeptPerThread = 4;

    [ThreadStatic]
    private static Stack<CborReader>? _strict;

    [ThreadStatic]
    private static Stack<CborReader>? _canonical;

    /// <summary>
    /// A strict reader (duplicate keys and invalid UTF-8 refused), or with <paramref name="canonical"/> a
    /// canonical one (RFC 7049 §3.9: also definite lengths, shortest forms and sorted keys), for the
    /// unsigned envelope around signed bytes, where any other encoding would be a second text of them.
    /// </summary>
    public static CborReader Rent(ReadOnlyMemory<byte> data, bool canonical = false)
    {
        if ((canonical ? _canonical : _strict) is { Count: > 0 } free)
        {
            var reader = free.Pop();
            reader.Reset(data);
            return reader;
        }

        return new CborReader(data, canonical ? CborConformanceMode.Canonical : CborConformanceMode.Strict);
    }

    /// <summary>Gives the reader back, holding no data, whatever state a failed read left it in.</summary>
    public static void Return(CborReader reader)
    {
        reader.Reset(ReadOnlyMemory<byte>.Empty);
        var free = reader.ConformanceMode == CborConformanceMode.Canonical ? _canonical ??= new Stack<CborReader>(KeptPerThread) : _strict ??= new Stack<CborReader>(KeptPerThread);
        if (free.Count < KeptPerThread)
        {
            free.Push(reader);
        }
    }

    /// <summary>
    /// True when <paramref name="data"/> holds an indefinite length anywhere (a chunked string, an
    /// open-ended array or map), which docs/format.md §3 forbids in signed bytes. Data that is malformed
    /// otherwise is false here: the reader that follows names its fault.
    /// </summary>
    /// <exception cref="CborTooDeepException">Nested deeper than <paramref name="maxDepth"/>.</exception>
    public static bool ContainsIndefiniteLength(ReadOnlyMemory<byte> data, int maxDepth)
    {
        var reader = Rent(data);
        try
        {
            var depth = 0;
            while (true)
            {
                switch (reader.PeekState())
                {
                    case CborReaderState.Finished:
                        return false;
                    case CborReaderState.StartIndefiniteLengthByteString or CborReaderState.StartIndefiniteLengthTextString:
                        return true;
                    case CborReaderState.StartArray:
                        if (reader.ReadStartArray() is null)
                        {
                            return true;
                        }

                        Deeper(ref depth, maxDepth);
                        break;
                    case CborReaderState.StartMap:
                        if (reader.ReadStartMap() is null)
                        {
                            return true;
                        }

                        Deeper(ref depth, maxDepth);
                        break;
                    case CborReaderState.EndArray:
                        reader.ReadEndArray();
                        depth--;
                        break;
                    case CborReaderState.EndMap:
                        reader.ReadEndMap();
                        depth--;
                        break;
                    case CborReaderState.Tag:
                        reader.ReadTag();
                        break;
                    default:
                        reader.SkipValue();
                        break;
                }
            }
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException or OverflowException)
        {
            return false;
        }
        finally
        {
            Return(reader);
        }
    }

    private static void Deeper(ref int depth, int max)
    {
        if (++depth > max)
        {
            throw new CborTooDeepException($"CBOR nesting deeper than {max}");
        }
    }
}
