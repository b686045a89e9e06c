using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Pki;

namespace LicenceTrust.Core.Results;

/// <summary>
/// The Core part of verification: read → issuer by kid → signature → chain times → authority →
/// licence type → validity window. Status and recognition are added by the Verification module.
/// Thread-safe; never throws for bad input.
/// </summary>
public sealed class CredentialVerifier(IIssuerDirectory issuers, VerificationPolicy? policy = null, CodecLimits? limits = null, SignatureMemo? memo = null)
{
    private readonly VerificationPolicy _policy = policy ?? VerificationPolicy.Default;
    private readonly CodecLimits _limits = limits ?? CodecLimits.Default;

    public VerificationResult Verify(string? qrText, DateTimeOffset now)
    {
        return Verify(CredentialReader.Read(qrText, _limits), now);
    }

    /// <summary>Verifies what was read already; an unreadable input gets its reading failure.</summary>
    public VerificationResult Verify(ReadResult read, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(read);
        return read.Credential is { } credential
            ? Verify(credential, now)
            : VerificationResult.Failed(read.Reason, [new VerificationCheck("read", CheckOutcome.Failed, read.Reason)], null, null, null, now, read.Detail);
    }

    public VerificationResult Verify(DecodedCredential credential, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return Verify(credential, now, issuers.FindByKid(credential.Kid));
    }

    /// <summary>
    /// Verifies against issuer certificates the caller already found for the credential's kid (the node's
    /// trust policy hands them over with its other answers, so verification asks it once).
    /// </summary>
    public VerificationResult Verify(DecodedCredential credential, DateTimeOffset now, IReadOnlyList<TrustedIssuer> candidates)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(candidates);
        var licence = credential.Claims.Licence;
        var checks = new List<VerificationCheck> { new("read", CheckOutcome.Passed) };
        VerificationResult Fail(string step, ReasonCode reason, IssuerCertificate? issuer = null, string detail = "")
        {
            checks.Add(new VerificationCheck(step, reason == ReasonCode.ClockSkew ? CheckOutcome.Doubtful : CheckOutcome.Failed, reason));
            return VerificationResult.Failed(reason, checks, licence, issuer, credential.Algorithm, now, detail, credential.PayloadSha256);
        }

        if (candidates.Count == 0)
        {
            return Fail("issuer", ReasonCode.UnknownIssuer, detail: $"no trusted certificate has kid {credential.Kid}");
        }

        checks.Add(new VerificationCheck("issuer", CheckOutcome.Passed));
        // The candidates were found by the credential's kid; the one envelope check takes alg, key and signature from here.
        var messageKey = memo is null ? default : SignatureMemo.KeyOf(credential.CoseBytes.Span);
        var signer = EnvelopeVerification.FindSigner(
            credential.Algorithm, credential.Kid, credential.ProtectedHeader, credential.Payload, credential.Signature.Span, candidates,
            static c => (c.Certificate.Kid, c.Certificate.Key), out var refusal,
            memo is null ? null : c => memo.Remembers(messageKey, c.Certificate.Fingerprint),
            memo is null ? null : c => memo.Remember(messageKey, c.Certificate.Fingerprint));
        if (signer is null)
        {
            return refusal == EnvelopeRefusal.AlgorithmKeyMismatch
                ? Fail("signature", ReasonCode.AlgorithmKeyMismatch, detail: $"alg {credential.Algorithm} but no candidate key of that type")
                : Fail("signature", ReasonCode.SignatureInvalid);
        }

        checks.Add(new VerificationCheck("signature", CheckOutcome.Passed));
        var certificate = signer.Certificate;
        var chain = PkiRules.CheckTimes(certificate, signer.Root, credential.Claims.IssuedAt, now);
        if (chain != ReasonCode.None)
        {
            return Fail("chain", chain, certificate);
        }

        checks.Add(new VerificationCheck("chain", CheckOutcome.Passed));
        if (certificate.AuthorityCode != credential.Claims.Issuer)
        {
            return Fail("authority", ReasonCode.IssuerMismatch, certificate);
        }

        checks.Add(new VerificationCheck("authority", CheckOutcome.Passed));
        if (!certificate.Allows(licence.TypeCode))
        {
            return Fail("licenceType", ReasonCode.IssuerNotAllowedForType, certificate);
        }

        checks.Add(new VerificationCheck("licenceType", CheckOutcome.Passed));
        var time = CheckTime(credential.Claims, now);
        if (time != ReasonCode.None)
        {
            return Fail("time", time, certificate);
        }

        checks.Add(new VerificationCheck("time", CheckOutcome.Passed));
        return VerificationResult.Valid(checks, licence, certificate, now, credential.PayloadSha256);
    }

    private ReasonCode CheckTime(CredentialClaims claims, DateTimeOffset now)
    {
        var skew = _policy.ClockSkew;
        if (claims.IssuedAt > now + skew)
        {
            return ReasonCode.IssuedInFuture;
        }

        if (now < claims.NotBefore)
        {
            return claims.NotBefore - now <= skew ? ReasonCode.ClockSkew : ReasonCode.NotYetValid;
        }

        if (claims.Expires is { } exp && now >= exp)
        {
            return now - exp < skew ? ReasonCode.ClockSkew : ReasonCode.Expired;
        }

        if (claims.Expires is { } end && end - now < skew)
        {
            return ReasonCode.ClockSkew;
        }

        return claims.NotBefore > now - skew && claims.NotBefore <= now ? ReasonCode.ClockSkew : ReasonCode.None;
    }
}
