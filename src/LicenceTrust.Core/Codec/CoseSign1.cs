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
}
