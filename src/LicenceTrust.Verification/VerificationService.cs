using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;

namespace LicenceTrust.Verification;

/// <summary>What a verification was checked against (DESIGN §6).</summary>
/// <param name="Node">The node that answered, e.g. <c>cq</c>.</param>
/// <param name="StatusSource">Whose status data answered; null when the status was not looked up.</param>
/// <param name="StatusAsOf">How fresh that status was.</param>
/// <param name="At">When the verification ran.</param>
public sealed record CheckedAgainst(string Node, string? StatusSource, DateTimeOffset? StatusAsOf, DateTimeOffset At);

/// <summary>A verification result with what it was checked against.</summary>
public sealed record NodeVerification(VerificationResult Result, CheckedAgainst CheckedAgainst, string? Status);

/// <summary>
/// The verification pipeline: Core's checks (read, issuer, signature, chain, authority, type, time),
/// then the licence's status. A status not in force is INVALID with its reason; a status that cannot be
/// had is CHECK, never VALID. Thread-safe.
/// </summary>
public sealed class VerificationService(CredentialVerifier credentials, IStatusSource status, string node, TimeProvider time)
{
    public async Task<NodeVerification> VerifyAsync(string? qrText, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var read = CredentialReader.Read(qrText);
        if (read.Credential is not { } credential)
        {
            return new(credentials.Verify(read, now), new CheckedAgainst(node, null, null, now), null);
        }

        var core = credentials.Verify(credential, now);
        if (core.Verdict != Verdict.Valid)
        {
            return new(core, new CheckedAgainst(node, null, null, now), null);
        }

        var lookup = await status.LookupAsync(credential.Claims.Licence, credential.Claims.Status, cancellationToken);
        var against = new CheckedAgainst(node, lookup.Source, lookup.AsOf, now);
        var checks = core.Checks.ToList();
        var reason = lookup.Status switch
        {
            null => lookup.Failure == ReasonCode.None ? ReasonCode.StatusUnknown : lookup.Failure,
            LicenceStatus.Valid => ReasonCode.None,
            LicenceStatus.Suspended => ReasonCode.Suspended,
            LicenceStatus.Revoked => ReasonCode.Revoked,
            LicenceStatus.Cancelled => ReasonCode.Cancelled,
            _ => ReasonCode.Superseded,
        };

        if (reason == ReasonCode.None)
        {
            checks.Add(new VerificationCheck("status", CheckOutcome.Passed));
            return new(VerificationResult.Valid(checks, core.Licence!, core.Issuer!, now), against, lookup.Status!.Value.WireName());
        }

        var outcome = ReasonCatalogue.Get(reason).Verdict == Verdict.Check ? CheckOutcome.Doubtful : CheckOutcome.Failed;
        checks.Add(new VerificationCheck("status", outcome, reason));
        return new(VerificationResult.Failed(reason, checks, core.Licence, core.Issuer, core.Algorithm, now), against, lookup.Status?.WireName());
    }
}
