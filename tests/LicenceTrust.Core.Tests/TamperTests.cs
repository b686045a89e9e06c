using System.Diagnostics;
using System.Security.Cryptography;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Samples;
using LicenceTrust.Testing;
using LicenceTrust.Testing.Vectors;

namespace LicenceTrust.Core.Tests;

/// <summary>One flipped bit anywhere must never give VALID, and never throw; in LT1 and in LT2 alike.</summary>
public class TamperTests
{
    private static readonly CredentialVerifier Verifier = new(SampleKeys.TrustStore);

    public static TheoryData<string, CredentialEncoding> Credentials2() => new()
    {
        { SampleLicenceTypes.BusinessLicence.Code.Value, CredentialEncoding.Lt1 }, // SM2
        { SampleLicenceTypes.ProfessionalQualification.Code.Value, CredentialEncoding.Lt1 }, // ES256
        { SampleLicenceTypes.BusinessLicence.Code.Value, CredentialEncoding.Lt2 },
        { SampleLicenceTypes.ProfessionalQualification.Code.Value, CredentialEncoding.Lt2 },
    };

    [Theory]
    [MemberData(nameof(Credentials2))]
    public void Every_bit_flip_in_the_QR_text_fails_specifically(string typeCode, CredentialEncoding encoding)
    {
        var text = Sign(typeCode, encoding).QrText;
        var outcomes = new List<VerificationResult>();
        for (var i = 0; i < text.Length; i++)
        {
            for (var bit = 0; bit < 7; bit++)
            {
                var chars = text.ToCharArray();
                chars[i] = (char)(chars[i] ^ (1 << bit));
                outcomes.Add(Verifier.Verify(new string(chars), TestClock.Now));
            }
        }

        AssertAllFailSpecifically(outcomes, minimum: encoding == CredentialEncoding.Lt2 ? 2000 : 3000);
    }

    [Theory]
    [MemberData(nameof(Credentials2))]
    public void Every_bit_flip_in_the_COSE_bytes_fails_specifically(string typeCode, CredentialEncoding encoding)
    {
        var cose = Sign(typeCode, encoding).CoseBytes;
        var wire = new WireFormat(encoding);
        var outcomes = new List<VerificationResult>();
        for (var i = 0; i < cose.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var copy = (byte[])cose.Clone();
                copy[i] ^= (byte)(1 << bit);
                outcomes.Add(Verifier.Verify(wire.Wrap(copy), TestClock.Now));
            }
        }

