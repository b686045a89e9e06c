using System.Collections.Concurrent;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Status;

namespace LicenceTrust.Status;

/// <summary>A signed status list with the version it was built from.</summary>
public sealed record PublishedStatusList(int List, long Version, byte[] Token, DateTimeOffset IssuedAt);

/// <summary>
/// Builds and signs this node's status lists, and lists them. A list is rebuilt only when its change
/// counter moved, so a change is served on the next request (well within 1 s) and unchanged lists cost
/// one small query. Signed by the node's list-signing key (<paramref name="signer"/>, whose certificate
/// is <paramref name="signerCertificateDer"/>). Thread-safe.
/// </summary>
public sealed class StatusListPublisher(IStatusListStore store, ICredentialSigner signer, ReadOnlyMemory<byte> signerCertificateDer, string baseUri, TimeSpan maxAge, TimeProvider time)
{
    private readonly ConcurrentDictionary<int, PublishedStatusList> _cache = new();
    private readonly KeyId _kid = KeyId.ForCertificate(signerCertificateDer.Span);
    private readonly SemaphoreSlim _build = new(1, 1);

    public TimeSpan MaxAge => maxAge;

    /// <summary>Every list with its URI and change counter: the index peers read to see which lists moved.</summary>
    public async Task<IReadOnlyList<StatusListIndexEntry>> IndexAsync(CancellationToken cancellationToken) =>
        [.. (await store.StatusListsAsync(cancellationToken)).Select(l => new StatusListIndexEntry(l.Id, baseUri + l.Id, l.Version))];

    /// <summary>One licence's status, signed with the same key as the lists, for a peer's live question (docs/federation.md §4).</summary>
    public byte[] SignAnswer(string identifier, LicenceStatus status)
    {
        var now = time.GetUtcNow();
        return LicenceStatusToken.Write(new LicenceStatusAnswer(identifier, status, now, now + LicenceStatusToken.Lifetime), signer, _kid);
    }

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
            var token = StatusListToken.Write(new StatusList(baseUri + list, now, now.AddDays(1), maxAge, bits, info.UpdatedAt), signer, _kid);
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
