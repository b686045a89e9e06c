using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;

namespace LicenceTrust.Verification;

/// <summary>What a verification was checked against (docs/architecture.md, "Verify").</summary>
/// <param name="Node">The node that answered, e.g. <c>cq</c>.</param>
/// <param name="StatusSource">Whose status data answered; null when the status was not looked up.</param>
/// <param name="StatusAsOf">How fresh that status was.</param>
/// <param name="At">When the verification ran.</param>
/// <param name="TrustListSequence">The sequence of the trust list that vouched for the issuer, when one did.</param>
public sealed record CheckedAgainst(string Node, string? StatusSource, DateTimeOffset? StatusAsOf, DateTimeOffset At, long? TrustListSequence = null);

/// <summary>A verification result with what it was checked against.</summary>
public sealed record NodeVerification(VerificationResult Result, CheckedAgainst CheckedAgainst, string? Status);

/// <summary>
/// The verification pipeline: Core's checks (read, issuer, signature, chain, authority, type, time),
/// then the licence's status. A status not in force is INVALID with its reason; a status that cannot be
/// had is CHECK, never VALID. Thread-safe.
/// </summary>
public sealed class VerificationService(CredentialVerifier credentials, IStatusSource status, string node, TimeProvider time, ITrustPolicy trust)
{
    /// <summary>The meter of verification: answers by verdict and first reason, and how long each took.</summary>
    public const string MeterName = "LicenceTrust.Verification";

    private static readonly System.Diagnostics.Metrics.Meter Meter = new(MeterName);
    private static readonly System.Diagnostics.ActivitySource Tracing = new(MeterName);
    private static readonly System.Diagnostics.Metrics.Counter<long> Answers = Meter.CreateCounter<long>("licencetrust.verifications", description: "Verifications by verdict and first reason.");
    private static readonly System.Diagnostics.Metrics.Histogram<double> Duration = Meter.CreateHistogram<double>("licencetrust.verification.duration", "ms", "Time to verify one QR text, status included.");

    public async Task<NodeVerification> VerifyAsync(string? qrText, CancellationToken cancellationToken = default)
    {
        using var span = Tracing.StartActivity("licencetrust.verify");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = await VerifyCoreAsync(qrText, cancellationToken);
        var verdict = new KeyValuePair<string, object?>("verdict", outcome.Result.Verdict.ToString().ToUpperInvariant());
        var reason = new KeyValuePair<string, object?>("reason", outcome.Result.Reasons.Count > 0 ? ReasonCatalogue.WireName(outcome.Result.Reasons[0]) : "NONE");
        Answers.Add(1, verdict, reason);
        Duration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, verdict);
        // What was decided and on whose data; never what the licence says.
        span?.SetTag("licencetrust.verdict", verdict.Value).SetTag("licencetrust.reason", reason.Value)
            .SetTag("licencetrust.status", outcome.Status).SetTag("licencetrust.status_source", outcome.CheckedAgainst.StatusSource);
        return outcome;
    }

    /// <summary>
    /// When and why the status of a verified licence that is not in force last changed (for the result
    /// card), or null: for a licence in force, an unreadable one, or when the issuing node cannot say.
    /// </summary>
    public Task<StatusChangeDetail?> LastChangeAsync(NodeVerification outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Status is null || outcome.Status == LicenceStatus.Valid.WireName() || outcome.Result.Licence is not { } licence
            ? Task.FromResult<StatusChangeDetail?>(null)
            : status.LastChangeAsync(licence, cancellationToken);
    }

    private async Task<NodeVerification> VerifyCoreAsync(string? qrText, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var read = CredentialReader.Read(qrText);
        if (read.Credential is not { } credential)
        {
            return new(credentials.Verify(read, now), new CheckedAgainst(node, null, null, now), null);
        }

        // One question to the trust policy (Federation), then Core's checks with its issuers.
        var judgement = trust.Judge(credential, now);
        var core = credentials.Verify(credential, now, judgement.Issuers);
        if (core.Reasons.FirstOrDefault() == ReasonCode.UnknownIssuer && judgement.UnknownIssuerReason == ReasonCode.None)
        {
            // Another province's kid not on its list held here may be a new issuer: confirm the list before a firm answer.
            if (await trust.ConfirmIssuersAsync(credential.Claims.Licence.Province, cancellationToken))
            {
                judgement = trust.Judge(credential, now);
                core = credentials.Verify(credential, now, judgement.Issuers);
            }
            else
            {
                core = Fail(core, "issuer", ReasonCode.IssuerUnconfirmed, now);
            }
        }

        var sequence = judgement.TrustListSequence;
        if (core.Verdict != Verdict.Valid)
        {
            // An unknown kid may have a more precise cause: a withdrawn key, or a peer never reached.
            if (core.Reasons.FirstOrDefault() == ReasonCode.UnknownIssuer && judgement.UnknownIssuerReason is var why and not ReasonCode.None)
            {
                core = Fail(core, "issuer", why, now);
            }

            return new(core, new CheckedAgainst(node, null, null, now, sequence), null);
        }

        var checks = core.Checks.ToList();
        var recognition = judgement.Recognition;
        if (recognition != ReasonCode.None)
        {
            checks.Add(new VerificationCheck("recognition", Outcome(recognition), recognition));
            return new(VerificationResult.Failed(recognition, checks, core.Licence, core.Issuer, core.Algorithm, now, payloadSha256: core.PayloadSha256), new CheckedAgainst(node, null, null, now, sequence), null);
        }

        checks.Add(new VerificationCheck("recognition", CheckOutcome.Passed));
        var lookup = await status.LookupAsync(credential.Claims.Licence, credential.Claims.Status, cancellationToken);
        var against = new CheckedAgainst(node, lookup.Source, lookup.AsOf, now, sequence);
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
            return new(VerificationResult.Valid(checks, core.Licence!, core.Issuer!, now, core.PayloadSha256), against, lookup.Status!.Value.WireName());
        }

        checks.Add(new VerificationCheck("status", Outcome(reason), reason));
        return new(VerificationResult.Failed(reason, checks, core.Licence, core.Issuer, core.Algorithm, now, payloadSha256: core.PayloadSha256), against, lookup.Status?.WireName());
    }

    private static CheckOutcome Outcome(ReasonCode reason) => ReasonCatalogue.Get(reason).Verdict == Verdict.Check ? CheckOutcome.Doubtful : CheckOutcome.Failed;

    private static VerificationResult Fail(VerificationResult core, string step, ReasonCode reason, DateTimeOffset now)
    {
        var checks = core.Checks.Where(c => c.Name != step).Append(new VerificationCheck(step, Outcome(reason), reason)).ToList();
        return VerificationResult.Failed(reason, checks, core.Licence, core.Issuer, core.Algorithm, now, payloadSha256: core.PayloadSha256);
    }
}