        AssertAllFailSpecifically(outcomes, minimum: encoding == CredentialEncoding.Lt2 ? 2000 : 3000);
    }

    [Theory]
    [MemberData(nameof(Credentials2))]
    public void Every_bit_flip_in_the_payload_breaks_the_signature(string typeCode, CredentialEncoding encoding)
    {
        var decoded = CredentialReader.Read(Sign(typeCode, encoding).QrText).Credential!;
        var wire = new WireFormat(encoding);
        var payload = decoded.Payload.ToArray();
        var outcomes = new List<VerificationResult>();
        for (var i = 0; i < payload.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var copy = (byte[])payload.Clone();
                copy[i] ^= (byte)(1 << bit);
                var cose = CoseSign1.Write(decoded.ProtectedHeader.Span, copy, decoded.Signature.Span);
                outcomes.Add(Verifier.Verify(wire.Wrap(cose), TestClock.Now));
            }
        }

        AssertAllFailSpecifically(outcomes, minimum: encoding == CredentialEncoding.Lt2 ? 1500 : 2000);
        // A flip that still parses must be caught by the signature, not by luck.
        Assert.Contains(outcomes, o => o.PrimaryReason == ReasonCode.SignatureInvalid);
    }

    [Fact]
    public void Generated_garbage_never_throws_and_is_never_valid()
    {
        var random = new Random(20261128);
        var outcomes = new List<VerificationResult>();
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 600)];
            random.NextBytes(bytes);
            outcomes.Add(Verifier.Verify(Credentials.Wrap(bytes), TestClock.Now));
            outcomes.Add(Verifier.Verify(Credentials.WrapCompact(bytes), TestClock.Now));
            outcomes.Add(Verifier.Verify(CredentialFormat.Prefix + Base45.Encode(bytes), TestClock.Now));
            outcomes.Add(Verifier.Verify(CredentialFormat.Lt2.Prefix + Base45.Encode(bytes), TestClock.Now));
            var chars = Enumerable.Range(0, random.Next(0, 300)).Select(_ => Base45.Alphabet[random.Next(45)]).ToArray();
            outcomes.Add(Verifier.Verify(CredentialFormat.Prefix + new string(chars), TestClock.Now));
            outcomes.Add(Verifier.Verify(CredentialFormat.Lt2.Prefix + new string(chars), TestClock.Now));
        }

        AssertAllFailSpecifically(outcomes, minimum: 3000);
    }

    [Theory]
    [InlineData(CredentialEncoding.Lt1)]
    [InlineData(CredentialEncoding.Lt2)]
    public void Truncations_fail_specifically(CredentialEncoding encoding)
    {
        var text = Sign(SampleLicenceTypes.FoodBusinessPermit.Code.Value, encoding).QrText;
        var outcomes = Enumerable.Range(0, text.Length).Select(n => Verifier.Verify(text[..n], TestClock.Now)).ToList();
        AssertAllFailSpecifically(outcomes, minimum: encoding == CredentialEncoding.Lt2 ? 300 : 500);
    }

    [Theory]
    [InlineData(CredentialEncoding.Lt1)]
    [InlineData(CredentialEncoding.Lt2)]
    public void A_zlib_bomb_in_a_QR_text_is_refused_quickly_with_its_own_reason(CredentialEncoding encoding)
    {
        var text = new WireFormat(encoding).Wrap(new byte[2_500_000]);
        Assert.True(text.Length < CodecLimits.Default.MaxTextLength);

        var watch = Stopwatch.StartNew();
        var result = Verifier.Verify(text, TestClock.Now);
        watch.Stop();

        Assert.Equal(ReasonCode.DecompressedTooLarge, result.PrimaryReason);
        Assert.Equal(Verdict.Unreadable, result.Verdict);
        // A safety bound, not a benchmark: inflating stops at 16 KiB, so this is microseconds.
        Assert.True(watch.ElapsedMilliseconds < 1000, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Theory]
    [InlineData(CredentialEncoding.Lt1)]
    [InlineData(CredentialEncoding.Lt2)]
    public void Changed_deflate_padding_bits_are_refused_though_they_inflate_to_the_same_bytes(CredentialEncoding encoding)
    {
        // Find a credential whose last deflate byte has a padding bit at the top: flipping it leaves a
        // lenient inflater's output unchanged, so only a structural check can see the change.
        var wire = new WireFormat(encoding);
        for (var n = 1; n < 200; n++)
        {
            var credential = Credentials.Sign(ALicence.OfType(SampleLicenceTypes.BusinessLicence).Numbered(n).Build(), encoding: encoding);
            var compressed = encoding == CredentialEncoding.Lt2 ? Zlib.Compress(credential.CoseBytes, PresetDictionary.One) : Zlib.Compress(credential.CoseBytes);
            var changed = (byte[])compressed.Clone();
            changed[^5] ^= 0x80;
            if (!(encoding == CredentialEncoding.Lt2 ? InflatesWithDictionaryTo(changed, credential.CoseBytes) : InflatesTo(changed, credential.CoseBytes)))
            {
                continue;
            }

            var result = Verifier.Verify(wire.Prefix + Base45.Encode(changed), TestClock.Now);
            Assert.Equal(ReasonCode.DecompressionFailed, result.PrimaryReason);
            Assert.Contains("padding", result.Detail, StringComparison.Ordinal);
            return;
        }

        Assert.Fail("no credential with a top padding bit in 200 tries");
    }

    private static bool InflatesTo(byte[] zlib, byte[] expected)
    {
        try
        {
            using var input = new MemoryStream(zlib);
            using var inflater = new System.IO.Compression.ZLibStream(input, System.IO.Compression.CompressionMode.Decompress);
            using var output = new MemoryStream();
            inflater.CopyTo(output);
            return output.ToArray().AsSpan().SequenceEqual(expected);
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>SharpZipLib's inflater, which (like DeflateStream) ignores padding bits, given the LT2 dictionary.</summary>
    private static bool InflatesWithDictionaryTo(byte[] zlib, byte[] expected)
    {
        try
        {
            var inflater = new ICSharpCode.SharpZipLib.Zip.Compression.Inflater();
            inflater.SetInput(zlib);
            var output = new byte[expected.Length + 16];
            var total = inflater.Inflate(output);
            if (inflater.IsNeedingDictionary)
            {
                inflater.SetDictionary(PresetDictionary.One.ToArray());
                total += inflater.Inflate(output, total, output.Length - total);
            }

            return inflater.IsFinished && output.AsSpan(0, total).SequenceEqual(expected);
        }
        catch (ICSharpCode.SharpZipLib.SharpZipBaseException)
        {
            return false;
        }
    }

    private static EncodedCredential Sign(string typeCode, CredentialEncoding encoding = CredentialEncoding.Lt1) =>
        Credentials.Sign(ALicence.OfType(LicenceTypeCatalogue.Shipped.Get(Identifiers.LicenceTypeCode.Parse(typeCode))).Build(), encoding: encoding);

    private static void AssertAllFailSpecifically(List<VerificationResult> outcomes, int minimum)
    {
        Assert.True(outcomes.Count >= minimum, $"only {outcomes.Count} inputs");
        var valid = outcomes.Where(o => o.Verdict == Verdict.Valid).ToList();
        Assert.True(valid.Count == 0, $"{valid.Count} tampered inputs verified VALID");
        Assert.All(outcomes, o => Assert.NotEqual(ReasonCode.None, o.PrimaryReason));
    }
}

public class SignatureMemoTests
{
    [Fact]
    public void A_repeated_scan_is_answered_from_memory_but_time_still_counts_and_changed_bytes_miss()
    {
        var memo = new SignatureMemo();
        var verifier = new CredentialVerifier(SampleKeys.TrustStore, memo: memo);
        var licence = ALicence.OfType(SampleLicenceTypes.FoodBusinessPermit).Build();
        var credential = Credentials.Sign(licence);

        Assert.Equal(Verdict.Valid, verifier.Verify(credential.QrText, TestClock.Now).Verdict);
        Assert.Equal(0, memo.Hits);
        Assert.Equal(Verdict.Valid, verifier.Verify(credential.QrText, TestClock.Now).Verdict);
        Assert.Equal(1, memo.Hits);

        // Memoised signature, but the licence has expired by then: the time check still runs.
        Assert.Equal(ReasonCode.Expired, verifier.Verify(credential.QrText, new DateTimeOffset(2034, 1, 1, 0, 0, 0, TimeSpan.Zero)).PrimaryReason);

        // Same payload with another (forged) signature: different bytes, no memory, signature fails.
        var decoded = CredentialReader.Read(credential.QrText).Credential!;
        var forged = CoseSign1.Write(decoded.ProtectedHeader.Span, decoded.Payload.Span, new byte[64]);
        Assert.Equal(ReasonCode.SignatureInvalid, verifier.Verify(Credentials.Wrap(forged), TestClock.Now).PrimaryReason);
    }

    [Fact]
    public void A_full_memo_starts_again_without_losing_correctness()
    {
        var memo = new SignatureMemo(capacity: 2);
        var verifier = new CredentialVerifier(SampleKeys.TrustStore, memo: memo);
        var texts = Enumerable.Range(1, 5).Select(i => Credentials.Sign(ALicence.OfType(SampleLicenceTypes.BusinessLicence).Numbered(i).Build()).QrText).ToList();
        foreach (var text in texts.Concat(texts))
        {
            Assert.Equal(Verdict.Valid, verifier.Verify(text, TestClock.Now).Verdict);
        }
    }

    [Fact]
    public void A_message_is_remembered_only_for_the_certificate_that_verified_it_and_a_full_bucket_forgets_its_oldest()
    {
        var memo = new SignatureMemo(capacity: 4);
        var certificate = Convert.ToHexStringLower(SHA256.HashData("certificate A"u8));
        var other = Convert.ToHexStringLower(SHA256.HashData("certificate B"u8));
        var keys = Enumerable.Range(0, 5).Select(i => SignatureMemo.KeyOf(BitConverter.GetBytes(i))).ToList();

        memo.Remember(keys[0], certificate);
        Assert.True(memo.Remembers(keys[0], certificate));
        Assert.False(memo.Remembers(keys[0], other));
        Assert.False(memo.Remembers(keys[1], certificate));

        // One bucket of four: a fifth message pushes out the first, the other four stay.
        foreach (var key in keys.Skip(1))
        {
            memo.Remember(key, certificate);
        }

        Assert.False(memo.Remembers(keys[0], certificate));
        Assert.All(keys.Skip(1), key => Assert.True(memo.Remembers(key, certificate)));

        // A fingerprint that is not a SHA-256 in hex is never remembered.
        memo.Remember(keys[0], "not hex");
        Assert.False(memo.Remembers(keys[0], "not hex"));
        memo.Remember(keys[0], certificate + "00");
        Assert.False(memo.Remembers(keys[0], certificate + "00"));
        Assert.Equal(SignatureMemo.KeyOf("the same bytes"u8), SignatureMemo.KeyOf("the same bytes"u8));
        Assert.NotEqual(SignatureMemo.KeyOf("the same bytes"u8), SignatureMemo.KeyOf("the same bytes!"u8));
        Assert.Equal(5, memo.Hits);
    }

    [Fact]
    public void A_memo_of_capacity_zero_remembers_nothing_so_every_scan_checks_the_signature()
    {
        var memo = new SignatureMemo(capacity: 0);
        var verifier = new CredentialVerifier(SampleKeys.TrustStore, memo: memo);
        var text = Credentials.Sign(ALicence.OfType(SampleLicenceTypes.BusinessLicence).Build()).QrText;

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Verdict.Valid, verifier.Verify(text, TestClock.Now).Verdict);
        }

        Assert.Equal(0, memo.Hits);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignatureMemo(capacity: -1));
    }
}
