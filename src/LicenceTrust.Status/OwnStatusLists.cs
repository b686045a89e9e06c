using System.Collections;
using System.Collections.Concurrent;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;

namespace LicenceTrust.Status;

/// <summary>
/// Status of this node's own licences in O(1): the credential's signed status reference points into
/// this node's status list, held in memory as 2-bit entries plus a "slot in use" bit. VALID and
/// SUSPENDED are answered from there; a final status (the list only says "invalid") and any slot not
/// known to be in use go to the database for the exact answer. A change made through this node updates
/// the entry at commit (<see cref="Committed"/>, the port Issuance calls), so it shows on the next scan;
/// changes by another replica on the same database show within <paramref name="lifetime"/>, when lists
/// reload. No verification ever waits for a list to be read: every list is loaded by
/// <see cref="LoadAllAsync"/> before the node serves, a reload runs in the background and replaces the
/// copy in one step, and a list not in memory yet (opened since, by this node or a replica) is answered
/// by the licence's own row while it loads in the background. Thread-safe.
/// </summary>
/// <param name="published">Raised after each committed change, so the peers are told at once (docs/federation.md §3).</param>
public sealed class OwnStatusLists(IStatusListStore store, Province province, TimeProvider time, TimeSpan lifetime, string statusListBase, PublicationSignal? published = null) : IStatusSource, IStatusChangeSink
{
    private readonly ConcurrentDictionary<int, Snapshot> _lists = new();
    private readonly ConcurrentDictionary<int, SemaphoreSlim> _loading = new();
    private readonly object _gate = new();
    private long _generation;

    public async Task<StatusLookup> LookupAsync(Licence licence, StatusReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(licence);
        ArgumentNullException.ThrowIfNull(reference);
        var source = $"{province.NodeId}:database";
        byte? listed = null;
        if (lifetime > TimeSpan.Zero && ListOf(reference) is { } list && CopyOf(list) is { } snapshot
            && reference.Index < snapshot.Bits.Size && snapshot.Used[(int)reference.Index])
        {
            listed = snapshot.Bits.Get((int)reference.Index);
            // The slot answers only for the licence it belongs to: a credential of another licence pointing
            // here is judged by its own identifier (docs/format.md §13, one rule at home and at the peers).
            // A slot of no licence this database holds (recovered after a restore) answers as published.
            if (snapshot.Owners[(int)reference.Index] is var owner && (owner == 0 || owner == OwnerOf(licence.Identifier.Value))
                && LicenceStatusRules.FromStatusListValue(listed.Value) is { } status and (LicenceStatus.Valid or LicenceStatus.Suspended))
            {
                return StatusLookup.Found(status, source, time.GetUtcNow());
            }
        }

        try
        {
            return await store.StatusOfAsync(licence.Identifier.Value, cancellationToken) switch
            {
                { } status => StatusLookup.Found(status, source, time.GetUtcNow()),
                // A slot the published list shows ended with no licence row: a licence issued after the backup
                // this database was restored from, and ended since (docs/operations.md). It stays ended.
                null when listed == 1 => StatusLookup.Found(LicenceStatus.Revoked, source, time.GetUtcNow()),
                null => StatusLookup.Unavailable(ReasonCode.StatusUnknown, source),
            };
        }
        catch (Exception e) when (listed == 1 && store.IsUnavailable(e))
        {
            // The database is down but the list already says "no longer valid": answer that, as a peer would.
            return StatusLookup.Found(LicenceStatus.Revoked, source, time.GetUtcNow());
        }
    }

    /// <summary>Reads every status list into memory; the node calls it before it serves (and so before it is ready). Returns how many licences they hold.</summary>
    public async Task<long> LoadAllAsync(CancellationToken cancellationToken)
    {
        long licences = 0;
        foreach (var info in await store.StatusListsAsync(cancellationToken))
        {
            var generation = Interlocked.Read(ref _generation);
            var snapshot = await LoadAsync(info.Id, info, time.GetTimestamp(), cancellationToken);
            Keep(info.Id, snapshot, generation);

            licences += snapshot.Entries;
        }

        return licences;
    }

    /// <summary>The lists in memory now (for readiness and metrics).</summary>
    public int Loaded => _lists.Count;

