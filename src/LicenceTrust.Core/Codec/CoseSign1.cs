using System.Formats.Cbor;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Core.Codec;

/// <summary>The COSE_Sign1 envelope (RFC 9052 §4.2) as LicenceTrust writes it.</summary>
public static class CoseSign1
{
    /// <summary>
    /// The bytes that are signed: <c>Sig_structure = ["Signature1", protected, external_aad = h'', payload]</c>.
    /// </summary>
    public static byte[] ToBeSigned(ReadOnlySpan<byte> protectedHeader, ReadOnlySpan<byte> payload)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartArray(4);
        writer.WriteTextString("Signature1");
        writer.WriteByteString(protectedHeader);
        writer.WriteByteString([]);
        writer.WriteByteString(payload);
        writer.WriteEndArray();
        return writer.Encode();
    }

    /// <summary>Tagged COSE_Sign1: <c>18([protected, {}, payload, signature])</c>.</summary>
    public static byte[] Write(ReadOnlySpan<byte> protectedHeader, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> signature)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteTag((CborTag)CredentialFormat.CoseSign1Tag);
        writer.WriteStartArray(4);
        writer.WriteByteString(protectedHeader);
        writer.WriteStartMap(0);
        writer.WriteEndMap();
        writer.WriteByteString(payload);
        writer.WriteByteString(signature);
        writer.WriteEndArray();
        return writer.Encode();
    }

    /// <summary>
    /// Reads a signed document (trust list, agreement, notice, status list, receipt) with the one
    /// reader, <see cref="CoseSign1Reader"/>: documents understand alg, content type, kid, typ and x5chain.
    /// The caller checks typ or content type and the signature. Null with <paramref name="error"/> when refused.
    /// </summary>
    public static CoseEnvelope? ReadDocument(byte[] document, out string error)
    {
        var message = CoseSign1Reader.TryRead(document, CoseSign1Reader.DocumentLabels, CoseSign1Reader.DocumentLabels, CodecLimits.Default, CoseSign1Reader.MaxDocumentBytes, out var reason, out var detail);
        error = message is null ? $"{ReasonCatalogue.WireName(reason)}: {detail}" : string.Empty;
        return message;
    }

    /// <summary>
    /// Signs a document (status list, trust document, receipt): the counterpart of
    /// <see cref="ReadDocument"/>. The protected header holds alg, kid and whichever of content
    /// type, typ and x5chain are given, in canonical label order.
    /// </summary>
    public static byte[] SignDocument(ReadOnlySpan<byte> payload, Crypto.ICredentialSigner signer, Crypto.KeyId kid, string? contentType = null, string? typ = null, byte[]? x5chain = null)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var header = new CborWriter(CborConformanceMode.Canonical);
        header.WriteStartMap(2 + (contentType is null ? 0 : 1) + (typ is null ? 0 : 1) + (x5chain is null ? 0 : 1));
        header.WriteInt32(CredentialFormat.Header.Alg);
        header.WriteInt32(signer.Algorithm.CoseId);
        if (contentType is not null)
        {
            header.WriteInt32(CredentialFormat.Header.ContentType);
            header.WriteTextString(contentType);
        }

        header.WriteInt32(CredentialFormat.Header.Kid);
        header.WriteByteString(kid.ToBytes());
        if (typ is not null)
        {
            header.WriteInt32(CredentialFormat.Header.Typ);
            header.WriteTextString(typ);
        }

        if (x5chain is not null)
        {
            header.WriteInt32(CredentialFormat.Header.X5Chain);
            header.WriteByteString(x5chain);
        }

        header.WriteEndMap();
        var protectedHeader = header.Encode();
        return Write(protectedHeader, payload, signer.Sign(ToBeSigned(protectedHeader, payload)));
    }
}
