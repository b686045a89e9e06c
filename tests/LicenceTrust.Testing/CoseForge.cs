using System.Formats.Cbor;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;

namespace LicenceTrust.Testing;

/// <summary>
/// Builds COSE_Sign1 messages with arbitrary headers, for hostile-input tests. The protected and
/// unprotected headers are written by the caller; the signature is made over what is written.
/// </summary>
public static class CoseForge
{
    public static byte[] Sign1(Action<CborWriter> protectedMap, Action<CborWriter> unprotectedMap, byte[] payload, ICredentialSigner? signer, byte[]? signature = null)
    {
        var header = new CborWriter(CborConformanceMode.Lax);
        protectedMap(header);
        var protectedBytes = header.Encode();
        signature ??= signer!.Sign(CoseSign1.ToBeSigned(protectedBytes, payload));

        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteTag((CborTag)CredentialFormat.CoseSign1Tag);
        writer.WriteStartArray(4);
        writer.WriteByteString(protectedBytes);
        unprotectedMap(writer);
        writer.WriteByteString(payload);
        writer.WriteByteString(signature);
        writer.WriteEndArray();
        return writer.Encode();
    }

    /// <summary>Writes <c>{label: value, …}</c> with integer labels; values are ints or byte arrays.</summary>
    public static Action<CborWriter> Map(params (int Label, object Value)[] entries) => writer =>
    {
        writer.WriteStartMap(entries.Length);
        foreach (var (label, value) in entries)
        {
            writer.WriteInt32(label);
            switch (value)
            {
                case int i: writer.WriteInt32(i); break;
                case long l: writer.WriteInt64(l); break;
                case byte[] b: writer.WriteByteString(b); break;
                case int[] a:
                    writer.WriteStartArray(a.Length);
                    foreach (var x in a)
                    {
                        writer.WriteInt32(x);
                    }

                    writer.WriteEndArray();
                    break;
                default: throw new ArgumentException($"Unsupported header value {value}.");
            }
        }

        writer.WriteEndMap();
    };
}
