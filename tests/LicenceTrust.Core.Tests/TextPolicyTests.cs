using LicenceTrust.Core.Text;

namespace LicenceTrust.Core.Tests;

/// <summary>The text policy, code point by code point: what is refused, as what, and where.</summary>
public class TextPolicyTests
{
    public static TheoryData<string, int, TextViolationKind> Refused => new()
    {
        { "重庆\u0000示例公司", 0x0000, TextViolationKind.Control },
        { "重庆\t示例", 0x0009, TextViolationKind.Control },
        { "重庆\n示例", 0x000A, TextViolationKind.Control },
        { "重庆\r示例", 0x000D, TextViolationKind.Control },
        { "A\u007FB", 0x007F, TextViolationKind.Control },
        { "A\u0085B", 0x0085, TextViolationKind.Control },
        { "A\u009FB", 0x009F, TextViolationKind.Control },
        { "A\u2028B", 0x2028, TextViolationKind.Control },
        { "A\u2029B", 0x2029, TextViolationKind.Control },
        { "重庆\u202E司公限有技科\u202C示例", 0x202E, TextViolationKind.Bidi },
        { "A\u202AB", 0x202A, TextViolationKind.Bidi },
        { "A\u202BB", 0x202B, TextViolationKind.Bidi },
        { "A\u202CB", 0x202C, TextViolationKind.Bidi },
        { "A\u202DB", 0x202D, TextViolationKind.Bidi },
        { "A\u2066B", 0x2066, TextViolationKind.Bidi },
        { "A\u2067B", 0x2067, TextViolationKind.Bidi },
        { "A\u2068B", 0x2068, TextViolationKind.Bidi },
        { "A\u2069B", 0x2069, TextViolationKind.Bidi },
        { "A\u200EB", 0x200E, TextViolationKind.Bidi },
        { "A\u200FB", 0x200F, TextViolationKind.Bidi },
        { "A\u061CB", 0x061C, TextViolationKind.Bidi },
        { "赵\u200B六", 0x200B, TextViolationKind.Invisible },
        { "赵\u200C六", 0x200C, TextViolationKind.Invisible },
        { "赵\u200D六", 0x200D, TextViolationKind.Invisible },
        { "赵\uFEFF六", 0xFEFF, TextViolationKind.Invisible },
        { "赵\u2060六", 0x2060, TextViolationKind.Invisible },
        { "赵\u00AD六", 0x00AD, TextViolationKind.Invisible },
        { "tag\U000E0041", 0xE0041, TextViolationKind.Invisible },
        { "赵\u0378六", 0x0378, TextViolationKind.Unassigned },
        { "赵\uFFFF六", 0xFFFF, TextViolationKind.Unassigned },
        { "赵\uFDD0六", 0xFDD0, TextViolationKind.Unassigned },
        { "赵\U0010FFFE", 0x10FFFE, TextViolationKind.Unassigned },
        { "赵\uE000六", 0xE000, TextViolationKind.PrivateUse },
        { "赵\U000F0000", 0xF0000, TextViolationKind.PrivateUse },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Each_class_is_refused_at_its_code_point(string text, int codePoint, TextViolationKind kind)
    {
        var violation = TextPolicy.FindViolation(text);

        Assert.NotNull(violation);
        Assert.Equal(codePoint, violation.Value.CodePoint);
        Assert.Equal(kind, violation.Value.Kind);
        Assert.Equal(text.Length - text.TrimStart("重庆赵AtagAB".ToCharArray()).Length, violation.Value.Index);
        Assert.True(TextPolicy.IsSuspicious(text));
    }

    [Fact]
    public void A_lone_surrogate_is_refused_as_unassigned()
    {
        // Not in the theory: xUnit's display of theory data replaces lone surrogates with U+FFFD.
        Assert.Equal(new TextViolation(0xD800, 1, TextViolationKind.Unassigned), TextPolicy.FindViolation("赵\uD800六"));
        Assert.Equal(new TextViolation(0xDC00, 1, TextViolationKind.Unassigned), TextPolicy.FindViolation("赵\uDC00"));
        Assert.Equal("赵[U+D800]六", TextPolicy.Reveal("赵\uD800六"));
    }

    [Theory]
    [InlineData("重庆示例科技有限公司")]
    [InlineData("Zhao Liu-Smith, O'Brien & Co. (No.1)")]
    [InlineData("𠀀𪚥 生僻字 (CJK Ext. B, surrogate pairs)")]
    [InlineData("葛\U000E0100")] // an ideographic variation sequence: a variation selector is a mark, not a format character
    [InlineData("重庆　示例")] // U+3000 ideographic space
    [InlineData("Müller Ærø Łódź")]
    [InlineData("ئۇيغۇر")] // Uyghur in Arabic script
    [InlineData("می\u200Cخواهم")] // Persian ZWNJ between two Arabic letters
    [InlineData("क्\u200Dष")] // Devanagari ZWJ after a virama
    public void Ordinary_names_in_any_script_pass(string text) => Assert.Null(TextPolicy.FindViolation(text));

    [Fact]
    public void A_joiner_between_letters_of_different_scripts_is_refused() =>
        Assert.Equal(0x200D, TextPolicy.FindViolation("ب\u200Dक")?.CodePoint);

    [Fact]
    public void Text_is_normalised_to_NFC()
    {
        Assert.Equal("Caf\u00E9", TextPolicy.Normalise("Cafe\u0301"));
        Assert.Equal("\uD800", TextPolicy.Normalise("\uD800"));
    }

    [Theory]
    [InlineData("重庆示例", 4)]
    [InlineData("𠀀𪚥", 2)]
    [InlineData("Cafe\u0301", 4)]
    [InlineData("👨‍👩‍👧", 1)]
    [InlineData("abc", 3)]
    public void Length_counts_what_a_reader_sees_as_characters(string text, int length) => Assert.Equal(length, TextPolicy.Length(text));

    [Fact]
    public void Reveal_writes_every_refused_code_point_visibly_and_keeps_the_rest()
    {
        Assert.Equal("重庆[U+202E]司公限有技科[U+202C]示例", TextPolicy.Reveal("重庆\u202E司公限有技科\u202C示例"));
        Assert.Equal("A[U+0000]B[U+E0041]", TextPolicy.Reveal("A\u0000B\U000E0041"));
        Assert.Equal("clean", TextPolicy.Reveal("clean"));
    }

    [Fact]
    public void Quote_keeps_a_short_safe_prefix()
    {
        var quoted = TextPolicy.Quote(new string('x', 5000) + "\u202E");
        Assert.Equal(new string('x', 32) + "…", quoted);
        Assert.Equal("ab[U+202E]c", TextPolicy.Quote("ab\u202Ec"));
        Assert.Equal(string.Empty, TextPolicy.Quote(null));
    }
}
