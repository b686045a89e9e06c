using System.Diagnostics;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Core.Tests;

/// <summary>One flipped bit anywhere must never give VALID, and never throw.</summary>
public class TamperTests
{
    private static readonly CredentialVerifier Verifier = new(SampleKeys.TrustStore);

    public static TheoryData<string> Credentials2() => new()
    {
        SampleLicenceTypes.BusinessLicence.Code.Value, // SM2
        SampleLicenceTypes.ProfessionalQualification.Code.Value, // ES256
    };

    [Theory]
    [MemberData(nameof(Credentials2))]
    public void Every_bit_flip_in_the_QR_text_fails_specifically(string typeCode)
    {
        var text = Sign(typeCode).QrText;
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

        AssertAllFailSpecifically(outcomes, minimum: 3000);
    }

    [Theory]
    [MemberData(nameof(Credentials2))]
    public void Every_bit_flip_in_the_COSE_bytes_fails_specifically(string typeCode)
    {
        var cose = Sign(typeCode).CoseBytes;
        var outcomes = new List<VerificationResult>();
        for (var i = 0; i < cose.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var copy = (byte[])cose.Clone();
                copy[i] ^= (byte)(1 << bit);
                outcomes.Add(Verifier.Verify(Credentials.Wrap(copy), TestClock.Now));
            }
        }

        AssertAllFailSpecifically(outcomes, minimum: 3000);
    }

    [Theory]
    [MemberData(nameof(Credentials2))]
    public void Every_bit_flip_in_the_payload_breaks_the_signature(string typeCode)
    {
        var decoded = CredentialReader.Read(Sign(typeCode).QrText).Credential!;
        var payload = decoded.Payload.ToArray();
        var outcomes = new List<VerificationResult>();
        for (var i = 0; i < payload.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var copy = (byte[])payload.Clone();
                copy[i] ^= (byte)(1 << bit);
                var cose = CoseSign1.Write(decoded.ProtectedHeader.Span, copy, decoded.Signature.Span);
                outcomes.Add(Verifier.Verify(Credentials.Wrap(cose), TestClock.Now));
            }
        }

        AssertAllFailSpecifically(outcomes, minimum: 2000);
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
            outcomes.Add(Verifier.Verify(CredentialFormat.Prefix + Base45.Encode(bytes), TestClock.Now));
            var chars = Enumerable.Range(0, random.Next(0, 300)).Select(_ => Base45.Alphabet[random.Next(45)]).ToArray();
            outcomes.Add(Verifier.Verify(CredentialFormat.Prefix + new string(chars), TestClock.Now));
        }

        AssertAllFailSpecifically(outcomes, minimum: 1500);
    }

    [Fact]
    public void Truncations_fail_specifically()
    {
        var text = Sign(SampleLicenceTypes.FoodBusinessPermit.Code.Value).QrText;
        var outcomes = Enumerable.Range(0, text.Length).Select(n => Verifier.Verify(text[..n], TestClock.Now)).ToList();
        AssertAllFailSpecifically(outcomes, minimum: 500);
    }

    [Fact]
    public void A_zlib_bomb_in_a_QR_text_is_refused_quickly_with_its_own_reason()
    {
        var text = Credentials.Wrap(new byte[2_500_000]);
        Assert.True(text.Length < CodecLimits.Default.MaxTextLength);

        var watch = Stopwatch.StartNew();
        var result = Verifier.Verify(text, TestClock.Now);
        watch.Stop();

        Assert.Equal(ReasonCode.DecompressedTooLarge, result.PrimaryReason);
        Assert.Equal(Verdict.Unreadable, result.Verdict);
        // A safety bound, not a benchmark: inflating stops at 16 KiB, so this is microseconds.
        Assert.True(watch.ElapsedMilliseconds < 1000, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Changed_deflate_padding_bits_are_refused_though_they_inflate_to_the_same_bytes()
    {
        // Find a credential whose last deflate byte has a padding bit at the top: flipping it leaves
        // DeflateStream's output unchanged, so only a structural check can see the change.
        for (var n = 1; n < 200; n++)
        {
            var credential = Credentials.Sign(ALicence.OfType(SampleLicenceTypes.BusinessLicence).Numbered(n).Build());
            var compressed = Zlib.Compress(credential.CoseBytes);
            var changed = (byte[])compressed.Clone();
            changed[^5] ^= 0x80;
            if (!InflatesTo(changed, credential.CoseBytes))
            {
                continue;
            }

            var result = Verifier.Verify(CredentialFormat.Prefix + Base45.Encode(changed), TestClock.Now);
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

    private static EncodedCredential Sign(string typeCode) =>
        Credentials.Sign(ALicence.OfType(LicenceTypeCatalogue.Shipped.Get(Identifiers.LicenceTypeCode.Parse(typeCode))).Build());

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
