using LicenceTrust.Core.Results;

namespace LicenceTrust.Status;

/// <summary>
/// How this node picks status-list slots: at random, so a list's neighbours reveal nothing about when
/// or by whom a licence was issued (herd privacy, docs/api.md "Status lists"). Pure apart from the
/// caller's look-up of taken slots; thread-safe.
/// </summary>
public static class StatusSlots
{
    /// <summary>Rounds of candidates tried before giving up (a list is at most half full, so rounds are few).</summary>
    public const int MaxRounds = 64;

    /// <summary>
    /// <paramref name="count"/> distinct free slots of a list of <paramref name="size"/>; each round draws
    /// twice as many random candidates as are still needed (plus four) and asks <paramref name="taken"/>,
    /// one query, which of them are in use.
    /// </summary>
    /// <exception cref="LicenceTrustException">STATUS_LIST_FULL (503) when <see cref="MaxRounds"/> rounds found too few.</exception>
    public static async Task<int[]> ChooseFreeAsync(int size, int count, Func<IReadOnlyCollection<int>, Task<IReadOnlySet<int>>> taken)
    {
        ArgumentNullException.ThrowIfNull(taken);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var chosen = new HashSet<int>();
        for (var round = 0; round < MaxRounds && chosen.Count < count; round++)
        {
            var candidates = new HashSet<int>();
            while (candidates.Count < Math.Min((count - chosen.Count) * 2 + 4, size - chosen.Count))
            {
                var candidate = Random.Shared.Next(size);
                if (!chosen.Contains(candidate))
                {
                    candidates.Add(candidate);
                }
            }

            var inUse = await taken(candidates);
            foreach (var candidate in candidates.Where(c => !inUse.Contains(c)).Take(count - chosen.Count))
            {
                chosen.Add(candidate);
            }
        }

        return chosen.Count == count
            ? [.. chosen]
            : throw new LicenceTrustException(new LicenceTrustError(ErrorKind.Unavailable, "STATUS_LIST_FULL", "状态列表暂无空位，请重试 (no free status slot found; retry)."));
    }
}
