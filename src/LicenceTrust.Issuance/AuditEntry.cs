using System.Security.Cryptography;
using System.Text;

namespace LicenceTrust.Issuance;

/// <summary>
/// Stable audit event ids, grouped by range: 1xxx issuance, 2xxx status, 3xxx API keys and accounts,
/// 4xxx trust (withdrawals, peers' notices), 5xxx approvals (maker–checker) and batch jobs. Never renumber or reuse.
/// </summary>
public static class AuditEvents
{
    public const int LicenceIssued = 1001;
    public const int LicenceSuperseded = 1002;
    public const int PersonalDataRead = 1003;
    public const int RegisterExported = 1004;
    public const int StatusChanged = 2001;
    public const int ApiKeyCreated = 3001;
    public const int StaffAccountCreated = 3002;
    public const int StaffAccountLockedOut = 3003;
    public const int OfficerCreated = 3004;
    public const int OfficerLockedOut = 3005;
    public const int OfficerDisabled = 3006;
    public const int OfficerEnabled = 3007;
    public const int OfficerPasswordReset = 3008;
    public const int ApiKeyRevoked = 3009;
    public const int OfficerSignedIn = 3010;
    public const int OfficerSignInFailed = 3011;
    public const int OfficerSignedOut = 3012;
    public const int OfficerPasswordChanged = 3013;
    public const int AdminRequestSubmitted = 3014;
    public const int AdminRequestApproved = 3015;
    public const int AdminRequestRejected = 3016;
    public const int OfficerRolesChanged = 3017;
    public const int IssuerWithdrawn = 4001;
    public const int PeerNoticeApplied = 4002;
    public const int RestoreAccepted = 4003;
    public const int ApprovalRequested = 5001;
    public const int ApprovalApproved = 5002;
    public const int ApprovalRejected = 5003;
    public const int BatchSubmitted = 5004;
    public const int BatchFinished = 5005;
    public const int ConsentGranted = 6001;
    public const int EvidenceProvided = 6002;
    public const int EvidenceRefused = 6003;
    public const int EvidenceRequested = 6004;
}

/// <summary>The auditor's filters over the log (docs/console.md, "The auditor's view"), newest first.</summary>
/// <param name="From">Entries at or after this time.</param>
/// <param name="Before">Entries before this time.</param>
/// <param name="Actor">Entries whose actor contains this (an officer's user name, a key's name).</param>
/// <param name="EventIds">Only these events (empty: any).</param>
/// <param name="Subject">Entries about exactly this (a licence identifier, an officer, a key id).</param>
public sealed record AuditQuery(DateTimeOffset? From = null, DateTimeOffset? Before = null, string? Actor = null, IReadOnlyList<int>? EventIds = null, string? Subject = null,
    int PageNumber = 1, int PageSize = 50)
{
    /// <summary>The sign-in log: sign-ins, failures, lockouts and sign-outs of officers.</summary>
    public static readonly IReadOnlyList<int> SignIns = [AuditEvents.OfficerSignedIn, AuditEvents.OfficerSignInFailed, AuditEvents.OfficerLockedOut, AuditEvents.OfficerSignedOut];
}

/// <summary>An audit entry before it is chained: what happened, to what, by whom. No personal data.</summary>
public sealed record AuditDraft(int EventId, string Event, string Actor, string Subject, string Data, DateTimeOffset At);

/// <summary>An audit entry as stored: the draft, its sequence number and its place in the hash chain.</summary>
public sealed record AuditEntry(long Sequence, int EventId, string Event, string Actor, string Subject, string Data, DateTimeOffset At, string PreviousHash, string Hash);

/// <summary>Where an audit chain check stopped.</summary>
/// <param name="Ok">True when every link holds.</param>
/// <param name="Entries">Entries checked.</param>
/// <param name="FirstBrokenSequence">The first entry whose link fails; null when ok.</param>
/// <param name="Problem">What is wrong with it.</param>
/// <param name="Head">The hash of the last entry (the value to publish or compare offline).</param>
public sealed record AuditVerification(bool Ok, long Entries, long? FirstBrokenSequence, string? Problem, string Head);

