using System.Reflection;
using System.Runtime.InteropServices;

namespace LicenceTrust.Core.Codec;

/// <summary>
/// zlib's own deflate, from the system's zlib library (libz.so.1), with a preset dictionary: what LT2
/// writes. One stream per thread, reset for each credential; not thread-safe itself.
/// </summary>
/// <remarks>
/// SharpZipLib's deflater did this before, but it clears its 128 KB of hash chains in a managed loop and
/// hashes the dictionary again for every credential: 8–11 % of a batch's CPU (docs/performance-history.md,
/// "LT2 compression on the system's zlib"). zlib resets with a memset of its 64 KB hash heads only.
/// SharpZipLib still reads LT2 (<see cref="Zlib.TryDecompress(ReadOnlySpan{byte}, int, bool, out byte[], out PresetDictionary?, out string)"/>),
/// so what one library writes, another reads back before anything is signed into a QR code.
/// </remarks>
internal sealed unsafe partial class SystemZlibDeflater
{
    private const string Library = "libz";
    private const int BestCompression = 9;
    private const int Deflated = 8;
    private const int WindowBits = 15;
    private const int MemoryLevel = 8;
    private const int DefaultStrategy = 0;
    private const int Finish = 4;
    private const int Ok = 0;
    private const int StreamEnd = 1;

    [ThreadStatic]
    private static SystemZlibDeflater? t_current;

    private readonly ZStream* _stream;

    static SystemZlibDeflater() =>
        NativeLibrary.SetDllImportResolver(typeof(SystemZlibDeflater).Assembly, Resolve);

    private SystemZlibDeflater()
    {
        _stream = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        var rc = DeflateInit2(_stream, BestCompression, Deflated, WindowBits, MemoryLevel, DefaultStrategy, ZlibVersion(), sizeof(ZStream));
        if (rc != Ok)
        {
            NativeMemory.Free(_stream);
            throw new InvalidOperationException($"zlib deflateInit2 failed ({rc})");
        }
    }

    // zlib's state (window, hash tables) lives in native memory; a thread that ends leaves its deflater
    // unreachable, and this gives the memory back.
    ~SystemZlibDeflater()
    {
        _ = DeflateEnd(_stream);
        NativeMemory.Free(_stream);
    }

    /// <summary>This thread's deflater.</summary>
    public static SystemZlibDeflater Current => t_current ??= new SystemZlibDeflater();

    /// <summary>A whole zlib stream (FDICT and DICTID in its header) of <paramref name="data"/>.</summary>
    public byte[] Compress(ReadOnlySpan<byte> data, ReadOnlySpan<byte> dictionary)
    {
        Check(DeflateReset(_stream), "deflateReset");
        fixed (byte* dict = dictionary)
        {
            Check(DeflateSetDictionary(_stream, dict, (uint)dictionary.Length), "deflateSetDictionary");
        }

        var bound = (int)DeflateBound(_stream, (nuint)data.Length);
        var output = bound <= 4096 ? stackalloc byte[bound] : new byte[bound];
        fixed (byte* input = data)
        fixed (byte* outputStart = output)
        {
            _stream->NextIn = input;
            _stream->AvailIn = (uint)data.Length;
            _stream->NextOut = outputStart;
            _stream->AvailOut = (uint)bound;
            var rc = Deflate(_stream, Finish);
            _stream->NextIn = null;
            _stream->NextOut = null;
            if (rc != StreamEnd)
            {
                throw new InvalidOperationException($"zlib deflate did not finish ({rc})");
            }

            return output[..(bound - (int)_stream->AvailOut)].ToArray();
        }
    }

    private static void Check(int rc, string call)
    {
        if (rc != Ok)
        {
            throw new InvalidOperationException($"zlib {call} failed ({rc})");
        }
    }

    // The library's file name differs by system; Debian and every other Linux ship libz.so.1 (without
    // the unversioned libz.so, which only the development package adds).
    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }

        // ZStream's layout assumes a 64-bit C long: 64-bit Linux and macOS, not Windows.
        if (!Environment.Is64BitProcess || !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
        {
            throw new PlatformNotSupportedException("LT2 compression uses the system's zlib on 64-bit Linux or macOS.");
        }

        string[] candidates = OperatingSystem.IsLinux() ? ["libz.so.1", "libz.so"] : ["libz.1.dylib", "libz.dylib"];
        foreach (var candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle))
            {
                return handle;
            }
        }

        throw new DllNotFoundException($"LT2 compression needs the system's zlib library ({string.Join(" or ", candidates)}), which was not found.");
    }

    /// <summary>zlib's z_stream on a 64-bit system where C's long is 64 bits (Linux, macOS).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ZStream
    {
        public byte* NextIn;
        public uint AvailIn;
        public nuint TotalIn;
        public byte* NextOut;
        public uint AvailOut;
        public nuint TotalOut;
        public IntPtr Message;
        public IntPtr State;
        public IntPtr Alloc;
        public IntPtr Free;
        public IntPtr Opaque;
        public int DataType;
        public nuint Adler;
        public nuint Reserved;
    }

    [LibraryImport(Library, EntryPoint = "zlibVersion")]
    private static partial byte* ZlibVersion();

    [LibraryImport(Library, EntryPoint = "deflateInit2_")]
    private static partial int DeflateInit2(ZStream* stream, int level, int method, int windowBits, int memLevel, int strategy, byte* version, int streamSize);

    [LibraryImport(Library, EntryPoint = "deflateReset")]
    private static partial int DeflateReset(ZStream* stream);

    [LibraryImport(Library, EntryPoint = "deflateSetDictionary")]
    private static partial int DeflateSetDictionary(ZStream* stream, byte* dictionary, uint length);

    [LibraryImport(Library, EntryPoint = "deflateBound")]
    private static partial nuint DeflateBound(ZStream* stream, nuint sourceLength);

    [LibraryImport(Library, EntryPoint = "deflate")]
    private static partial int Deflate(ZStream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "deflateEnd")]
    private static partial int DeflateEnd(ZStream* stream);
}
