using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Text;

namespace LicenceTrust.Core.Results;

/// <summary>How one check of the pipeline ended.</summary>
public enum CheckOutcome
{
    Passed,
    Failed,
    Doubtful,
    Skipped,
}

/// <summary>One step of verification and its outcome.</summary>
/// <param name="Name">Stable step name: read, issuer, signature, chain, authority, licenceType, time, status, recognition.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Reason">The reason when it did not pass.</param>
public sealed record VerificationCheck(string Name, CheckOutcome Outcome, ReasonCode Reason = ReasonCode.None);

/// <summary>
/// The result of verifying a credential. Built only by the named factories; <see cref="Verdict"/> is
/// VALID only when every check passed — a result that is not proven valid is not valid.
/// Immutable.
/// </summary>
public sealed class VerificationResult
{
    private VerificationResult(Verdict verdict, IReadOnlyList<ReasonCode> reasons, IReadOnlyList<VerificationCheck> checks, Licence? licence, IssuerCertificate? issuer, SignatureAlgorithm? algorithm, DateTimeOffset checkedAt, string detail, string? payloadSha256)
    {
        PayloadSha256 = payloadSha256;
        Verdict = verdict;
        Reasons = reasons;
        Checks = checks;
        Licence = licence?.Disclosed();
        Issuer = issuer;
        Algorithm = algorithm;
        CheckedAt = checkedAt;
        Detail = detail;
        Warnings = Licence is not null && HasSuspiciousText(Licence) ? [ReasonCode.TextSuspicious] : [];
    }

    public Verdict Verdict { get; }

    /// <summary>Why the verdict is not VALID, most important first; empty when VALID.</summary>
    public IReadOnlyList<ReasonCode> Reasons { get; }

    public IReadOnlyList<VerificationCheck> Checks { get; }

    /// <summary>
    /// Warnings (6xx) shown beside the verdict, which they never change: TEXT_SUSPICIOUS when a text of
    /// the licence holds a character the text policy refuses (a credential signed elsewhere, or before
    /// the policy). Empty for most results.
    /// </summary>
    public IReadOnlyList<ReasonCode> Warnings { get; }

    /// <summary>The licence as read from the credential (personal codes masked); null when unreadable.</summary>
    public Licence? Licence { get; }

    /// <summary>The certificate whose signature verified; null when none did.</summary>
    public IssuerCertificate? Issuer { get; }

    public SignatureAlgorithm? Algorithm { get; }

    public DateTimeOffset CheckedAt { get; }

    /// <summary>The SHA-256 of the signed payload, lower-case hex, when the credential was readable: a relying party's key for deduplicating.</summary>
    public string? PayloadSha256 { get; }

    /// <summary>Technical detail for developers and logs; never personal data.</summary>
    public string Detail { get; }

    /// <summary>A result that is not VALID; the verdict follows the reason's catalogue entry (INVALID, CHECK or UNREADABLE).</summary>
    public static VerificationResult Failed(ReasonCode reason, IReadOnlyList<VerificationCheck> checks, Licence? licence, IssuerCertificate? issuer, SignatureAlgorithm? algorithm, DateTimeOffset at, string detail = "", string? payloadSha256 = null)
    {
        var verdict = ReasonCatalogue.Get(reason).Verdict;
        return new VerificationResult(verdict == Verdict.Valid ? Verdict.Invalid : verdict, [reason], checks, licence, issuer, algorithm, at, detail, payloadSha256);
    }

    /// <summary>VALID: only when every check passed (anything else throws — a programming error).</summary>
    public static VerificationResult Valid(IReadOnlyList<VerificationCheck> checks, Licence licence, IssuerCertificate issuer, DateTimeOffset at, string? payloadSha256 = null)
    {
        ArgumentNullException.ThrowIfNull(licence);
        ArgumentNullException.ThrowIfNull(issuer);
        if (checks.Count == 0 || checks.Any(c => c.Outcome != CheckOutcome.Passed))
        {
            throw new InvalidOperationException("A result is VALID only when every check passed.");
        }

        return new VerificationResult(Verdict.Valid, [], checks, licence, issuer, issuer.Algorithm, at, string.Empty, payloadSha256);
    }

    private static bool HasSuspiciousText(Licence licence) =>
        TextPolicy.IsSuspicious(licence.Name) || TextPolicy.IsSuspicious(licence.Number) || TextPolicy.IsSuspicious(licence.Holder.Name)
        || TextPolicy.IsSuspicious(licence.Holder.Code) || TextPolicy.IsSuspicious(licence.AuthorityName) || TextPolicy.IsSuspicious(licence.AreaCode)
        || licence.Attributes.Any(a => TextPolicy.IsSuspicious(a.Key) || TextPolicy.IsSuspicious(a.Value));

    /// <summary>The first reason, or <see cref="ReasonCode.None"/> when VALID.</summary>
    public ReasonCode PrimaryReason => Reasons.Count > 0 ? Reasons[0] : ReasonCode.None;
}
