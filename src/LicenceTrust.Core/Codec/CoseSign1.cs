using System.Formats.Cbor;

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
}