    /// <summary>The last change in this node's status history of the licence; null when there is none, or the database cannot be read.</summary>
    public async Task<StatusChangeDetail?> LastChangeAsync(Licence licence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(licence);
        try
        {
            return await store.LastChangeAsync(licence.Identifier.Value, cancellationToken);
        }
        catch (Exception e) when (store.IsUnavailable(e))
        {
            // The database is down: the verdict still stands, only its date and reason are missing.
            return null;
        }
    }

    /// <summary>Records a committed change in the cached list, and stops any load in flight from caching older data.</summary>
    public void Committed(StatusChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            Interlocked.Increment(ref _generation);
            if (_lists.TryGetValue(change.StatusList, out var snapshot) && change.StatusIndex < snapshot.Bits.Size)
            {
                snapshot.Bits.Set(change.StatusIndex, change.Status.ToStatusListValue());
            }
        }

        published?.Raise();
    }

    /// <summary>LT2 carries the list number; LT1 the URI, which must be one of this node's.</summary>
    private int? ListOf(StatusReference reference) =>
        reference.List ?? (reference.Uri is { } uri && uri.StartsWith(statusListBase, StringComparison.Ordinal) && int.TryParse(uri.AsSpan(statusListBase.Length), out var list) ? list : null);

    private Snapshot? CopyOf(int list)
    {
        var cached = _lists.GetValueOrDefault(list);
        if (cached is not null && time.GetElapsedTime(cached.CheckedAt, time.GetTimestamp()) < lifetime)
        {
            return cached;
        }

        var gate = _loading.GetOrAdd(list, _ => new SemaphoreSlim(1, 1));

        // Load or refresh in the background. With a copy, this node's own changes are already in it, so only
        // another replica's changes wait for the reload; without one (a list opened since start), the caller
        // answers from the licence's row meanwhile. No verification waits for a list to be read.
        if (gate.Wait(0))
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await RefreshAsync(list, cached, CancellationToken.None);
                }
                catch (Exception e) when (store.IsUnavailable(e))
                {
                    // With the database down nobody can change a status: the copy in memory is still right.
                }
                finally
                {
                    gate.Release();
                }
            }, CancellationToken.None);
        }

        return cached;
    }

    private async Task<Snapshot?> RefreshAsync(int list, Snapshot? cached, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        var generation = Interlocked.Read(ref _generation);
        if (await store.StatusListAsync(list, cancellationToken) is not { } info)
        {
            return null;
        }

        // Unchanged in the database (the common case): keep the bits, only note the check.
        var snapshot = cached is not null && cached.Version == info.Version
            ? cached with { CheckedAt = now }
            : await LoadAsync(list, info, now, cancellationToken);
        Keep(list, snapshot, generation);

        return snapshot;
    }

    /// <summary>Caches what was read, unless a change committed since <paramref name="generation"/>: then it may be missing, so it is served once, uncached.</summary>
    private void Keep(int list, Snapshot snapshot, long generation)
    {
        lock (_gate)
        {
            if (Interlocked.Read(ref _generation) == generation)
            {
                _lists[list] = snapshot;
            }
        }
    }

    private async Task<Snapshot> LoadAsync(int list, StatusListInfo info, long now, CancellationToken cancellationToken)
    {
        var bits = new StatusBits(info.Size);
        var used = new BitArray(info.Size);
        var owners = new int[info.Size];
        var entries = await store.StatusListEntriesAsync(list, cancellationToken);
        foreach (var slot in entries)
        {
            bits.Set(slot.Index, slot.Status.ToStatusListValue());
            used[slot.Index] = true;
            owners[slot.Index] = slot.Identifier is { } identifier ? OwnerOf(identifier) : 0;
        }

        return new Snapshot(bits, used, owners, info.Version, now, entries.Count);
    }

    /// <summary>Which licence a slot belongs to, in 4 bytes (never 0, which marks a slot of no known licence).</summary>
    private static int OwnerOf(string identifier) => identifier.GetHashCode(StringComparison.Ordinal) is var hash && hash != 0 ? hash : 1;

    private sealed record Snapshot(StatusBits Bits, BitArray Used, int[] Owners, long Version, long CheckedAt, int Entries);
}