/// <summary>
/// The hash chain over audit entries: hash = SHA-256(previous hash ‖ canonical text of the entry),
/// hex. The first entry's previous hash is 64 zeros. Pure; thread-safe.
/// </summary>
public static class AuditChain
{
    public static readonly string Genesis = new('0', 64);

    public static AuditEntry Link(AuditDraft draft, long sequence, string previousHash)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(draft.At.ToUnixTimeMilliseconds());
        var entry = new AuditEntry(sequence, draft.EventId, draft.Event, draft.Actor, draft.Subject, draft.Data, at, previousHash, string.Empty);
        return entry with { Hash = HashOf(entry) };
    }

    /// <summary>Appends an entry after the current head, inside the caller's transaction.</summary>
    /// <summary>Appends one entry in a transaction of its own (for events outside issuance, e.g. trust changes).</summary>
    public static Task AppendAsync(IIssuanceTransactions store, AuditDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.InTransactionAsync(async unit =>
        {
            await AppendAsync(unit, draft);
            return true;
        }, cancellationToken);
    }

    public static async Task AppendAsync(IIssuanceUnit unit, AuditDraft draft)
    {
        ArgumentNullException.ThrowIfNull(unit);
        var (sequence, hash) = await unit.LastAuditAsync();
        await unit.InsertAuditAsync(Link(draft, sequence + 1, hash));
    }

    /// <summary>Checks entries in sequence order: numbering, links and hashes. Reports the first break.</summary>
    public static AuditVerification Verify(IEnumerable<AuditEntry> entries)
    {
        var previous = Genesis;
        long expected = 1, count = 0;
        foreach (var entry in entries)
        {
            count++;
            string? problem = entry.Sequence != expected ? $"sequence {entry.Sequence} where {expected} was expected (an entry was deleted or reordered)"
                : entry.PreviousHash != previous ? "its previous hash does not match the entry before it"
                : entry.Hash != HashOf(entry) ? "its content does not match its hash (the entry was edited)"
                : null;
            if (problem is not null)
            {
                return new AuditVerification(false, count, entry.Sequence, problem, previous);
            }

            previous = entry.Hash;
            expected++;
        }

        return new AuditVerification(true, count, null, null, previous);
    }

    /// <summary>
    /// Checks entries taken out of the log (one licence's), without reading all of it: each entry's own
    /// hash, and its link to the entry just before it in the log, whose own hash is checked too. An edited
    /// entry, or one moved or put in place of another, fails here; a break elsewhere in the log takes
    /// <see cref="Verify"/> over the whole log.
    /// </summary>
    /// <param name="entries">The excerpt, in sequence order.</param>
    /// <param name="predecessors">The entries just before them in the log, by sequence.</param>
    public static AuditVerification VerifyExcerpt(IReadOnlyList<AuditEntry> entries, IReadOnlyDictionary<long, AuditEntry> predecessors)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(predecessors);
        foreach (var entry in entries)
        {
            var before = entry.Sequence == 1 ? null : predecessors.GetValueOrDefault(entry.Sequence - 1);
            string? problem = entry.Hash != HashOf(entry) ? "its content does not match its hash (the entry was edited)"
                : entry.Sequence == 1 ? (entry.PreviousHash == Genesis ? null : "the first entry does not start from the genesis hash")
                : before is null ? "the entry before it is missing (an entry was deleted)"
                : before.Hash != HashOf(before) ? "the entry before it does not match its hash (it was edited)"
                : entry.PreviousHash != before.Hash ? "its previous hash does not match the entry before it"
                : null;
            if (problem is not null)
            {
                return new AuditVerification(false, entries.Count, entry.Sequence, problem, entry.Hash);
            }
        }

        return new AuditVerification(true, entries.Count, null, null, entries.Count == 0 ? Genesis : entries[^1].Hash);
    }

    private static string HashOf(AuditEntry e)
    {
        // Fields joined with a separator that cannot occur in them unescaped; lengths prefix each field.
        var canonical = string.Join('\u001f', new[]
        {
            e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            e.EventId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            e.Event, e.Actor, e.Subject, e.Data,
            e.At.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        }.Select(f => $"{f.Length}:{f}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(e.PreviousHash + canonical)));
    }
}
