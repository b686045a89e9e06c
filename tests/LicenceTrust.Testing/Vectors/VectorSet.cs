using System.Text.Encodings.Web;
using System.Text.Json;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Samples;

namespace LicenceTrust.Testing.Vectors;

/// <summary>One published test vector: QR text, when to verify it, and the expected outcome.</summary>
/// <param name="Name">Stable kebab-case name.</param>
/// <param name="Description">What the vector exercises.</param>
/// <param name="Qr">The QR text.</param>
/// <param name="VerifyAt">The verification time (ISO 8601, UTC).</param>
/// <param name="Verdict">Expected verdict: VALID, INVALID, CHECK or UNREADABLE.</param>
/// <param name="Reason">Expected first reason code, or null for VALID.</param>
public sealed record TestVector(string Name, string Description, string Qr, DateTimeOffset VerifyAt, string Verdict, string? Reason);

/// <summary>The vector file: the trust it assumes and the vectors.</summary>
public sealed record VectorFile(string Format, string Trust, IReadOnlyList<TestVector> Vectors);

/// <summary>Builds and reads <c>tests/vectors/vectors.json</c>.</summary>
public static class VectorSet
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static VectorFile Read(string path) => Read<VectorFile>(path);

    /// <summary>Reads any vector file of the repository (credential or status-list vectors).</summary>
    public static T Read<T>(string path) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} is empty.");

    public static void Write<T>(T file, string path) => File.WriteAllText(path, JsonSerializer.Serialize(file, Json) + "\n");

    /// <summary>The published vectors of a format: <c>vectors.json</c> (LT1) or <c>vectors-lt2.json</c> (LT2).</summary>
    public static string FileName(CredentialEncoding encoding) => encoding == CredentialEncoding.Lt2 ? "vectors-lt2.json" : "vectors.json";

    /// <summary>
    /// The vectors of a format: the same cases in each (a genuine credential of every type in both provinces,
    /// and each way to be invalid), and for LT2 the rules of its own layers (dictionary, shortest form).
    /// </summary>
    public static VectorFile Generate(CredentialEncoding encoding = CredentialEncoding.Lt1)
    {
        var vectors = new List<TestVector>();
        var wire = new WireFormat(encoding);
        var now = TestClock.Now;
        void Add(string name, string description, string qr, ReasonCode reason, DateTimeOffset? at = null) =>
            vectors.Add(Vector(name, description, qr, reason, at ?? now));

        foreach (var province in SampleProvinces.All)
        {
            foreach (var type in SampleLicenceTypes.All)
            {
                var licence = ALicence.OfType(type).In(province).Build();
                var algorithm = SampleKeys.IssuerOf(licence).Key.Algorithm;
                Add($"valid-{province.NodeId}-{Slug(type)}-{algorithm.Name.ToLowerInvariant()}",
                    $"A genuine {type.NameEn} of {province.NameEn}, signed {algorithm.Name}.", Credentials.Sign(licence, encoding: encoding).QrText, ReasonCode.None);
            }
        }

        var food = ALicence.OfType(SampleLicenceTypes.FoodBusinessPermit).In(SampleProvinces.Chongqing).Build();
        var foodIssuer = SampleKeys.IssuerOf(food);
        var foodText = Credentials.Sign(food, encoding: encoding).QrText;
        var foodDecoded = CredentialReader.Read(foodText).Credential!;
        Add("expired", "The food permit's validity ended (5 years).", foodText, ReasonCode.Expired, new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var future = ALicence.OfType(SampleLicenceTypes.FoodBusinessPermit).In(SampleProvinces.Chongqing).Numbered(2).Valid(new DateOnly(2026, 7, 1), new DateOnly(2031, 6, 30)).Build();
        var futureText = Credentials.Sign(future, encoding: encoding).QrText;
        Add("not-yet-valid", "Signed in January for a permit valid from 1 July, verified in June.", futureText, ReasonCode.NotYetValid);
        Add("clock-skew-at-start", "Two minutes before the first valid day (China time): too close to call.", futureText, ReasonCode.ClockSkew, new DateTimeOffset(2026, 6, 30, 15, 58, 0, TimeSpan.Zero));

        var tampered = foodDecoded.Payload.ToArray();
        var at = Array.IndexOf(tampered, (byte)'J');
        tampered[at] = (byte)'K';
        Add("payload-altered", "One byte of the licence number changed after signing.",
            wire.Wrap(CoseSign1.Write(foodDecoded.ProtectedHeader.Span, tampered, foodDecoded.Signature.Span)), ReasonCode.SignatureInvalid);

        var stranger = SigningKey.Generate(SignatureAlgorithm.Sm2Sm3);
        Add("forged-signature", "Signed by an unknown key under a trusted issuer's kid.", Credentials.Sign(food, stranger, foodIssuer.Certificate.Kid, encoding: encoding).QrText, ReasonCode.SignatureInvalid);
        Add("unknown-issuer", "Signed by an unknown key with an unknown kid.", Credentials.Sign(food, stranger, new KeyId(0x0011223344556677), encoding: encoding).QrText, ReasonCode.UnknownIssuer);

        var hr = SampleKeys.IssuerWith(SampleProvinces.Chongqing, SignatureAlgorithm.Es256);
        var wrongType = ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Chongqing).ClaimingAuthority(hr.Certificate.AuthorityCode).Build();
        Add("issuer-not-allowed-for-type", "The HR department signs a business licence.", Credentials.Sign(wrongType, hr.Key, hr.Certificate.Kid, encoding: encoding).QrText, ReasonCode.IssuerNotAllowedForType);

        var sichuanRegulator = SampleKeys.Of(SampleProvinces.Sichuan).Issuers.Single(i => i.Certificate.Allows(SampleLicenceTypes.FoodBusinessPermit.Code));
        Add("issuer-mismatch", "Sichuan's regulator signs a permit naming Chongqing's regulator.", Credentials.Sign(food, sichuanRegulator.Key, sichuanRegulator.Certificate.Kid, encoding: encoding).QrText, ReasonCode.IssuerMismatch);

        var payload = foodDecoded.Payload.ToArray();
        var kid = foodIssuer.Certificate.Kid.ToBytes();
        var sm2 = SignatureAlgorithm.Sm2Sm3.CoseId;
        Add("alg-unprotected", "alg only in the unprotected header.",
            wire.Wrap(CoseForge.Sign1(wire.Header((4, kid)), CoseForge.Map((1, sm2)), payload, foodIssuer.Key)), ReasonCode.AlgorithmUnprotected);
        Add("alg-key-mismatch", "ES256 claimed with the kid of an SM2 certificate.",
            wire.Wrap(CoseForge.Sign1(wire.Header((1, SignatureAlgorithm.Es256.CoseId), (4, kid)), CoseForge.Map(), payload, hr.Key)), ReasonCode.AlgorithmKeyMismatch);
        Add("alg-not-allowed", "EdDSA (-8) is not on the allow-list.",
            wire.Wrap(CoseForge.Sign1(wire.Header((1, -8), (4, kid)), CoseForge.Map(), payload, foodIssuer.Key)), ReasonCode.AlgorithmNotAllowed);
        Add("unknown-critical-header", "crit names header 99, which verifiers do not know.",
            wire.Wrap(CoseForge.Sign1(wire.Header((1, sm2), (4, kid), (2, new[] { 99 }), (99, 1)), CoseForge.Map(), payload, foodIssuer.Key)), ReasonCode.UnknownCriticalHeader);
        Add("zlib-bomb", "2.5 MB of zeros compressed into one QR code.", wire.Wrap(new byte[2_500_000]), ReasonCode.DecompressedTooLarge);
        Add("base45-lowercase", "Lower-case Base45 (not in the alphabet).", wire.Prefix + foodText[4..].ToLowerInvariant(), ReasonCode.Base45Invalid);
        // Cut at a whole Base45 group, so what is left still decodes and the truncated zlib data is what fails.
        Add("truncated", "The last 30 characters are missing.", foodText[..(4 + ((foodText.Length - 4) / 3 * 3) - 30)], ReasonCode.DecompressionFailed);
        Add("other-system", "An EU digital COVID certificate prefix: not a LicenceTrust code.", "HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N", ReasonCode.PrefixMissing);
        Add("empty", "Nothing was scanned.", string.Empty, ReasonCode.Empty);
        if (encoding == CredentialEncoding.Lt2)
        {
            CompactVectors.Add(Add, food, foodDecoded);
        }

        var file = new VectorFile(wire.Name, "keys-sample/: both provincial roots and all eight sample issuer certificates; no status, no recognition agreement", vectors);
        Check(file);
        return file;
    }

    /// <summary>A vector whose expected verdict is the one <paramref name="reason"/> implies (VALID for none).</summary>
    internal static TestVector Vector(string name, string description, string qr, ReasonCode reason, DateTimeOffset at) =>
        new(name, description, qr, at,
            (reason == ReasonCode.None ? Verdict.Valid : ReasonCatalogue.Get(reason).Verdict).ToString().ToUpperInvariant(),
            reason == ReasonCode.None ? null : ReasonCatalogue.WireName(reason));

    /// <summary>Verifies every vector against the sample trust store; throws on the first mismatch.</summary>
    public static void Check(VectorFile file)
    {
        var verifier = new CredentialVerifier(SampleKeys.TrustStore);
        var wrong = new List<string>();
        foreach (var vector in file.Vectors)
        {
            var result = verifier.Verify(vector.Qr, vector.VerifyAt);
            var verdict = result.Verdict.ToString().ToUpperInvariant();
            var reason = result.PrimaryReason == ReasonCode.None ? null : ReasonCatalogue.WireName(result.PrimaryReason);
            if (verdict != vector.Verdict || reason != vector.Reason)
            {
                wrong.Add($"vector {vector.Name}: expected {vector.Verdict}/{vector.Reason}, got {verdict}/{reason} ({result.Detail})");
            }
        }

        if (wrong.Count > 0)
        {
            throw new InvalidDataException(string.Join(Environment.NewLine, wrong));
        }
    }

    private static string Slug(LicenceType type) => type.NameEn.ToLowerInvariant().Replace("'s", string.Empty, StringComparison.Ordinal)
        .Replace(' ', '-').Replace("-work-safety", string.Empty, StringComparison.Ordinal);
}
