using System.Formats.Cbor;
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
        signedBy = null;
        try
        {
            if (CoseSign1.ReadDocument(receipt, out error) is not { } message)
            {
                error = "malformed receipt: " + error;
                return null;
            }

            var (payload, keyId) = (message.Payload, message.Kid);
            if (message.ContentType != ContentType)
            {
                error = "not a LicenceTrust receipt (content type)";
                return null;
            }

            var toBeSigned = message.ToBeSigned();
            signedBy = signers.FirstOrDefault(s => s.Kid == keyId && s.Key.Algorithm == message.Algorithm && s.Key.Verify(toBeSigned, message.Signature));
            if (signedBy is null)
            {
                error = signers.Any(s => s.Kid == keyId) ? "the receipt's signature does not verify" : "the receipt was signed by an unknown key";
                return null;
            }

            error = string.Empty;
            return payload;
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException or OverflowException)
        {
            error = "malformed receipt: " + e.Message;
            return null;
        }
    }
}
