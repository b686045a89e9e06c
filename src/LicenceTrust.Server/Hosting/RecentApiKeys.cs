using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using LicenceTrust.Issuance;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// Keys that authenticated against the database lately, so a partner's verification keeps working while
/// the database is down (issue 7): nobody can revoke a key then either. Only a key seen within
/// <paramref name="window"/> before the outage is accepted; it is held as a SHA-256 digest, never as
/// the key. Thread-safe.
/// </summary>
public sealed class RecentApiKeys(TimeProvider time, TimeSpan window)
{
    private readonly ConcurrentDictionary<string, (Actor Actor, DateTimeOffset At)> _seen = new(StringComparer.Ordinal);

    public void Remember(string presented, Actor actor) => _seen[Digest(presented)] = (actor, time.GetUtcNow());

    /// <summary>Forgets a key the database said is unknown or revoked.</summary>
    public void Forget(string presented) => _seen.TryRemove(Digest(presented), out _);

    public Actor? Recall(string presented) =>
        _seen.TryGetValue(Digest(presented), out var seen) && time.GetUtcNow() - seen.At <= window ? seen.Actor : null;

    private static string Digest(string presented) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}
