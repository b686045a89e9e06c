using LicenceTrust.Core.Crypto;

namespace LicenceTrust.Core.Status;

/// <summary>Why a peer's status list token is not used.</summary>
public enum StatusListRefusal
{
    None,

    /// <summary>Not a status list token, or its claims are broken.</summary>
    Malformed,

    /// <summary>Not signed by the peer's list signer (another key, another algorithm, or edited after signing).</summary>
    NotSignedBySigner,

    /// <summary>Signed, but for another list than the one asked for.</summary>
    OtherList,

    /// <summary>Past its <c>exp</c>.</summary>
    Expired,

    /// <summary>Older than the copy already in use: replaying it would undo revocations.</summary>
    Rollback,
}

/// <summary>A status list token judged: the list when it may be used, else why not.</summary>
public sealed record StatusListCheck(StatusList? List, StatusListRefusal Refusal, string Detail)
{
    public bool Accepted => Refusal == StatusListRefusal.None;
}

/// <summary>
/// The rules a node applies to a peer's status list before verification may rely on it (docs/federation.md):
/// signed by the peer's list signer, the list that was asked for, not expired, and never older than the
/// copy in use (by <c>iat</c> and by the last-change claim), so a replayed old list cannot undo a revocation;
/// and no entry that is ended in the copy in use may be anything else in the new one, whatever its times say.
/// </summary>
public static class StatusListRules
{
    public static StatusListCheck Check(byte[] token, VerificationKey signer, string uri, DateTimeOffset now, StatusList? inUse)
    {
        if (StatusListToken.TryRead(token, signer, out var refusal, out var error) is not { } list)
        {
            return new(null, refusal, error);
        }

        if (list.Uri != uri)
        {
            return new(null, StatusListRefusal.OtherList, $"it is the list {list.Uri}, not {uri}");
        }

        if (list.ExpiresAt <= now)
        {
            return new(null, StatusListRefusal.Expired, $"it expired at {list.ExpiresAt:O}");
        }

        if (inUse is not null && (list.UpdatedAt < inUse.UpdatedAt || list.IssuedAt < inUse.IssuedAt))
        {
            return new(null, StatusListRefusal.Rollback, "older than the copy in use (rollback)");
        }

        if (inUse is not null && FirstEndedEntryBack(inUse.Bits, list.Bits) is { } entry)
        {
            return new(null, StatusListRefusal.Rollback, $"entry {entry} is ended (1) in the copy in use and {list.Bits.Get(entry)} in this one: an ended licence cannot come back (a restored or rolled-back node)");
        }

        return new(list, StatusListRefusal.None, string.Empty);
    }

    /// <summary>
    /// The first entry that is ended (value 1: revoked, cancelled, superseded) in <paramref name="before"/>
    /// and not in <paramref name="after"/>; null when every ended entry stays ended. Slots are never reused,
    /// so a list that brings an ended licence back is a node gone back in time (a database restored from a
    /// backup), whatever its timestamps say. A list of another size is judged only on the entries both hold.
    /// </summary>
    public static int? FirstEndedEntryBack(StatusBits before, StatusBits after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var old = before.AsSpan();
        var now = after.AsSpan();
        var length = Math.Min(old.Length, now.Length);
        for (var i = 0; i < length; i++)
        {
            // Each 2-bit entry is 01 when ended: the low bit set and the high bit clear.
            var ended = old[i] & ~(old[i] >> 1) & 0b0101_0101;
            var stillEnded = now[i] & ~(now[i] >> 1) & 0b0101_0101;
            if ((ended & ~stillEnded) is var lost and not 0)
            {
                return (i * 4) + (System.Numerics.BitOperations.TrailingZeroCount(lost) / 2);
            }
        }

        return null;
    }
}
