using System.Formats.Cbor;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;

namespace LicenceTrust.Core.Status;

/// <summary>One licence's status as its node signed it for a peer's live question.</summary>
/// <param name="Identifier">The licence (<c>sub</c>).</param>
/// <param name="Status">Its status at <paramref name="IssuedAt"/>.</param>
/// <param name="IssuedAt"><c>iat</c>: when the node answered.</param>
/// <param name="ExpiresAt"><c>exp</c>: after this the answer must not be used.</param>
public sealed record LicenceStatusAnswer(string Identifier, LicenceStatus Status, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// The live status answer (docs/federation.md §4) in signed form: COSE_Sign1 with <c>typ</c> (16) =
/// <c>application/licence-status+cwt</c> and claims <c>sub</c> (2) = the licence identifier, <c>iat</c> (6),
/// <c>exp</c> (4) and <c>"st"</c> = the status number (<see cref="LicenceStatus"/>). The node signs it with
/// its list-signing key, as it signs its status lists, so a peer checks it against the list signer of the
/// trust list it holds (which the pinned root vouches for): its integrity does not rest on TLS. Thread-safe.
/// </summary>
public static class LicenceStatusToken
{
    public const string MediaType = "application/licence-status+cwt";

    private static readonly DocumentKind Kind = new("status answer", Typ: MediaType);

    /// <summary>How long an answer may be used: long enough for the network, short enough that a replayed one is soon refused.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    /// <summary>Larger than any answer: a peer reads no more.</summary>
    public const int MaxBytes = 4096;

    private const int Sub = 2;
    private const string StatusClaim = "st";

    public static byte[] Write(LicenceStatusAnswer answer, ICredentialSigner signer, KeyId kid)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(signer);
        var claims = new CborWriter(CborConformanceMode.Canonical);
        claims.WriteStartMap(4);
        claims.WriteInt32(Sub);
        claims.WriteTextString(answer.Identifier);
        claims.WriteInt32(CredentialFormat.Claim.Exp);
        claims.WriteInt64(answer.ExpiresAt.ToUnixTimeSeconds());
        claims.WriteInt32(CredentialFormat.Claim.Iat);
        claims.WriteInt64(answer.IssuedAt.ToUnixTimeSeconds());
        claims.WriteTextString(StatusClaim);
        claims.WriteInt32((int)answer.Status);
        claims.WriteEndMap();
        return CoseSign1.SignDocument(claims.Encode(), signer, kid, typ: MediaType);
    }

    /// <summary>
    /// Reads an answer and checks that <paramref name="key"/> signed it, that it is about
    /// <paramref name="identifier"/>, and that it is in force at <paramref name="now"/> (within
    /// <paramref name="skew"/>). Null and the reason otherwise.
    /// </summary>
    public static LicenceStatusAnswer? TryRead(byte[] token, VerificationKey key, string identifier, DateTimeOffset now, TimeSpan skew, out string error)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            if (token.Length > MaxBytes)
            {
                error = "the answer is too large";
                return null;
            }

            var message = EnvelopeVerification.OpenDocument<VerificationKey>(token, Kind, _ => [key], static k => (null, k), out _, out var refusal, out error);
            if (message is null)
            {
                if (refusal is EnvelopeRefusal.AlgorithmKeyMismatch or EnvelopeRefusal.SignatureInvalid)
                {
                    error = "the status answer is not signed by the peer's list signer";
                }

                return null;
            }

            var answer = ReadClaims(message.Payload, out error);
            if (answer is null)
            {
                return null;
            }

            error = answer.Identifier != identifier ? "the answer is about another licence"
                : answer.ExpiresAt + skew <= now ? $"the answer expired at {answer.ExpiresAt:O}"
                : answer.IssuedAt - skew > now ? "the answer is dated in the future"
                : string.Empty;
            return error.Length == 0 ? answer : null;
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            error = "malformed status answer: " + e.Message;
            return null;
        }
    }

    private static LicenceStatusAnswer? ReadClaims(byte[] payload, out string error)
    {
        string? sub = null;
        long? iat = null, exp = null, status = null;
        CwtClaims.Read(payload,
            (key, reader) => key switch
            {
                Sub => (sub = reader.ReadTextString()) is not null,
                CredentialFormat.Claim.Iat => (iat = reader.ReadInt64()) is not null,
                CredentialFormat.Claim.Exp => (exp = reader.ReadInt64()) is not null,
                _ => false,
            },
            (key, reader) => key == StatusClaim && (status = reader.ReadInt64()) is not null);
        if (sub is null || iat is null || exp is null || status is not (>= 0 and <= 255) || !Enum.IsDefined((LicenceStatus)status.Value))
        {
            error = "a claim of the status answer is missing or unknown";
            return null;
        }

        error = string.Empty;
        return new LicenceStatusAnswer(sub, (LicenceStatus)status.Value, DateTimeOffset.FromUnixTimeSeconds(iat.Value), DateTimeOffset.FromUnixTimeSeconds(exp.Value));
    }
}
