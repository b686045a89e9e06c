using System.Collections.Concurrent;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;
using LicenceTrust.KeyStore;

namespace LicenceTrust.Server.Hosting;

/// <summary>A signed status list with the version it was built from.</summary>
public sealed record PublishedStatusList(int List, long Version, byte[] Token, DateTimeOffset IssuedAt);

/// <summary>
/// Builds and signs status lists from the database. A list is rebuilt only when its change counter
/// moved, so a change is served on the next request (well within 1 s) and unchanged lists cost one
/// small query. Thread-safe.
/// </summary>
public sealed class StatusListPublisher(IIssuanceStore store, ListSignerKey signer, string baseUri, TimeSpan maxAge, TimeProvider time)
{
    private readonly ConcurrentDictionary<int, PublishedStatusList> _cache = new();
    private readonly KeyId _kid = KeyId.ForCertificate(signer.CertificateDer);
    private readonly SemaphoreSlim _build = new(1, 1);

    public TimeSpan MaxAge => maxAge;

    /// <summary>The current signed list, or null when there is no such list.</summary>
    public async Task<PublishedStatusList?> GetAsync(int list, CancellationToken cancellationToken)
    {
        if (await store.StatusListAsync(list, cancellationToken) is not { } info)
        {
            return null;
        }

        if (_cache.TryGetValue(list, out var cached) && cached.Version == info.Version)
        {
            return cached;
        }

        await _build.WaitAsync(cancellationToken);
        try
        {
            var entries = await store.StatusListEntriesAsync(list, cancellationToken);
            var bits = new StatusBits(info.Size);
            foreach (var (index, status) in entries)
            {
                bits.Set(index, status.ToStatusListValue());
            }

            var now = time.GetUtcNow();
            var token = StatusListToken.Write(new StatusList(baseUri + list, now, now.AddDays(1), maxAge, bits, info.UpdatedAt), signer.Key, _kid);
            var published = new PublishedStatusList(list, info.Version, token, now);
            _cache[list] = published;
            return published;
        }
        finally
        {
            _build.Release();
        }
    }
}
