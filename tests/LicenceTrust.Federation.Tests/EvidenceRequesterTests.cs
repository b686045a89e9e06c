using LicenceTrust.Core.Results;
using LicenceTrust.Sharing;

namespace LicenceTrust.Federation.Tests;

/// <summary>What a window's node does to its own texts before it signs them into an evidence request (docs/federation.md §9.3).</summary>
public class EvidenceRequesterTests
{
    [Theory]
    [InlineData("wang.xiao", "w******ao")]
    [InlineData("partner-window-system/clerk-0001", "p********01")]
    [InlineData("李四", "**")]
    [InlineData("张三丰", "***")]
    [InlineData("欧阳晓明", "欧*晓明")]
    public void The_officer_is_masked_to_the_first_character_and_the_last_two(string officer, string masked) =>
        Assert.Equal(masked, EvidenceRequester.Mask(officer));

    [Fact]
    public void A_name_with_a_character_outside_the_BMP_is_masked_whole_characters_never_half_of_one()
    {
        // U+20000 (𠀀) is one character in two UTF-16 code units; half of it would be a lone surrogate the peer refuses.
        var masked = EvidenceRequester.Mask("\U00020000小明同志\U00020001");

        Assert.Equal("\U00020000***志\U00020001", masked);
        Assert.Null(Core.Text.TextPolicy.FindViolation(masked));
    }

    [Theory]
    [InlineData("SC-2026\u202E000101", "U+202E")]
    [InlineData("SC-2026\u0000", "U+0000")]
    [InlineData("SC\u200B-2026", "U+200B")]
    [InlineData("SC-\uE000", "U+E000")]
    public void A_text_the_text_policy_refuses_is_refused_before_it_is_signed(string caseNumber, string codePoint)
    {
        var refused = Assert.Throws<LicenceTrustException>(() => EvidenceRequester.Text(caseNumber, "caseNumber", "办件编号"));

        Assert.Equal(("TEXT_CHARACTER_NOT_ALLOWED", "caseNumber", codePoint), (refused.Error.Code, refused.Error.Field, refused.Error.CodePoint));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void An_empty_or_overlong_text_is_FIELD_INVALID(string? value)
    {
        Assert.Equal("FIELD_INVALID", Assert.Throws<LicenceTrustException>(() => EvidenceRequester.Text(value, "purpose", "用途")).Error.Code);
        Assert.Equal("FIELD_INVALID", Assert.Throws<LicenceTrustException>(() => EvidenceRequester.Text(new string('案', 101), "purpose", "用途")).Error.Code);
    }

    [Fact]
    public void A_clean_text_is_trimmed_and_put_in_NFC()
    {
        // "e" + a combining acute accent becomes one é (U+00E9): what is signed is what the policy counts.
        Assert.Equal("Caf\u00e9 SC-1", EvidenceRequester.Text("  Cafe\u0301 SC-1 ", "caseNumber", "办件编号"));
    }
}
