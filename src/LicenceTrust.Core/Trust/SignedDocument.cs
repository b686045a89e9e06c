using System.Formats.Cbor;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Pki;

namespace LicenceTrust.Core.Trust;

/// <summary>
/// The one envelope of everything a node signs for its peers (trust lists, recognition agreements,
/// de-trust notices): COSE_Sign1 with protected header <c>{1: alg, 4: kid, 16: typ, 33: x5chain}</c>,
/// where x5chain is the node's list-signing certificate. A reader needs only the pinned province root:
/// the certificate must be issued by that root, and the kid, alg and signature must match it.
/// Thread-safe.
/// </summary>
public static class SignedDocument
{
    public static byte[] Sign(string type, ReadOnlySpan<byte> payload, ICredentialSigner signer, ReadOnlySpan<byte> signerCertificateDer)
    {
        return CoseSign1.SignDocument(payload, signer, KeyId.ForCertificate(signerCertificateDer), typ: type, x5chain: signerCertificateDer.ToArray());
    }

    /// <summary>
    /// Checks a document of <paramref name="type"/> against <paramref name="root"/>. Returns the payload
    /// and the list signer, or null and why (malformed, wrong type, signer not of that root, bad signature).
    /// </summary>
    public static byte[]? TryOpen(byte[] document, string type, TrustAnchor root, out ListSignerCertificate? signer, out string error)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(root);
        // The signer is the list-signing certificate in x5chain, which must be issued by the pinned root.
        var message = EnvelopeVerification.OpenDocument(
            document,
            new DocumentKind(type, Typ: type),
            m => m.X5Chain is { } der ? [ListSignerCertificate.Parse(der, root)] : throw new FormatException("x5chain missing"),
            static c => (c.Kid, c.Key),
            out signer,
            out var refusal,
            out error);
        error = refusal switch
        {
            EnvelopeRefusal.None or EnvelopeRefusal.Malformed => error,
            EnvelopeRefusal.WrongType => $"not a {type} (typ or x5chain missing)",
            EnvelopeRefusal.SignerRefused when message is null && error == "x5chain missing" => $"not a {type} (typ or x5chain missing)",
            EnvelopeRefusal.SignerRefused => "the signing certificate is refused: " + error,
            EnvelopeRefusal.UnknownKey or EnvelopeRefusal.AlgorithmKeyMismatch => "the kid or alg does not match the signing certificate",
            _ => "the signature does not verify",
        };
        return message?.Payload;
    }

    /// <summary>
    /// Opens a document of <paramref name="type"/> under <paramref name="root"/> and reads its payload map
    /// with <paramref name="read"/>, which returns the value or why there is none. Malformed content
    /// becomes an error, never an exception.
    /// </summary>
    internal static T? TryRead<T>(byte[] document, string type, TrustAnchor root, Func<Dictionary<string, ReadOnlyMemory<byte>>, ListSignerCertificate, (T? Value, string Error)> read, out string error)
        where T : class
    {
        var payload = TryOpen(document, type, root, out var signer, out error);
        if (payload is null)
        {
            return null;
        }

        try
        {
            var (value, problem) = read(ReadMap(payload), signer!);
            error = value is null ? problem : string.Empty;
            return value;
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            error = $"malformed {type}: {e.Message}";
            return null;
        }
    }

    /// <summary>Reads a CBOR map with text keys into key → raw value, refusing duplicates (strict mode).</summary>
    internal static Dictionary<string, ReadOnlyMemory<byte>> ReadMap(byte[] payload)
    {
        var reader = new CborReader(payload, CborConformanceMode.Strict);
        var map = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
        var count = reader.ReadStartMap() ?? throw new FormatException("indefinite maps are not allowed");
        for (var i = 0; i < count; i++)
        {
            map[reader.ReadTextString()] = reader.ReadEncodedValue();
        }

        reader.ReadEndMap();
        return reader.BytesRemaining == 0 ? map : throw new FormatException("trailing bytes after the payload");
    }

    /// <summary>The province a signed document says in its payload's "province" it is from, before any check: the receiver then checks it under that province's pinned root.</summary>
    internal static Province? ClaimedProvince(byte[] document)
    {
        try
        {
            return CoseSign1.ReadDocument(document, out _) is { } envelope
                && Province.TryFromNodeId(Value(ReadMap(envelope.Payload), "province").ReadTextString(), out var province) ? province : null;
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }

    internal static CborReader Value(Dictionary<string, ReadOnlyMemory<byte>> map, string key) =>
        map.TryGetValue(key, out var value) ? new CborReader(value, CborConformanceMode.Strict) : throw new FormatException($"'{key}' is missing");
}
