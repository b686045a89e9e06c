using LicenceTrust.Samples;
using System.Formats.Cbor;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Testing.Vectors;

/// <summary>
/// The hostile corpus (issue 7), <c>tests/vectors/hostile/hostile.json</c>: inputs built to trick a
/// verifier, each with the verdict and reason it must get. Complements vectors.json (which already has
/// truncated, lower-case Base45, zlib bomb, alg in the unprotected header, alg/key mismatch, another
/// province's issuer and an issuer not allowed for the type). Status-list attacks (wrong signer,
/// rollback) are in <see cref="HostileStatusLists"/>.
/// </summary>
public static class HostileSet
{
    /// <summary>The hostile corpus of a format: <c>hostile.json</c> (LT1) or <c>hostile-lt2.json</c> (LT2).</summary>
    public static string FileName(CredentialEncoding encoding) => encoding == CredentialEncoding.Lt2 ? "hostile-lt2.json" : "hostile.json";

    /// <summary>The same attacks in either format: for LT2 the forged headers carry its dictionary id, so only the attack can refuse them.</summary>
    public static VectorFile Generate(CredentialEncoding encoding = CredentialEncoding.Lt1)
    {
        var vectors = new List<TestVector>();
        var wire = new WireFormat(encoding);
        var now = TestClock.Now;
        void Add(string name, string description, string qr, ReasonCode reason, DateTimeOffset? at = null) =>
            vectors.Add(VectorSet.Vector(name, description, qr, reason, at ?? now));

        var licence = ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Chongqing).Numbered(7001).Build();
        var issuer = SampleKeys.IssuerOf(licence);
        var text = Credentials.Sign(licence, encoding: encoding).QrText;
        var decoded = CredentialReader.Read(text).Credential!;
        var payload = decoded.Payload.ToArray();
        var kid = issuer.Certificate.Kid.ToBytes();
        var sm2 = SignatureAlgorithm.Sm2Sm3.CoseId;

