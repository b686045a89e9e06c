using System.Threading.RateLimiting;

namespace LicenceTrust.Federation;

/// <summary>
/// A token bucket for each key (a peer province, an officer of a peer): the rate at which a peer's inbox takes its
/// documents. One partitioned limiter, so one replenishing timer for all buckets, and an idle bucket is dropped: keys
/// a peer chooses (a new officer name in every request) cannot grow this node's memory, and reloading the peers
/// neither resets a rate nor leaks one. Lives as long as the node's inboxes. Thread-safe.
/// </summary>
/// <typeparam name="TKey">What a bucket belongs to.</typeparam>
public sealed class TokenBuckets<TKey> where TKey : notnull
{
    private readonly PartitionedRateLimiter<TKey> _limiter;

    /// <param name="perPeriod">Tokens added each period: the average rate.</param>
    /// <param name="period">How often they are added.</param>
    /// <param name="burst">The most a bucket holds: what may come at once after a quiet spell.</param>
    public TokenBuckets(int perPeriod, TimeSpan period, int burst) =>
        _limiter = PartitionedRateLimiter.Create<TKey, TKey>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Takes one token from the key's bucket; false when it is empty.</summary>
    public bool TryTake(TKey key)
    {
        using var lease = _limiter.AttemptAcquire(key);
        return lease.IsAcquired;
    }
}
