using System.Formats.Cbor;

namespace LicenceTrust.Core.Codec;

/// <summary>The protected header of a signed LicenceTrust document (status list, receipt, trust document), as far as readers use it.</summary>
/// <param name="Alg">COSE algorithm id (label 1).</param>
/// <param name="Kid">Key id bytes (label 4).</param>
/// <param name="ContentType">Content type (label 3).</param>
/// <param name="Typ">Media type of the whole message (label 16).</param>
/// <param name="X5Chain">The signing certificate, DER (label 33).</param>
public sealed record DocumentHeader(long? Alg, byte[]? Kid, string? ContentType, string? Typ, byte[]? X5Chain);

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
    /// Reads the envelope of a signed LicenceTrust document (status list, receipt): optional tag 18,
    /// then <c>[protected, unprotected, payload, signature]</c> and nothing after it. The caller checks
    /// the headers and the signature.
    /// </summary>
    /// <exception cref="CborContentException">Not well-formed CBOR.</exception>
    /// <exception cref="InvalidOperationException">Not a COSE_Sign1 envelope.</exception>
    public static (byte[] ProtectedHeader, byte[] Payload, byte[] Signature) ReadEnvelope(byte[] message)
    {
        var reader = new CborReader(message, CborConformanceMode.Strict);
        if (reader.PeekState() == CborReaderState.Tag && reader.ReadTag() != (CborTag)CredentialFormat.CoseSign1Tag)
        {
            throw new InvalidOperationException("not a COSE_Sign1 message (tag is not 18)");
        }

        if (reader.ReadStartArray() != 4)
        {
            throw new InvalidOperationException("COSE_Sign1 is not an array of 4");
        }

        var protectedHeader = reader.ReadByteString();
        reader.SkipValue();
        var payload = reader.ReadByteString();
        var signature = reader.ReadByteString();
        reader.ReadEndArray();
        if (reader.BytesRemaining != 0)
        {
            throw new InvalidOperationException("bytes after the COSE_Sign1 message");
        }

        return (protectedHeader, payload, signature);
    }

    /// <summary>
    /// Signs a document (status list, trust document, receipt): the counterpart of
    /// <see cref="ReadDocumentHeader"/>. The protected header holds alg, kid and whichever of content
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

    /// <summary>Reads the labels documents use from a protected header (strict CBOR; other labels skipped).</summary>
    /// <exception cref="CborContentException">Not well-formed CBOR.</exception>
    /// <exception cref="InvalidOperationException">Not a map with integer labels, or a label of the wrong type.</exception>
    public static DocumentHeader ReadDocumentHeader(byte[] protectedHeader)
    {
        long? alg = null;
        byte[]? kid = null, x5chain = null;
        string? contentType = null, typ = null;
        var reader = new CborReader(protectedHeader, CborConformanceMode.Strict);
        var count = reader.ReadStartMap();
        for (var i = 0; i < count; i++)
        {
            switch (reader.ReadInt32())
            {
                case CredentialFormat.Header.Alg: alg = reader.ReadInt64(); break;
                case CredentialFormat.Header.Kid: kid = reader.ReadByteString(); break;
                case CredentialFormat.Header.ContentType: contentType = reader.ReadTextString(); break;
                case CredentialFormat.Header.Typ: typ = reader.ReadTextString(); break;
                case CredentialFormat.Header.X5Chain: x5chain = reader.ReadByteString(); break;
                default: reader.SkipValue(); break;
            }
        }

        return new DocumentHeader(alg, kid, contentType, typ, x5chain);
    }
}
