using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Pki;

namespace LicenceTrust.Core.Results;

/// <summary>
/// A signed verification receipt: COSE_Sign1 (tag 18) whose payload is the verification response as
/// UTF-8 JSON, with protected header <c>{1: alg, 3: "application/json", 4: kid}</c>, signed by the node's
/// list-signing key. Anyone holding the province root can check it offline. Thread-safe.
/// </summary>
public static class Receipt
{
    private const string ContentType = "application/json";

    private static readonly DocumentKind Kind = new("receipt", ContentType: ContentType);

    public static byte[] Sign(ReadOnlySpan<byte> json, ICredentialSigner signer, KeyId kid)
    {
        return CoseSign1.SignDocument(json, signer, kid, contentType: ContentType);
    }

    /// <summary>
    /// Checks a receipt against the list-signing certificates one trusts. Returns the JSON payload, or
    /// null with the reason (malformed, unknown signer, bad signature).
    /// </summary>
    public static byte[]? TryVerify(byte[] receipt, IReadOnlyCollection<ListSignerCertificate> signers, out ListSignerCertificate? signedBy, out string error)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(signers);
        var message = EnvelopeVerification.OpenDocument(receipt, Kind, _ => signers as IReadOnlyList<ListSignerCertificate> ?? [.. signers], static s => (s.Kid, s.Key), out signedBy, out var refusal, out error);
        error = refusal switch
        {
            EnvelopeRefusal.None => string.Empty,
            EnvelopeRefusal.Malformed => error,
            EnvelopeRefusal.WrongType => "not a LicenceTrust receipt (content type)",
            EnvelopeRefusal.UnknownKey or EnvelopeRefusal.SignerRefused => "the receipt was signed by an unknown key",
            _ => "the receipt's signature does not verify",
        };
        return message?.Payload;
    }
}
