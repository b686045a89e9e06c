using LicenceTrust.Core.Results;
using LicenceTrust.Core.Text;
using Microsoft.Extensions.Logging;

namespace LicenceTrust.Federation;

/// <summary>The trust events the Federation capability writes to the node's audit log.</summary>
public enum TrustEvent
{
    /// <summary>This province withdrew one of its issuer certificates.</summary>
    IssuerWithdrawn,

    /// <summary>A peer's withdrawal notice was applied here.</summary>
    PeerNoticeApplied,
}

/// <summary>
/// Where trust events are audited (the node's hash-chained audit log; the composition supplies it, so
/// Federation never depends on Issuance).
/// </summary>
public interface ITrustAudit
{
    Task RecordAsync(TrustEvent trustEvent, string actor, string subject, string data, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>What an emergency withdrawal did.</summary>
/// <param name="Withdrawal">The withdrawal and its signed notice.</param>
/// <param name="TrustListSequence">The sequence of the trust list without the certificate.</param>
/// <param name="Deliveries">Which peers took the notice now (the rest are retried by the sync loop).</param>
public sealed record WithdrawalOutcome(Withdrawal Withdrawal, long TrustListSequence, IReadOnlyList<NoticeDelivery> Deliveries);

/// <summary>
/// Emergency de-trust as one application service: withdrawing one of this province's issuer
/// certificates (drop it from the trust list, audit, notify every peer) and applying a peer's notice
/// (check, apply, audit; refusals logged as security events). Thread-safe.
/// </summary>
public sealed class IssuerWithdrawals(TrustAuthority authority, NoticeSender notices, ITrustAudit audit, TimeProvider time, ILogger<IssuerWithdrawals> logger)
{
    /// <summary>Longest withdrawal reason (characters).</summary>
    public const int MaxReasonLength = 500;

    /// <exception cref="LicenceTrustException">FINGERPRINT_INVALID, REASON_REQUIRED, ISSUER_NOT_FOUND, ISSUER_ALREADY_WITHDRAWN.</exception>
    public async Task<WithdrawalOutcome> WithdrawAsync(string fingerprint, string? reason, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        if (fingerprint.Length != 64 || !fingerprint.All(Uri.IsHexDigit))
        {
            throw LicenceTrustException.Validation("FINGERPRINT_INVALID", "指纹应为64位十六进制SHA-256 (the fingerprint is the certificate's SHA-256 in 64 hex digits).", "fingerprint");
        }

        // The reason is signed into the notice the peers receive and written to the audit log: the text policy first.
        var why = TextPolicy.Clean(reason, "reason")?.Trim();
        if (string.IsNullOrEmpty(why) || TextPolicy.Length(why) > MaxReasonLength)
        {
            throw LicenceTrustException.Validation("REASON_REQUIRED", "请说明撤销信任的原因（最多500字） (give the reason, up to 500 characters).", "reason");
        }

        var (withdrawal, list) = await authority.WithdrawAsync(fingerprint, why, cancellationToken);
        await audit.RecordAsync(TrustEvent.IssuerWithdrawn, actor, withdrawal.Fingerprint,
            $"notice={withdrawal.NoticeSequence};trust_list={list.Sequence};reason={why}", time.GetUtcNow(), cancellationToken);
        var deliveries = await notices.SendAsync(withdrawal, cancellationToken);
        return new WithdrawalOutcome(withdrawal, list.Sequence, deliveries);
    }

    /// <summary>Applies a peer's signed withdrawal notice; the outcome is always an applied one.</summary>
    /// <exception cref="LicenceTrustException">NOTICE_SIGNATURE_INVALID, NOTICE_EXPIRED (400) or NOTICE_REPLAYED (409).</exception>
    public async Task<NoticeOutcome> ReceiveAsync(byte[] document, CancellationToken cancellationToken)
    {
        var outcome = await authority.ReceiveAsync(document, cancellationToken);
        if (!outcome.Applied)
        {
            // A forged or replayed notice is a security event.
            logger.LogWarning("Withdrawal notice refused: {Code} {Detail}", outcome.Code, outcome.Detail);
            throw outcome.Code == "NOTICE_REPLAYED" ? LicenceTrustException.Conflict(outcome.Code, outcome.Detail) : LicenceTrustException.Validation(outcome.Code, outcome.Detail);
        }

        var notice = outcome.Notice!;
        logger.LogWarning("Withdrawal notice applied: {Province} issuer {Fingerprint} ({Reason})", notice.Province.NodeId, notice.Fingerprint, notice.Reason);
        await audit.RecordAsync(TrustEvent.PeerNoticeApplied, "peer:" + notice.Province.NodeId, notice.Fingerprint,
            $"notice={notice.Sequence};id={notice.Id};reason={notice.Reason}", time.GetUtcNow(), cancellationToken);
        return outcome;
    }
}
