using System.Collections.Concurrent;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;
using LicenceTrust.Verification;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// Status of this node's own licences, from its database, with an O(1) in-memory cache in front
/// (issue 4: repeated scans must not each cost a database read). A change made through this node drops
/// the entry at commit (<see cref="Invalidate"/>), so it shows on the next verification; changes made
/// by another replica on the same database show within <paramref name="lifetime"/>. Thread-safe.
/// </summary>
public sealed class LocalStatusSource(IIssuanceStore store, Province province, TimeProvider time, TimeSpan lifetime) : IStatusSource
{
    private const int MaxEntries = 200_000;
    private readonly ConcurrentDictionary<string, (LicenceStatus Status, long LoadedAt)> _cache = new(StringComparer.Ordinal);
    private long _generation;

    public async Task<StatusLookup> LookupAsync(Licence licence, StatusReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(licence);
        var identifier = licence.Identifier.Value;
        var source = $"{province.NodeId}:database";
        var now = time.GetTimestamp();
        if (_cache.TryGetValue(identifier, out var cached) && time.GetElapsedTime(cached.LoadedAt, now) < lifetime)
        {
            return StatusLookup.Found(cached.Status, source, time.GetUtcNow());
        }

        // A change committed while this read is in flight bumps the generation: then the read is not cached.
        var generation = Interlocked.Read(ref _generation);
        var record = await store.FindAsync(identifier, cancellationToken);
        if (record is null)
        {
            return StatusLookup.Unavailable(ReasonCode.StatusUnknown, source);
        }

        if (lifetime > TimeSpan.Zero && Interlocked.Read(ref _generation) == generation)
        {
            if (_cache.Count >= MaxEntries)
            {
                _cache.Clear();
            }

            _cache[identifier] = (record.Status, now);
        }

        return StatusLookup.Found(record.Status, source, time.GetUtcNow());
    }

    /// <summary>Drops a licence whose status just changed.</summary>
    public void Invalidate(string identifier)
    {
        Interlocked.Increment(ref _generation);
        _cache.TryRemove(identifier, out _);
    }
}
