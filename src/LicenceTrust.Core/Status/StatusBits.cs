namespace LicenceTrust.Core.Status;

/// <summary>
/// The bitstring of an IETF Token Status List with 2 bits per entry: entry i is in byte i/4 at
/// bit offset 2·(i mod 4), least significant first. Not thread-safe: owners copy or lock.
/// </summary>
public sealed class StatusBits
{
    /// <summary>The fewest entries a list may have, for herd privacy (docs/api.md, "Status lists").</summary>
    public const int MinimumSize = 131_072;

    private readonly byte[] _bytes;

    public StatusBits(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 4);
        if (size % 4 != 0)
        {
            throw new ArgumentException("The size must be a multiple of 4.", nameof(size));
        }

        _bytes = new byte[size / 4];
    }

    private StatusBits(byte[] bytes) => _bytes = bytes;

    /// <summary>Number of entries.</summary>
    public int Size => _bytes.Length * 4;

    public static StatusBits FromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return bytes.Length == 0 ? throw new ArgumentException("An empty list.", nameof(bytes)) : new StatusBits((byte[])bytes.Clone());
    }

    /// <summary>The 2-bit value of entry <paramref name="index"/> (0–3).</summary>
    public byte Get(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Size);
        return (byte)(_bytes[index >> 2] >> ((index & 3) * 2) & 0b11);
    }

    public void Set(int index, byte value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, (byte)3);
        var shift = (index & 3) * 2;
        _bytes[index >> 2] = (byte)(_bytes[index >> 2] & ~(0b11 << shift) | value << shift);
    }

    /// <summary>The raw bytes, read-only: for comparing lists without a copy.</summary>
    public ReadOnlySpan<byte> AsSpan() => _bytes;

    /// <summary>A copy of the raw bytes.</summary>
    public byte[] ToBytes() => (byte[])_bytes.Clone();
}
