using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace LicenceTrust.Core.Results;

/// <summary>
/// Remembers which certificate verified the signature of an exact COSE_Sign1 message, so a credential
/// scanned again costs a SHA-256 instead of an SM2 verification. Only successes are kept, keyed by the
/// SHA-256 of the whole message and the certificate's fingerprint: changing any byte misses. Status and
/// time checks are not memoised. Bounded: a fixed table of about <c>capacity</c> entries in buckets of
/// four, where a full bucket forgets its oldest entry; a capacity of 0 remembers nothing. Thread-safe.
/// </summary>
/// <remarks>
/// The entries are plain structs in one array, with no reference to any object, so the garbage collector
/// never has to trace or move them. The dictionary of strings this replaced put every distinct credential
/// on the heap, and under a stream of distinct credentials its survivors took 1.7–2.2 % of the time in GC
/// pauses against 0.2–0.3 % with no memo (docs/performance-history.md, "A signature memo the collector does not
/// see"). Each bucket is read and written under one of 64 locks, so no reader sees half an entry.
/// </remarks>
public sealed class SignatureMemo
{
    private const int BucketSize = 4;
    private readonly Entry[] _entries;
    private readonly byte[] _nextVictim;
    private readonly object[] _locks;
    private long _hits;

    public SignatureMemo(int capacity = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        var buckets = (capacity + BucketSize - 1) / BucketSize;
        _entries = new Entry[buckets * BucketSize];
        _nextVictim = new byte[buckets];
        _locks = [.. Enumerable.Range(0, Math.Min(64, Math.Max(buckets, 1))).Select(_ => new object())];
    }

    /// <summary>How many signature checks were answered from memory (for metrics and tests).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>The memo's key for an exact COSE_Sign1 message: its SHA-256, computed once per verification.</summary>
    public static MessageKey KeyOf(ReadOnlySpan<byte> coseBytes)
    {
        var key = default(MessageKey);
        SHA256.HashData(coseBytes, MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref key, 1)));
        return key;
    }

    public bool Remembers(in MessageKey messageKey, string certificateFingerprint)
    {
        if (_entries.Length == 0 || !Entry.TryCreate(messageKey, certificateFingerprint, out var wanted))
        {
            return false;
        }

        var bucket = BucketOf(wanted);
        lock (_locks[bucket % _locks.Length])
        {
            foreach (ref readonly var entry in _entries.AsSpan(bucket * BucketSize, BucketSize))
            {
                if (entry.Equals(wanted))
                {
                    Interlocked.Increment(ref _hits);
                    return true;
                }
            }
        }

        return false;
    }

    public void Remember(in MessageKey messageKey, string certificateFingerprint)
    {
        if (_entries.Length == 0 || !Entry.TryCreate(messageKey, certificateFingerprint, out var entry))
        {
            return;
        }

        var bucket = BucketOf(entry);
        lock (_locks[bucket % _locks.Length])
        {
            var slots = _entries.AsSpan(bucket * BucketSize, BucketSize);
            foreach (ref readonly var slot in slots)
            {
                if (slot.Equals(entry))
                {
                    return;
                }
            }

            // Forgetting only costs a verification: the oldest of the bucket makes room.
            slots[_nextVictim[bucket]] = entry;
            _nextVictim[bucket] = (byte)((_nextVictim[bucket] + 1) % BucketSize);
        }
    }

    private int BucketOf(in Entry entry) => (int)((entry.M0 ^ entry.C0) % (ulong)(_entries.Length / BucketSize));

    /// <summary>Both SHA-256 values, 64 bytes; all zero is the empty slot (not a SHA-256 anyone can aim at).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Entry : IEquatable<Entry>
    {
        public ulong M0, M1, M2, M3, C0, C1, C2, C3;

        public static bool TryCreate(in MessageKey messageKey, string certificateFingerprint, out Entry entry)
        {
            entry = default;
            var bytes = MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref entry, 1));
            MemoryMarshal.Write(bytes[..32], messageKey);
            return Convert.FromHexString(certificateFingerprint, bytes[32..], out _, out var written) == OperationStatus.Done && written == 32
                && !entry.Equals(default);
        }

        public readonly bool Equals(Entry other) =>
            ((M0 ^ other.M0) | (M1 ^ other.M1) | (M2 ^ other.M2) | (M3 ^ other.M3)
            | (C0 ^ other.C0) | (C1 ^ other.C1) | (C2 ^ other.C2) | (C3 ^ other.C3)) == 0;

        public override readonly bool Equals(object? obj) => obj is Entry other && Equals(other);

        public override readonly int GetHashCode() => HashCode.Combine(M0, C0);
    }
}

/// <summary>The SHA-256 of a COSE_Sign1 message, as <see cref="SignatureMemo"/> keys it: 32 bytes, no heap object.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct MessageKey : IEquatable<MessageKey>
{
    private readonly ulong _a, _b, _c, _d;

    public bool Equals(MessageKey other) => ((_a ^ other._a) | (_b ^ other._b) | (_c ^ other._c) | (_d ^ other._d)) == 0;

    public override bool Equals(object? obj) => obj is MessageKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_a, _b);

    public static bool operator ==(MessageKey left, MessageKey right) => left.Equals(right);

    public static bool operator !=(MessageKey left, MessageKey right) => !left.Equals(right);
}
