using System.Security.Cryptography;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.QrImages;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Core.Tests;

/// <summary>The LT2 codec (docs/format.md §12): what it carries, what it rebuilds, and its size.</summary>
public class CompactFormatTests
{
    private static readonly CredentialVerifier Verifier = new(SampleKeys.TrustStore);

    [Theory]
    [MemberData(nameof(CredentialRoundTripTests.EveryTypeInEveryProvince), MemberType = typeof(CredentialRoundTripTests))]
    public void Every_demo_licence_reads_back_whole_from_LT2_and_needs_QR_version_16_or_less(string node, string typeCode)
    {
        var licence = Samples.DemoLicences.Create(Province.FromNodeId(node), LicenceTypeCatalogue.Shipped.Get(LicenceTypeCode.Parse(typeCode)));
        var status = new StatusReference(123_456, "https://cq.lt.example/api/v1/status-lists/3", 3);
        var issuer = SampleKeys.IssuerOf(licence);
        var compact = CredentialWriter.Write(CredentialClaims.Create(licence, TestClock.SignedAt, status), issuer.Key, issuer.Certificate.Kid, CredentialEncoding.Lt2);
        var lt1 = CredentialWriter.Write(CredentialClaims.Create(licence, TestClock.SignedAt, status), issuer.Key, issuer.Certificate.Kid, CredentialEncoding.Lt1);

        var read = CredentialReader.Read(compact.QrText).Credential!;
        Assert.Equal(CredentialEncoding.Lt2, read.Encoding);
        AssertSame(licence.Disclosed(), read.Claims.Licence);
        Assert.Equal(new StatusReference(123_456, null, 3), read.Claims.Status);
        Assert.Equal(Verdict.Valid, Verifier.Verify(compact.QrText, TestClock.Now).Verdict);
        Assert.StartsWith("LT2:", compact.QrText, StringComparison.Ordinal);
        Assert.True(QrCodeImages.Version(compact.QrText) <= 16, $"version {QrCodeImages.Version(compact.QrText)}");
        Assert.True(compact.QrText.Length < lt1.QrText.Length * 0.65, $"LT2 {compact.QrText.Length} characters, LT1 {lt1.QrText.Length}");
    }

