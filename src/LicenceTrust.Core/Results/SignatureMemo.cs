using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace LicenceTrust.Core.Results;

/// <summary>
/// Remembers which certificate verified the signature of an exact COSE_Sign1 message, so a credential
/// scanned again costs a SHA-256 instead of an SM2 verification. Only successes are kept, keyed by the
/// SHA-256 of the whole message and the certificate's fingerprint: changing any byte misses. Status and
/// time checks are not memoised. Bounded: when full it starts again empty; a capacity of 0 remembers
/// nothing. Thread-safe.
/// </summary>
public sealed class SignatureMemo(int capacity = 100_000)
{
    private readonly int _capacity = capacity >= 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity is 0 or more.");

    private ConcurrentDictionary<(string Message, string Certificate), bool> _verified = new();

    /// <summary>How many signature checks were answered from memory (for metrics and tests).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    private long _hits;

    public static string KeyOf(ReadOnlySpan<byte> coseBytes) => Convert.ToHexString(SHA256.HashData(coseBytes));

    public bool Remembers(string messageKey, string certificateFingerprint)
    {
        var hit = _verified.ContainsKey((messageKey, certificateFingerprint));
        if (hit)
        {
            Interlocked.Increment(ref _hits);
        }

        return hit;
    }

    public void Remember(string messageKey, string certificateFingerprint)
    {
        if (_capacity == 0)
        {
            return;
        }

        // ConcurrentDictionary.Count takes every lock: under load with distinct credentials that was a
        // lock convoy on each request, so the size is counted here instead.
        if (Interlocked.Read(ref _count) >= _capacity)
        {
            // Simple and safe: forgetting only costs a verification.
            _verified = new ConcurrentDictionary<(string, string), bool>();
            Interlocked.Exchange(ref _count, 0);
        }

        if (_verified.TryAdd((messageKey, certificateFingerprint), true))
        {
            Interlocked.Increment(ref _count);
        }
    }

    private long _count;
}
