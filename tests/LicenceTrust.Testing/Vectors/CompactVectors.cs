using System.Formats.Cbor;
using ICSharpCode.SharpZipLib.Zip.Compression;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Testing.Vectors;

/// <summary>
/// The vectors of LT2's own rules (docs/format.md §12): the prefix and dictionary bind each other, the
/// protected header names the dictionary, the zlib framing is as strict as LT1's, and a payload must be in
/// the shortest form. Every signed one is signed by the genuine issuer, so only the broken rule can refuse it.
/// </summary>
internal static class CompactVectors
{
    public static void Add(Action<string, string, string, ReasonCode, DateTimeOffset?> add, Licence food, DecodedCredential genuine)
    {
        var issuer = SampleKeys.IssuerOf(food);
        var kid = issuer.Certificate.Kid.ToBytes();
        var alg = issuer.Key.Algorithm.CoseId;
        var payload = genuine.Payload.ToArray();
        string Signed(byte[] body, params (int, object)[] header) =>
            Credentials.WrapCompact(CoseForge.Sign1(CoseForge.Map(header.Length > 0 ? header : [(1, alg), (4, kid), (CredentialFormat.Header.Dictionary, PresetDictionary.One.Id)]), CoseForge.Map(), body, issuer.Key));

        var superseding = Licence.Create(food.Identifier.NextVersion(), food.Name, food.Number, food.Holder, food.AuthorityName, food.AreaCode,
            food.IssueDate, food.IssueDate.AddDays(10), food.ValidTo, food.Attributes);
        add("valid-superseding-version-2", "Version 2 of a licence, valid from 10 days after its issue date: the version and the valid-from offset are carried.",
            Credentials.Sign(superseding, encoding: CredentialEncoding.Lt2).QrText, ReasonCode.None, null);

        var lt1 = Credentials.Sign(food, encoding: CredentialEncoding.Lt1).QrText;
        var lt2 = Credentials.Sign(food, encoding: CredentialEncoding.Lt2).QrText;
        add("lt1-data-under-lt2-prefix", "An LT1 credential's Base45 under the LT2 prefix: its zlib header names no dictionary.",
            CredentialFormat.Lt2.Prefix + lt1[4..], ReasonCode.DecompressionFailed, null);
        add("lt2-data-under-lt1-prefix", "An LT2 credential's Base45 under the LT1 prefix: LT1 has no dictionary.",
            CredentialFormat.Prefix + lt2[4..], ReasonCode.DecompressionFailed, null);
        add("unknown-dictionary", "The genuine COSE bytes compressed with another dictionary (DICTID unknown).",
            CredentialFormat.Lt2.Prefix + Base45.Encode(CompressWith(genuine.CoseBytes.ToArray(), [.. PresetDictionary.One.ToArray().Reverse()])), ReasonCode.DecompressionFailed, null);
        var zlib = Zlib.Compress(genuine.CoseBytes.Span, PresetDictionary.One);
        add("bytes-before-trailer", "A zero byte between the deflate data and the Adler-32 trailer.",
            CredentialFormat.Lt2.Prefix + Base45.Encode([.. zlib[..^4], 0, .. zlib[^4..]]), ReasonCode.DecompressionFailed, null);
        add("dictionary-id-2", "The protected header names dictionary 2; the data was compressed with dictionary 1.",
            Signed(payload, (1, alg), (4, kid), (CredentialFormat.Header.Dictionary, 2)), ReasonCode.CoseMalformed, null);
        add("dictionary-id-missing", "No dictionary id in the protected header.", Signed(payload, (1, alg), (4, kid)), ReasonCode.CoseMalformed, null);
        add("dictionary-id-unprotected", "The dictionary id only in the unprotected header.",
            Credentials.WrapCompact(CoseForge.Sign1(CoseForge.Map((1, alg), (4, kid)), CoseForge.Map((CredentialFormat.Header.Dictionary, 1)), payload, issuer.Key)), ReasonCode.CoseMalformed, null);
        add("version-1-written", "The identifier's version 1 carried, which LT2 leaves out.",
            Signed(WithLicence(payload, l => [.. l, (Int(CredentialFormat.Lt2.Licence.Version), Int(1))])), ReasonCode.LicenceClaimMalformed, null);
        add("attribute-under-text-key", "An attribute of the type's fixed list under its text key instead of its integer key.",
            Signed(WithLicence(payload, l => [.. l.Select(e => IsKey(e.Key, CredentialFormat.Lt2.Licence.Attributes) ? (e.Key, TextKeyed(e.Value)) : e)])), ReasonCode.LicenceClaimMalformed, null);
        add("nbf-carried", "An nbf claim, which LT2 derives from the dates and never carries.",
            Signed(Rewrite(payload, c => [.. c, (Int(CredentialFormat.Claim.Nbf), Long(1_700_000_000))])), ReasonCode.ClaimsMalformed, null);
        add("attribute-key-undefined", "Integer attribute key 9, which the type's fixed list does not define.",
            Signed(WithLicence(payload, l => [.. l.Select(e => IsKey(e.Key, CredentialFormat.Lt2.Licence.Attributes) ? (e.Key, (ReadOnlyMemory<byte>)Rewrite(e.Value.ToArray(), a => [.. a, (Int(9), Text("x"))])) : e)])), ReasonCode.LicenceClaimMalformed, null);
    }