    /// <summary>
    /// LT2 is written by the system's zlib and read by SharpZipLib's inflater; the QR version depends on
    /// the size, so the writer must not give back any of what SharpZipLib's deflater achieved.
    /// </summary>
    [Theory]
    [MemberData(nameof(CredentialRoundTripTests.EveryTypeInEveryProvince), MemberType = typeof(CredentialRoundTripTests))]
    public void The_system_zlib_compresses_every_demo_licence_as_small_as_SharpZipLib_and_SharpZipLib_reads_it_back(string node, string typeCode)
    {
        var licence = Samples.DemoLicences.Create(Province.FromNodeId(node), LicenceTypeCatalogue.Shipped.Get(LicenceTypeCode.Parse(typeCode)));
        var issuer = SampleKeys.IssuerOf(licence);
        var text = CredentialWriter.Write(CredentialClaims.Create(licence, TestClock.SignedAt, Credentials.Status()), issuer.Key, issuer.Certificate.Kid, CredentialEncoding.Lt2).QrText;
        var cose = CredentialReader.Read(text).Credential!.CoseBytes.ToArray();

        var written = Zlib.Compress(cose, PresetDictionary.One);

        var sharpZipLib = new ICSharpCode.SharpZipLib.Zip.Compression.Deflater(ICSharpCode.SharpZipLib.Zip.Compression.Deflater.BEST_COMPRESSION);
        sharpZipLib.SetDictionary(PresetDictionary.One.ToArray());
        sharpZipLib.SetInput(cose);
        sharpZipLib.Finish();
        var buffer = new byte[4096];
        var before = sharpZipLib.Deflate(buffer);
        Assert.True(sharpZipLib.IsFinished);
        Assert.True(written.Length <= before, $"system zlib {written.Length} bytes, SharpZipLib {before}");

        Assert.Equal(Zlib.Outcome.Ok, Zlib.TryDecompress(written, 4096, presetDictionary: true, out var inflated, out var dictionary, out var error));
        Assert.Same(PresetDictionary.One, dictionary);
        Assert.Equal(cose, inflated);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public void A_type_outside_the_fixed_tables_carries_its_name_and_text_attribute_keys()
    {
        var demo = ALicence.OfType(SampleLicenceTypes.FoodBusinessPermit).In(SampleProvinces.Sichuan).Build();
        var other = Licence.Create(LicenceIdentifier.Create(LicenceTypeCode.Parse("11100000MB0100001D003"), UnifiedSocialCreditCode.Parse(demo.AuthorityCode), "20250001"),
            "药品经营许可证", "川AA0280001", demo.Holder, demo.AuthorityName, demo.AreaCode, demo.IssueDate, demo.ValidFrom, null,
            new Dictionary<string, string> { ["category"] = "批发", ["scope"] = "中药饮片" });

        var read = RoundTrip(other);

        AssertSame(other, read);
        Assert.Null(read.ValidTo);
    }

    [Fact]
    public void Version_and_a_valid_from_after_the_issue_date_are_carried_and_a_licence_name_other_than_the_types_is_kept()
    {
        var demo = ALicence.OfType(SampleLicenceTypes.BusinessLicence).Valid(new DateOnly(2026, 3, 1), new DateOnly(2036, 2, 28)).Build();
        var licence = Licence.Create(demo.Identifier.NextVersion().NextVersion(), "营业执照（副本）", demo.Number, demo.Holder, demo.AuthorityName, demo.AreaCode,
            demo.IssueDate.AddDays(-3), demo.ValidFrom, demo.ValidTo, demo.Attributes);

        var read = RoundTrip(licence);

        AssertSame(licence, read);
        Assert.Equal(3, read.Identifier.Version);
    }

    [Theory]
    [InlineData(null, true, CredentialEncoding.Lt2)]
    [InlineData("", true, CredentialEncoding.Lt2)]
    [InlineData("LT2", true, CredentialEncoding.Lt2)]
    [InlineData(" lt1 ", true, CredentialEncoding.Lt1)]
    [InlineData("LT3", false, CredentialEncoding.Lt2)]
    [InlineData("2", false, CredentialEncoding.Lt2)]
    public void A_format_setting_names_LT2_or_LT1_and_nothing_else(string? text, bool known, CredentialEncoding expected)
    {
        Assert.Equal(known, CredentialFormat.TryParseEncoding(text, out var encoding));
        Assert.Equal(expected, encoding);
    }

    [Fact]
    public void LT1_needs_the_status_URI_and_LT2_the_list_number()
    {
        var licence = ALicence.OfType(SampleLicenceTypes.BusinessLicence).Build();
        var issuer = SampleKeys.IssuerOf(licence);
        Assert.Throws<ArgumentException>(() => CredentialWriter.Write(CredentialClaims.Create(licence, TestClock.SignedAt, new StatusReference(1, "https://x.example/s/1")), issuer.Key, issuer.Certificate.Kid, CredentialEncoding.Lt2));
        Assert.Throws<ArgumentException>(() => CredentialWriter.Write(CredentialClaims.Create(licence, TestClock.SignedAt, new StatusReference(1, null, 1)), issuer.Key, issuer.Certificate.Kid, CredentialEncoding.Lt1));
        Assert.Throws<ArgumentException>(() => CredentialClaims.Create(licence, TestClock.SignedAt, new StatusReference(1, null)));
    }

    [Fact]
    public void The_dictionary_is_the_published_file_and_its_hash_and_id_are_in_the_docs()
    {
        var file = File.ReadAllBytes(Path.Combine(RepositoryPaths.Schemas, "lt2-dictionary-1.bin"));
        Assert.Equal(file, PresetDictionary.One.ToArray());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), PresetDictionary.One.Sha256);
        Assert.True(file.Length < 32_768 - 262, "deflate can use only the last 32 KiB less its look-ahead");
        Assert.Equal($"{PresetDictionary.One.Sha256}  lt2-dictionary-1.bin", File.ReadAllText(Path.Combine(RepositoryPaths.Schemas, "lt2-dictionary-1.bin.sha256")).TrimEnd());
        var format = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "format.md"));
        Assert.Contains(PresetDictionary.One.Sha256, format, StringComparison.Ordinal);
        Assert.Contains($"{PresetDictionary.One.Adler32:x8}", format, StringComparison.Ordinal);
    }

    [Fact]
    public void The_attribute_key_table_and_the_implied_names_agree_with_the_shipped_catalogue()
    {
        foreach (var (type, keys) in CredentialFormat.Lt2.AttributeKeys)
        {
            var entry = LicenceTypeCatalogue.Shipped.Get(LicenceTypeCode.Parse(type));
            Assert.Equal(entry.Attributes.Select(a => a.Key), keys);
            Assert.True(CredentialFormat.ImpliedTypeNames.ContainsKey(type));
        }
    }

    [Fact]
    public void A_back_reference_before_the_dictionary_and_output_is_refused_as_zlib_refuses_it()
    {
        var data = System.Text.Encoding.UTF8.GetBytes("有限责任公司有限责任公司市场监督管理局");
        var zlib = Zlib.Compress(data, PresetDictionary.One);
        var body = zlib.AsSpan(6, zlib.Length - 10);

        Assert.True(DeflateExtent.TryMeasure(body, PresetDictionary.One.Length, out var length, out _));
        Assert.Equal(body.Length, length);
        // The same deflate data without the dictionary reaches back before its start.
        Assert.False(DeflateExtent.TryMeasure(body, 0, out _, out _));
        Assert.Equal(Zlib.Outcome.Ok, Zlib.TryDecompress(zlib, 1024, presetDictionary: true, out var output, out var dictionary, out _));
        Assert.Equal(data, output);
        Assert.Same(PresetDictionary.One, dictionary);
    }

    /// <summary>Field by field (a licence's attributes are a dictionary, which records compare by reference).</summary>
    private static void AssertSame(Licence expected, Licence actual)
    {
        Assert.Equal((expected.Identifier, expected.Name, expected.Number, expected.Holder, expected.AuthorityName, expected.AreaCode, expected.IssueDate, expected.ValidFrom, expected.ValidTo),
            (actual.Identifier, actual.Name, actual.Number, actual.Holder, actual.AuthorityName, actual.AreaCode, actual.IssueDate, actual.ValidFrom, actual.ValidTo));
        Assert.Equal(expected.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal), actual.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal));
    }

    /// <summary>The deflater and inflater are reused per thread (Zlib): output depends on the input alone, and a broken stream leaves nothing behind.</summary>
    [Fact]
    public void The_reused_deflater_and_inflater_give_the_same_output_after_other_and_broken_streams()
    {
        var a = System.Text.Encoding.UTF8.GetBytes("重庆市市场监督管理局 重庆山城火锅餐饮管理有限公司 有限责任公司");
        var b = new byte[5000];
        new Random(18).NextBytes(b);
        var first = Zlib.Compress(a, PresetDictionary.One);
        Zlib.Compress(b, PresetDictionary.One);
        Assert.Equal(first, Zlib.Compress(a, PresetDictionary.One));

        var broken = (byte[])first.Clone();
        broken[8] ^= 0x55;
        Zlib.TryDecompress(broken, 1024, presetDictionary: true, out _, out _, out _);
        Zlib.TryDecompress(first[..^3], 1024, presetDictionary: true, out _, out _, out _);
        Assert.Equal(Zlib.Outcome.TooLarge, Zlib.TryDecompress(Zlib.Compress(new byte[100_000], PresetDictionary.One), 1024, presetDictionary: true, out _, out _, out _));
        Assert.Equal(Zlib.Outcome.Ok, Zlib.TryDecompress(first, 1024, presetDictionary: true, out var output, out _, out _));
        Assert.Equal(a, output);
    }

    private static Licence RoundTrip(Licence licence)
    {
        var issuer = SampleKeys.IssuerOf(ALicence.OfType(SampleLicenceTypes.FoodBusinessPermit).In(licence.Province).Build());
        var text = CredentialWriter.Write(CredentialClaims.Create(licence, TestClock.SignedAt, Credentials.Status()), issuer.Key, issuer.Certificate.Kid, CredentialEncoding.Lt2).QrText;
        var read = CredentialReader.Read(text);
        Assert.True(read.IsSuccess, read.ToString());
        return read.Credential!.Claims.Licence;
    }
}
