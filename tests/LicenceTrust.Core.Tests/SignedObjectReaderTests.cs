using LicenceTrust.Samples;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using LicenceTrust.Core.Trust;
using LicenceTrust.KeyStore;
using LicenceTrust.Testing;
using LicenceTrust.Testing.Vectors;

namespace LicenceTrust.Core.Tests;

/// <summary>
/// One COSE_Sign1 reader for every signed object (<see cref="CoseSign1Reader"/>): every hostile input of
/// the corpus (the credentials' COSE bytes and the status-list tokens) goes through each document type's
/// reader, which refuses it without throwing; and the reader's own rules (crit, depth, size, duplicate
/// labels) hold for documents as they do for credentials.
/// </summary>
public class SignedObjectReaderTests
{
    private static readonly ProvinceKeys Chongqing = SampleKeys.Of(SampleProvinces.Chongqing);

    private static readonly ListSignerCertificate Signer = ListSignerCertificate.Parse(Chongqing.ListSigner!.CertificateDer, Chongqing.Root);

    /// <summary>Every hostile input as raw COSE bytes: credentials inflated where they inflate, and every status-list token.</summary>
    public static TheoryData<string> HostileInputs()
    {
        var data = new TheoryData<string>();
        foreach (var vector in VectorSet.Read(Path.Combine(RepositoryPaths.Vectors, "hostile", "hostile.json")).Vectors)
        {
            data.Add("credential:" + vector.Name);
        }

        foreach (var vector in VectorSet.Read<StatusListVectorFile>(Path.Combine(RepositoryPaths.Vectors, "hostile", "status-lists.json")).Vectors)
        {
            data.Add("status-list:" + vector.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HostileInputs))]
    public void Every_document_reader_refuses_every_hostile_input_without_throwing(string input)
    {
        var bytes = Bytes(input);

        Assert.Null(TrustListToken.TryRead(bytes, Chongqing.Root, out _));
        Assert.Null(RecognitionAgreement.TryRead(bytes, Chongqing.Root, out _));
        Assert.Null(WithdrawalNotice.TryRead(bytes, Chongqing.Root, out _));
        Assert.Null(Receipt.TryVerify(bytes, [Signer], out _, out _));
        if (input.StartsWith("credential:", StringComparison.Ordinal))
        {
            // Status-list tokens signed by the signer are opened and then judged by StatusListRules (HostileStatusListTests).
            Assert.Null(StatusListToken.TryRead(bytes, Signer.Key, out _, out _));
        }
    }

    [Fact]
    public void A_document_with_a_critical_label_it_does_not_understand_is_refused()
    {
        var message = SignedReceipt();
        var header = new System.Formats.Cbor.CborWriter(System.Formats.Cbor.CborConformanceMode.Canonical);
        header.WriteStartMap(3);
        header.WriteInt32(1);
        header.WriteInt32((int)message.Algorithm.CoseId);
        header.WriteInt32(2);
        header.WriteStartArray(1);
        header.WriteInt32(99);
        header.WriteEndArray();
        header.WriteInt32(4);
        header.WriteByteString(message.Kid.ToBytes());
        header.WriteEndMap();
        var forged = CoseSign1.Write(header.Encode(), message.Payload, message.Signature);

        Assert.Null(CoseSign1.ReadDocument(forged, out var error));
        Assert.StartsWith("UNKNOWN_CRITICAL_HEADER", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deeply_nested_unprotected_header_and_an_oversized_document_are_refused_without_recursion_trouble()
    {
        var message = SignedReceipt();
        var writer = new System.Formats.Cbor.CborWriter(System.Formats.Cbor.CborConformanceMode.Lax);
        writer.WriteStartArray(4);
        writer.WriteByteString(message.ProtectedHeader);
        writer.WriteStartMap(1);
        writer.WriteInt32(99);
        for (var i = 0; i < 1000; i++)
        {
            writer.WriteStartArray(1);
        }

        writer.WriteInt32(0);
        for (var i = 0; i < 1000; i++)
        {
            writer.WriteEndArray();
        }

        writer.WriteEndMap();
        writer.WriteByteString(message.Payload);
        writer.WriteByteString(message.Signature);
        writer.WriteEndArray();

        Assert.Null(CoseSign1.ReadDocument(writer.Encode(), out var deep));
        Assert.StartsWith("CBOR_TOO_DEEP", deep, StringComparison.Ordinal);
        Assert.Null(CoseSign1.ReadDocument(new byte[CoseSign1Reader.MaxDocumentBytes + 1], out var large));
        Assert.StartsWith("COSE_MALFORMED", large, StringComparison.Ordinal);
    }

    /// <summary>A genuine receipt signed by Chongqing's list signer, opened: the parts the tests rearrange.</summary>
    private static CoseEnvelope SignedReceipt() => CoseSign1.ReadDocument(Receipt.Sign([1, 2, 3], Chongqing.ListSigner!.Key, Signer.Kid), out _)!;

    private static byte[] Bytes(string input)
    {
        var (kind, name) = (input[..input.IndexOf(':', StringComparison.Ordinal)], input[(input.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        if (kind == "status-list")
        {
            var vector = VectorSet.Read<StatusListVectorFile>(Path.Combine(RepositoryPaths.Vectors, "hostile", "status-lists.json")).Vectors.Single(v => v.Name == name);
            return Convert.FromBase64String(vector.Token);
        }

        var qr = VectorSet.Read(Path.Combine(RepositoryPaths.Vectors, "hostile", "hostile.json")).Vectors.Single(v => v.Name == name).Qr;
        try
        {
            var inflated = qr.StartsWith(CredentialFormat.Prefix, StringComparison.Ordinal) && Base45.TryDecode(qr.AsSpan(CredentialFormat.Prefix.Length), out var compressed, out _)
                && Zlib.TryDecompress(compressed, CodecLimits.Default.MaxInflatedBytes, out var cose, out _) == Zlib.Outcome.Ok
                ? cose
                : null;
            return inflated ?? System.Text.Encoding.UTF8.GetBytes(qr);
        }
        catch (FormatException)
        {
            return System.Text.Encoding.UTF8.GetBytes(qr);
        }
    }
}
