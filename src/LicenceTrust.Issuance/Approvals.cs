namespace LicenceTrust.Issuance;

/// <summary>What an officer asks an approver to sign off.</summary>
public enum ApprovalKind
{
    /// <summary>A draft licence: approving it signs it.</summary>
    Issue = 1,

    Revoke = 2,

    Cancel = 3,

    /// <summary>A new version of a licence (变更换发): approving it signs the draft and marks the old licence superseded.</summary>
    Supersede = 4,

    /// <summary>A linted batch file (<see cref="BatchJob"/>): approving it releases the job to the node's batch runner.</summary>
    Batch = 5,
}

/// <summary>Where a request stands. Only <see cref="Pending"/> may change, and only once.</summary>
public enum ApprovalState
{
    Pending = 1,
    Approved = 2,
    Rejected = 3,
}

/// <summary>
/// A maker's request waiting for a checker (填报 → 审核 → 签发): a draft licence, a draft new version of
/// a licence, or a revocation or cancellation of a licence.
/// </summary>
/// <param name="Id">Assigned by the store.</param>
/// <param name="Kind">Issue, revoke or cancel.</param>
/// <param name="AuthorityCode">The authority whose approvers decide it.</param>
/// <param name="Subject">The licence identifier of a revocation, cancellation or supersession; <c>batch:&lt;id&gt;</c> for a batch; null for a new licence's draft.</param>
/// <param name="Command">The draft of an issue or supersede request; null otherwise.</param>
/// <param name="Reason">The maker's reason (revocation, cancellation, supersession).</param>
/// <param name="RequestKey">Unique per authority: a resubmitted form finds its first request instead of making a second.</param>
/// <param name="RequestedBy">The maker's user name.</param>
/// <param name="RequestedAt">When it was made.</param>
/// <param name="State">Pending, approved or rejected.</param>
/// <param name="DecidedBy">The checker's user name.</param>
/// <param name="DecidedAt">When it was decided.</param>
/// <param name="DecisionReason">Why it was rejected.</param>
/// <param name="Result">The identifier of the licence an approved draft became.</param>
public sealed record ApprovalRequest(
    long Id,
    ApprovalKind Kind,
    string AuthorityCode,
    string? Subject,
    IssueCommand? Command,
    string? Reason,
    string RequestKey,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    ApprovalState State = ApprovalState.Pending,
    string? DecidedBy = null,
    DateTimeOffset? DecidedAt = null,
    string? DecisionReason = null,
    string? Result = null);

/// <summary>Filters for listing requests (newest first unless <see cref="OldestFirst"/>), a page at a time.</summary>
/// <param name="AuthorityCode">Only this authority's (null = all).</param>
/// <param name="State">Only this state (null = any).</param>
/// <param name="Subject">Only requests about this licence.</param>
/// <param name="Limit">At most this many (the page size).</param>
public sealed record ApprovalQuery(string? AuthorityCode, ApprovalState? State, string? Subject = null, int Limit = ApprovalQuery.DefaultLimit)
{
    public const int DefaultLimit = 100;

    /// <summary>Only requests of this kind.</summary>
    public ApprovalKind? Kind { get; init; }

    /// <summary>Only requests made by this officer (user name, any case).</summary>
    public string? RequestedBy { get; init; }

    /// <summary>Only requests made before this time (waiting longer than an age).</summary>
    public DateTimeOffset? RequestedBefore { get; init; }

    /// <summary>Oldest first: the queue's order, so no request waits unseen behind newer ones.</summary>
    public bool OldestFirst { get; init; }

    /// <summary>The page, from 1.</summary>
    public int PageNumber { get; init; } = 1;
}

/// <summary>Whether an authority's console officers need a second officer's approval, per action.</summary>
public sealed class ApprovalPolicy(IReadOnlyDictionary<string, (bool Issue, bool Revocation)>? authorities = null)
{
    /// <summary>Required everywhere: the default for console officers.</summary>
    public static ApprovalPolicy RequiredEverywhere { get; } = new();

    /// <summary>
    /// The policy from the settings' words, per authority: <c>IssueApproval</c> and <c>RevocationApproval</c>,
    /// each <c>required</c> (also when absent) or <c>none</c>, any case. One reader for the node and the CLI.
    /// </summary>
    /// <exception cref="InvalidDataException">A word other than required or none, naming its setting.</exception>
    public static ApprovalPolicy FromSettings(IEnumerable<(string Authority, string? IssueApproval, string? RevocationApproval)> authorities)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        static bool Required(string authority, string key, string? value) => value?.ToLowerInvariant() switch
        {
            null or "required" => true,
            "none" => false,
            var other => throw new InvalidDataException($"Issuance:Authorities:{authority}:{key} is '{other}': use required or none."),
        };

        return new ApprovalPolicy(authorities.ToDictionary(a => a.Authority,
            a => (Required(a.Authority, "IssueApproval", a.IssueApproval), Required(a.Authority, "RevocationApproval", a.RevocationApproval))));
    }

    public bool Requires(string authorityCode, ApprovalKind kind) =>
        authorities is null || !authorities.TryGetValue(authorityCode, out var policy)
            || (kind is ApprovalKind.Issue or ApprovalKind.Supersede or ApprovalKind.Batch ? policy.Issue : policy.Revocation);
}
