using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Trust;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Core.Tests;

/// <summary>Evidence exchange's two rules in Core: the holder's home province from the holder's code, and the signed request (docs/federation.md §9).</summary>
public class EvidenceRequestTests
{
    private static readonly KeyStore.ProvinceKeys Sichuan = SampleKeys.Of(SampleProvinces.Sichuan);
    private static readonly KeyStore.ProvinceKeys Chongqing = SampleKeys.Of(SampleProvinces.Chongqing);

    private static EvidenceRequest Request(string? consent = "12345678") => new(SampleProvinces.Sichuan, new string('a', 32), TestClock.Now, "w******ow", "SC-2026-000001",
        "CYTB-RS-0301", "500103198001010016", ["11100000MB0300003Q001"], consent, "专业技术人才跨区域流动资格确认");

    [Theory]
    [InlineData("91500103MA5000041Y", "cq", false)]
    [InlineData(" 91510104ma6000001k ", "sc", false)]
    [InlineData("510104198001010014", "sc", true)]
    [InlineData("500103198001010024", "cq", true)]
    public void The_home_province_follows_from_a_credit_code_or_a_citizen_ID(string code, string province, bool personal)
    {
        var home = HolderHome.Of(code);

        Assert.Equal((province, personal), (home.Province.NodeId, home.Personal));
        Assert.Equal(personal ? "********" : code.Trim().ToUpperInvariant()[6..14], home.Masked[6..14]);
    }

    [Theory]
    [InlineData("91500103MA5000041A", "HOLDER_CODE_INVALID")]
    [InlineData("500103198001010018", "HOLDER_CODE_INVALID")]
    [InlineData("500103198013010016", "HOLDER_CODE_INVALID")]
    [InlineData("E00000042", "HOLDER_CODE_INVALID")]
    [InlineData("", "HOLDER_CODE_INVALID")]
    [InlineData(null, "HOLDER_CODE_INVALID")]
    public void A_bad_check_character_or_no_such_code_is_a_clear_problem(string? code, string expected)
    {
        var refused = Assert.Throws<LicenceTrustException>(() => HolderHome.Of(code));

        Assert.Equal(expected, refused.Error.Code);
        Assert.Equal("holderCode", refused.Error.Field);
    }

    [Fact]
    public void A_code_of_a_region_outside_the_registry_is_HOLDER_REGION_UNKNOWN()
    {
        // A citizen ID whose check character is right for region 990101, which is no province.
        var body = "99010119800101001";
        var code = body + Iso7064.Mod11_2(body);

        Assert.Equal("HOLDER_REGION_UNKNOWN", Assert.Throws<LicenceTrustException>(() => HolderHome.Of(code)).Error.Code);
    }

    [Theory]
    [InlineData("12345678")]
    [InlineData(null)]
    public void A_request_reads_back_under_its_province_root(string? consent)
    {
        var signed = Request(consent).Sign(Sichuan.ListSigner!.Key, Sichuan.ListSigner.CertificateDer);

        var read = EvidenceRequest.TryRead(signed, Sichuan.Root, out var error);

        Assert.True(read is not null, error);
        Assert.Equal(SampleProvinces.Sichuan, EvidenceRequest.ClaimedProvince(signed));
        Assert.Equal((Request(consent).Id, Request(consent).Holder, consent), (read.Id, read.Holder, read.Consent));
        Assert.Equal(Request().Types, read.Types);
    }

    [Fact]
    public void A_request_signed_by_another_province_or_altered_is_refused()
    {
        var forged = Request().Sign(Chongqing.ListSigner!.Key, Chongqing.ListSigner.CertificateDer);
        var signed = Request().Sign(Sichuan.ListSigner!.Key, Sichuan.ListSigner.CertificateDer);
        var altered = (byte[])signed.Clone();
        altered[altered.Length / 2] ^= 0x01;

        Assert.Null(EvidenceRequest.TryRead(forged, Sichuan.Root, out _));
        Assert.Null(EvidenceRequest.TryRead(altered, Sichuan.Root, out var error));
        Assert.NotEqual(string.Empty, error);
    }

    [Theory]
    [InlineData("officer")]
    [InlineData("caseNumber")]
    [InlineData("matter")]
    [InlineData("holderCode")]
    [InlineData("types")]
    [InlineData("consentCode")]
    [InlineData("purpose")]
    public void A_request_whose_text_holds_a_character_the_text_policy_refuses_is_refused_naming_the_field(string field)
    {
        const string Spoof = "SC-2026\u202E100000";
        var clean = Request();
        var request = field switch
        {
            "officer" => clean with { Officer = Spoof },
            "caseNumber" => clean with { CaseNumber = Spoof },
            "matter" => clean with { Matter = Spoof },
            "holderCode" => clean with { Holder = Spoof },
            "types" => clean with { Types = [clean.Types[0], Spoof] },
            "consentCode" => clean with { Consent = Spoof },
            _ => clean with { Purpose = Spoof },
        };

        clean.CheckTexts();
        var refused = Assert.Throws<LicenceTrustException>(request.CheckTexts);

        Assert.Equal(("TEXT_CHARACTER_NOT_ALLOWED", field, "U+202E"), (refused.Error.Code, refused.Error.Field, refused.Error.CodePoint));
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("aaaa")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaag")]
    public void A_signed_request_whose_id_is_not_32_lower_case_hex_digits_is_not_read(string id)
    {
        var signed = (Request() with { Id = id }).Sign(Sichuan.ListSigner!.Key, Sichuan.ListSigner.CertificateDer);

        Assert.Null(EvidenceRequest.TryRead(signed, Sichuan.Root, out var error));
        Assert.Contains("32", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_matter_catalogue_matches_its_schema()
    {
        var shipped = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "LicenceTrust.Sharing", "matters.json"));

        Assert.True(SchemaTests.IsValid("matters.schema.json", shipped));
        Assert.False(SchemaTests.IsValid("matters.schema.json", shipped.Replace("\"consent\": true", "\"consent\": \"yes\"", StringComparison.Ordinal)));
    }
}
