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
/// copy in use (by <c>iat</c> and by the last-change claim), so a replayed old list cannot undo a revocation.
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

        return new(list, StatusListRefusal.None, string.Empty);
    }
}