        Add("inner-newline", "A line break inside the text is not trimmed: not Base45.", text[..40] + "\n" + text[40..], ReasonCode.Base45Invalid);
        Add("wrong-prefix", "LT3: a future or foreign format.", "LT3:" + text[4..], ReasonCode.PrefixMissing);
        Add("no-prefix", "The Base45 without its prefix.", text[4..], ReasonCode.PrefixMissing);
        Add("truncated-to-prefix", "Only the prefix.", wire.Prefix, ReasonCode.DecompressionFailed);
        Add("deep-cbor", "An unknown claim nested 200 arrays deep.", wire.Wrap(CoseForge.Sign1(wire.Header((1, sm2), (4, kid)), CoseForge.Map(), Nested(200), issuer.Key)), ReasonCode.CborTooDeep);
        Add("duplicate-header-keys", "The protected header names alg twice (ES256, then SM2).",
            wire.Wrap(CoseForge.Sign1(Duplicated(sm2, kid), CoseForge.Map(), payload, issuer.Key)), ReasonCode.CoseMalformed);
        Add("huge-integer-claim", "iat is 2^64-1.", wire.Wrap(CoseForge.Sign1(wire.Header((1, sm2), (4, kid)), CoseForge.Map(), HugeIat(payload), issuer.Key)), ReasonCode.ClaimsMalformed);
        Add("alg-none", "No alg at all (the JOSE 'none' attack).", wire.Wrap(CoseForge.Sign1(wire.Header((4, kid)), CoseForge.Map(), payload, issuer.Key)), ReasonCode.AlgorithmMissing);
        Add("alg-swap", "alg switched to ES256 over an SM2 issuer's kid, signed with an ES256 key of the same province.",
            wire.Wrap(CoseForge.Sign1(wire.Header((1, SignatureAlgorithm.Es256.CoseId), (4, kid)), CoseForge.Map(), payload, SampleKeys.IssuerWith(SampleProvinces.Chongqing, SignatureAlgorithm.Es256).Key)), ReasonCode.AlgorithmKeyMismatch);
        Add("signature-empty", "The right headers and payload, an empty signature.",
            wire.Wrap(CoseSign1.Write(decoded.ProtectedHeader.Span, payload, [])), ReasonCode.SignatureInvalid);
        Add("signature-of-other-licence", "A genuine signature moved onto another licence's payload.",
            wire.Wrap(CoseSign1.Write(decoded.ProtectedHeader.Span, CredentialReader.Read(Credentials.Sign(ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Chongqing).Numbered(7002).Build(), encoding: encoding).QrText).Credential!.Payload.Span, decoded.Signature.Span)),
            ReasonCode.SignatureInvalid);
        Add("signed-before-issuer-certificate", "Signed in 2024, before the issuer certificate's start (2025-01-01).",
            Credentials.Sign(licence, new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero), encoding).QrText, ReasonCode.IssuerCertificateNotYetValid);
        Add("issuer-certificate-expired", "Signed in 2035 (after the issuer certificate ended), for a licence still valid then.",
            Credentials.Sign(licence, new DateTimeOffset(2035, 6, 1, 0, 0, 0, TimeSpan.Zero), encoding).QrText, ReasonCode.IssuerCertificateExpired, new DateTimeOffset(2035, 6, 2, 0, 0, 0, TimeSpan.Zero));
        Add("sichuan-key-for-chongqing-authority", "A Sichuan issuer's key signs a licence naming a Chongqing authority.",
            Credentials.Sign(licence, SampleKeys.IssuerWith(SampleProvinces.Sichuan, SignatureAlgorithm.Sm2Sm3).Key, SampleKeys.IssuerWith(SampleProvinces.Sichuan, SignatureAlgorithm.Sm2Sm3).Certificate.Kid, encoding: encoding).QrText, ReasonCode.IssuerMismatch);
        Add("kid-collision", "An attacker's own SM2 key signs under the kid of the genuine Chongqing issuer (a kid is only a hint; the issuer's key must verify).",
            Credentials.Sign(licence, SigningKey.Generate(SignatureAlgorithm.Sm2Sm3), issuer.Certificate.Kid, encoding: encoding).QrText, ReasonCode.SignatureInvalid);
        // One signed content, one text (docs/format.md §1, §3): each other encoding of a genuine credential is refused.
        var cose = CoseSign1.Write(decoded.ProtectedHeader.Span, payload, decoded.Signature.Span);
        Add("zlib-cinfo-8", "The genuine credential with a zlib header claiming a 64 KiB window (CINFO 8, which RFC 1950 forbids).",
            Rezlib(text, z => { z[0] = 0x88; z[1] = (byte)((z[1] & 0xE0) + (31 - ((0x88 << 8) | (z[1] & 0xE0)) % 31) % 31); }), ReasonCode.DecompressionFailed);
        Add("chunked-payload", "The genuine credential with its payload as an indefinite-length (chunked) byte string.",
            wire.Wrap(Envelope(decoded.ProtectedHeader.ToArray(), w => { w.WriteStartIndefiniteLengthByteString(); w.WriteByteString(payload[..10]); w.WriteByteString(payload[10..]); w.WriteEndIndefiniteLengthByteString(); }, decoded.Signature.ToArray())),
            ReasonCode.CoseMalformed);
        Add("indefinite-unprotected-header", "The genuine credential with its empty unprotected header as an indefinite-length map.",
            wire.Wrap(IndefiniteUnprotected(cose)), ReasonCode.CoseMalformed);
        Add("long-form-length", "The genuine credential with its payload's length in a 4-byte form where 1 or 2 bytes suffice.",
            wire.Wrap(Envelope(decoded.ProtectedHeader.ToArray(), w => w.WriteEncodedValue(LongFormByteString(payload)), decoded.Signature.ToArray())), ReasonCode.CoseMalformed);
        Add("indefinite-map-in-payload", "The claims as an indefinite-length map, signed by the genuine issuer (docs/format.md §3 forbids it).",
            wire.Wrap(CoseForge.Sign1(wire.Header((1, sm2), (4, kid)), CoseForge.Map(), IndefiniteMap(payload), issuer.Key)), ReasonCode.ClaimsMalformed);
        Add("crit-beyond-alg-and-kid", "crit lists the dictionary label -65537 as well as alg and kid; a credential's crit may list only 1 and 4.",
            wire.Wrap(CoseForge.Sign1(CoseForge.Map((1, sm2), (2, new[] { 1, 4, CredentialFormat.Header.Dictionary }), (4, kid), (CredentialFormat.Header.Dictionary, PresetDictionary.One.Id)), CoseForge.Map(), payload, issuer.Key)),
            ReasonCode.UnknownCriticalHeader);
        if (encoding == CredentialEncoding.Lt1)
        {
            Add("lt1-naming-lt2-dictionary", "An LT1 credential whose signed header names LT2's dictionary 1: the same signed bytes would read under LT2: too.",
                wire.Wrap(CoseForge.Sign1(CoseForge.Map((1, sm2), (4, kid), (CredentialFormat.Header.Dictionary, PresetDictionary.One.Id)), CoseForge.Map(), payload, issuer.Key)), ReasonCode.CoseMalformed);
        }

        Add("random-base45", "Random Base45 text with the right prefix.", wire.Prefix + new string([.. new Random(42).GetItems("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$%*+-./:".ToCharArray(), 600)]), ReasonCode.Base45Invalid);

        var file = new VectorFile(wire.Name + " hostile", "keys-sample/: both provincial roots and all eight sample issuer certificates", vectors);
        VectorSet.Check(file);
        return file;
    }

    /// <summary>The QR text with its zlib bytes changed by <paramref name="change"/>.</summary>
    private static string Rezlib(string text, Action<byte[]> change)
    {
        var prefix = text[..4];
        Base45.TryDecode(text.AsSpan(4), out var zlib, out _);
        change(zlib);
        return prefix + Base45.Encode(zlib);
    }

    /// <summary>Tag 18, [protected, {}, payload as <paramref name="payload"/> writes it, signature].</summary>
    private static byte[] Envelope(byte[] protectedHeader, Action<CborWriter> payload, byte[] signature)
    {
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteTag((CborTag)CredentialFormat.CoseSign1Tag);
        writer.WriteStartArray(4);
        writer.WriteByteString(protectedHeader);
        writer.WriteStartMap(0);
        writer.WriteEndMap();
        payload(writer);
        writer.WriteByteString(signature);
        writer.WriteEndArray();
        return writer.Encode();
    }

    /// <summary>The message with its empty unprotected map (0xA0) written as an indefinite one (0xBF 0xFF).</summary>
    private static byte[] IndefiniteUnprotected(byte[] cose)
    {
        var reader = new CborReader(cose);
        reader.ReadTag();
        reader.ReadStartArray();
        reader.SkipValue();
        var at = cose.Length - reader.BytesRemaining;
        return [.. cose[..at], 0xBF, 0xFF, .. cose[(at + 1)..]];
    }

    private static byte[] LongFormByteString(byte[] value) =>
        [0x5A, (byte)(value.Length >> 24), (byte)(value.Length >> 16), (byte)(value.Length >> 8), (byte)value.Length, .. value];

    /// <summary>The same map of claims, written with an indefinite length.</summary>
    private static byte[] IndefiniteMap(byte[] payload)
    {
        var reader = new CborReader(payload);
        var writer = new CborWriter(CborConformanceMode.Lax);
        var count = reader.ReadStartMap()!.Value;
        writer.WriteStartMap(null);
        for (var i = 0; i < 2 * count; i++)
        {
            writer.WriteEncodedValue(reader.ReadEncodedValue().Span);
        }

        reader.ReadEndMap();
        writer.WriteEndMap();
        return writer.Encode();
    }

    private static byte[] Nested(int depth)
    {
        // Claims whose unknown claim 99 nests arrays: a reader that skips unknown values must still stop.
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartMap(1);
        writer.WriteInt32(99);
        for (var i = 0; i < depth; i++)
        {
            writer.WriteStartArray(1);
        }

        writer.WriteInt32(0);
        for (var i = 0; i < depth; i++)
        {
            writer.WriteEndArray();
        }

        writer.WriteEndMap();
        return writer.Encode();
    }

    private static Action<CborWriter> Duplicated(int alg, byte[] kid) => writer =>
    {
        writer.WriteStartMap(3);
        writer.WriteInt32(1);
        writer.WriteInt32(SignatureAlgorithm.Es256.CoseId);
        writer.WriteInt32(1);
        writer.WriteInt32(alg);
        writer.WriteInt32(4);
        writer.WriteByteString(kid);
        writer.WriteEndMap();
    };

    /// <summary>The same claims with iat (6) replaced by 2^64-1.</summary>
    private static byte[] HugeIat(byte[] payload)
    {
        var reader = new CborReader(payload);
        var writer = new CborWriter(CborConformanceMode.Lax);
        var count = reader.ReadStartMap()!.Value;
        writer.WriteStartMap(count);
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadInt32();
            writer.WriteInt32(key);
            if (key == 6)
            {
                reader.SkipValue();
                writer.WriteUInt64(ulong.MaxValue);
            }
            else
            {
                writer.WriteEncodedValue(reader.ReadEncodedValue().Span);
            }
        }

        writer.WriteEndMap();
        return writer.Encode();
    }
}
