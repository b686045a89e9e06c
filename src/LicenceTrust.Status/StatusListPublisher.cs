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
public sealed class StatusListPublisher(IStatusListStore store, ICredentialSigner signer, ReadOnlyMemory<byte> signerCertificateDer, string baseUri, TimeSpan maxAge, TimeProvider time) : IStatusListIndex
{
    private readonly ConcurrentDictionary<int, PublishedStatusList> _cache = new();
    private readonly KeyId _kid = KeyId.ForCertificate(signerCertificateDer.Span);
    private readonly SemaphoreSlim _build = new(1, 1);

    public TimeSpan MaxAge => maxAge;

    /// <summary>How long a signed list may be used (its <c>exp</c>).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

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

        // A list is signed for a day: one unchanged for half of that is signed again, so a reader never holds an expired copy.
        if (_cache.TryGetValue(list, out var cached) && cached.Version == info.Version && time.GetUtcNow() - cached.IssuedAt < Lifetime / 2)
        {
            return cached;
        }

        await _build.WaitAsync(cancellationToken);
        try
        {
            var entries = await store.StatusListEntriesAsync(list, cancellationToken);
            var bits = new StatusBits(info.Size);
            foreach (var slot in entries)
            {
                bits.Set(slot.Index, slot.Status.ToStatusListValue());
            }

            // Read after the entries: a change committed in between shows in the details and the next version.
            // A detail whose entry moved since is left out (a reader refuses a list whose two halves disagree).
            var details = (await store.StatusListDetailsAsync(list, cancellationToken)).Where(d => d.Index < info.Size && bits.Get(d.Index) == d.Status.ToStatusListValue()).ToList();
            var now = time.GetUtcNow();
            var token = StatusListToken.Write(new StatusList(baseUri + list, now, now + Lifetime, maxAge, bits, info.UpdatedAt, details), signer, _kid);
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