    /// <summary>zlib with any dictionary (SharpZipLib, as the writer does).</summary>
    internal static byte[] CompressWith(byte[] data, byte[] dictionary)
    {
        var deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.SetDictionary(dictionary);
        deflater.SetInput(data);
        deflater.Finish();
        var buffer = new byte[data.Length + 1024];
        var length = 0;
        while (!deflater.IsFinished)
        {
            length += deflater.Deflate(buffer, length, buffer.Length - length);
        }

        return buffer[..length];
    }

    private static byte[] WithLicence(byte[] payload, Func<List<(ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value)>, IEnumerable<(ReadOnlyMemory<byte>, ReadOnlyMemory<byte>)>> change) =>
        Rewrite(payload, claims => [.. claims.Select(c => IsKey(c.Key, CredentialFormat.Claim.Licence) ? (c.Key, (ReadOnlyMemory<byte>)Rewrite(c.Value.ToArray(), change)) : c)]);

    /// <summary>The attributes map with integer key 1 written as its text key.</summary>
    private static ReadOnlyMemory<byte> TextKeyed(ReadOnlyMemory<byte> attributes) =>
        (ReadOnlyMemory<byte>)Rewrite(attributes.ToArray(), a => [.. a.Select(e => IsKey(e.Key, 1) ? (Text("format"), e.Value) : e)]);

    /// <summary>A CBOR map's entries changed, written back in canonical order.</summary>
    private static byte[] Rewrite(byte[] map, Func<List<(ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value)>, IEnumerable<(ReadOnlyMemory<byte>, ReadOnlyMemory<byte>)>> change)
    {
        var reader = new CborReader(map);
        var entries = new List<(ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value)>();
        var count = reader.ReadStartMap()!.Value;
        for (var i = 0; i < count; i++)
        {
            entries.Add((reader.ReadEncodedValue(), reader.ReadEncodedValue()));
        }

        var changed = change(entries).ToList();
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(changed.Count);
        foreach (var (key, value) in changed)
        {
            writer.WriteEncodedValue(key.Span);
            writer.WriteEncodedValue(value.Span);
        }

        writer.WriteEndMap();
        return writer.Encode();
    }

    private static bool IsKey(ReadOnlyMemory<byte> key, int value) => key.Span.SequenceEqual(Int(value).Span);

    private static ReadOnlyMemory<byte> Int(int value)
    {
        var writer = new CborWriter();
        writer.WriteInt32(value);
        return writer.Encode();
    }

    private static ReadOnlyMemory<byte> Long(long value)
    {
        var writer = new CborWriter();
        writer.WriteInt64(value);
        return writer.Encode();
    }

    private static ReadOnlyMemory<byte> Text(string value)
    {
        var writer = new CborWriter();
        writer.WriteTextString(value);
        return writer.Encode();
    }
}
