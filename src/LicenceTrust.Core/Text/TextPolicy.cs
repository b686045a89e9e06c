using System.Globalization;
using System.Text;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Core.Text;

/// <summary>Why a code point may not stand in signed or stored text.</summary>
public enum TextViolationKind
{
    /// <summary>A C0 or C1 control (NUL, TAB, CR, LF, U+007F–U+009F …), or a line or paragraph separator.</summary>
    Control,

    /// <summary>A bidirectional control that reorders what a reader sees: U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C.</summary>
    Bidi,

    /// <summary>A zero-width or invisible format character: U+200B–U+200D, U+2060, U+FEFF and every other format (Cf) character.</summary>
    Invisible,

    /// <summary>A code point Unicode has not assigned (noncharacters included) or a lone surrogate.</summary>
    Unassigned,

    /// <summary>A private-use code point: its glyph depends on the font of whoever reads it.</summary>
    PrivateUse,
}

/// <summary>The first code point of a text that the policy refuses.</summary>
/// <param name="CodePoint">The code point, e.g. 0x202E.</param>
/// <param name="Index">Its UTF-16 offset in the text.</param>
/// <param name="Kind">Why it is refused.</param>
public readonly record struct TextViolation(int CodePoint, int Index, TextViolationKind Kind)
{
    /// <summary>The code point as people quote it: <c>U+202E</c>, <c>U+0000</c>, <c>U+1F600</c>.</summary>
    public string Notation => TextPolicy.Notation(CodePoint);
}

/// <summary>
/// The one policy for every text that is signed into a licence or stored by a node (names, numbers,
/// codes, attributes, reasons, officer and staff names). See docs/api.md, "Text policy":
/// <list type="bullet">
/// <item>text is normalised to NFC before it is checked, counted or signed;</item>
/// <item>C0 and C1 controls (NUL, TAB, CR, LF included), U+2028 and U+2029 are refused;</item>
/// <item>bidi controls and zero-width or other format (Cf) characters are refused, except U+200C
/// and U+200D between two letters of a script that needs joining controls (Arabic, Syriac,
/// Mongolian, the Indic scripts, Tibetan);</item>
/// <item>unassigned code points, noncharacters, lone surrogates and private-use code points are
/// refused (GB 18030-2022 gives rare characters in names standard code points);</item>
/// <item>lengths are counted in text elements (what a reader sees as one character).</item>
/// </list>
/// Pure functions; thread-safe.
/// </summary>
public static class TextPolicy
{
    /// <summary>
    /// <paramref name="value"/> in NFC. Text that is not valid UTF-16 (a lone surrogate) cannot be
    /// normalised and is returned unchanged, for <see cref="FindViolation"/> to refuse.
    /// </summary>
    public static string Normalise(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        try
        {
            return value.IsNormalized(NormalizationForm.FormC) ? value : value.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return value;
        }
    }

    /// <summary>The first code point the policy refuses, or null when the text is clean.</summary>
    public static TextViolation? FindViolation(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            // Fast path: printable ASCII and the CJK Unified Ideographs are always allowed.
            if (c is >= ' ' and < '\u007F' or >= '\u4E00' and <= '\u9FFF')
            {
                continue;
            }

            int codePoint;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                codePoint = char.ConvertToUtf32(c, value[i + 1]);
            }
            else if (char.IsSurrogate(c))
            {
                return new TextViolation(c, i, TextViolationKind.Unassigned);
            }
            else
            {
                codePoint = c;
            }

            if (Classify(codePoint) is { } kind && !(kind == TextViolationKind.Invisible && IsJoinerInContext(value, i, codePoint)))
            {
                return new TextViolation(codePoint, i, kind);
            }

            if (codePoint > 0xFFFF)
            {
                i++;
            }
        }

        return null;
    }

    /// <summary>
    /// The one check for every text the product signs or stores (a licence's fields, a reason, an officer's
    /// name, a withdrawal's reason, docs/api.md "Text policy"): the value in NFC, or TEXT_CHARACTER_NOT_ALLOWED
    /// naming the field and the code point. Null stays null (a missing field is the caller's to judge).
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    public static string? Clean(string? value, string field)
    {
        if (value is null)
        {
            return null;
        }

        var normalised = Normalise(value);
        return FindViolation(normalised) is { } violation
            ? throw new LicenceTrustException(new LicenceTrustError(ErrorKind.Validation, "TEXT_CHARACTER_NOT_ALLOWED",
                $"{field}含有不允许的字符{violation.Notation}（{KindZh(violation.Kind)}）({field} contains {violation.Notation}, {KindEn(violation.Kind)}, which is not allowed).",
                field, violation.Notation))
            : normalised;
    }

    private static string KindZh(TextViolationKind kind) => kind switch
    {
        TextViolationKind.Control => "控制字符",
        TextViolationKind.Bidi => "双向文字控制字符",
        TextViolationKind.Invisible => "不可见字符",
        TextViolationKind.PrivateUse => "私用区字符，请使用GB 18030-2022标准编码",
        _ => "未分配的码位",
    };

    private static string KindEn(TextViolationKind kind) => kind switch
    {
        TextViolationKind.Control => "a control character",
        TextViolationKind.Bidi => "a bidirectional control",
        TextViolationKind.Invisible => "an invisible character",
        TextViolationKind.PrivateUse => "a private-use code point (use the GB 18030-2022 standard code point)",
        _ => "an unassigned code point",
    };

    /// <summary>True when the text holds anything the policy refuses (for text already signed elsewhere).</summary>
    public static bool IsSuspicious(string? value) => value is not null && FindViolation(value) is not null;

    /// <summary>The length as a reader counts it: text elements (a base character with its combining marks, a surrogate pair, one emoji sequence).</summary>
    public static int Length(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.All(c => c < '\u0300') ? value.Length : new StringInfo(value).LengthInTextElements;
    }

    /// <summary><c>U+XXXX</c> (at least 4 hex digits) for a code point.</summary>
    public static string Notation(int codePoint) => string.Create(CultureInfo.InvariantCulture, $"U+{codePoint:X4}");

    /// <summary>
    /// The text with every refused code point written visibly as <c>[U+XXXX]</c>, so that it can be shown
    /// without being interpreted (a bidi override shown this way reorders nothing).
    /// </summary>
    public static string Reveal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (FindViolation(value) is null)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 16);
        var rest = value;
        while (FindViolation(rest) is { } violation)
        {
            builder.Append(rest, 0, violation.Index).Append('[').Append(violation.Notation).Append(']');
            rest = rest[(violation.Index + (violation.CodePoint > 0xFFFF ? 2 : 1))..];
        }

        return builder.Append(rest).ToString();
    }

    /// <summary>
    /// A short, safe quotation of untrusted input for an error message: at most <paramref name="max"/>
    /// text elements, refused code points revealed, and "…" when cut.
    /// </summary>
    public static string Quote(string? value, int max = 32)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var head = value.Length > max * 2 ? value[..(max * 2)] : value;
        if (head.Length > 0 && char.IsHighSurrogate(head[^1]))
        {
            head = head[..^1];
        }

        var elements = StringInfo.GetTextElementEnumerator(head);
        var kept = new StringBuilder();
        var count = 0;
        while (elements.MoveNext() && count < max)
        {
            kept.Append(elements.GetTextElement());
            count++;
        }

        var cut = kept.Length < value.Length;
        return Reveal(kept.ToString()) + (cut ? "…" : string.Empty);
    }

    private static TextViolationKind? Classify(int codePoint)
    {
        if (codePoint is 0x202A or 0x202B or 0x202C or 0x202D or 0x202E or 0x2066 or 0x2067 or 0x2068 or 0x2069 or 0x200E or 0x200F or 0x061C)
        {
            return TextViolationKind.Bidi;
        }

        if ((codePoint & 0xFFFE) == 0xFFFE || codePoint is >= 0xFDD0 and <= 0xFDEF)
        {
            return TextViolationKind.Unassigned;
        }

        return CharUnicodeInfo.GetUnicodeCategory(codePoint) switch
        {
            UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => TextViolationKind.Control,
            UnicodeCategory.Format => TextViolationKind.Invisible,
            UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate => TextViolationKind.Unassigned,
            UnicodeCategory.PrivateUse => TextViolationKind.PrivateUse,
            _ => null,
        };
    }

    /// <summary>
    /// ZWNJ (U+200C) and ZWJ (U+200D) change how letters join in Arabic, Syriac, Mongolian, Tibetan and
    /// the Indic scripts (a name in Uyghur or Hindi may need them). They are accepted only between two
    /// letters or marks of one of those scripts, where they cannot hide or reorder anything.
    /// </summary>
    private static bool IsJoinerInContext(string value, int index, int codePoint)
    {
        if (codePoint is not (0x200C or 0x200D) || index == 0 || index + 1 >= value.Length)
        {
            return false;
        }

        return JoiningScript(value[index - 1]) is { } before && JoiningScript(value[index + 1]) == before;
    }

    private static int? JoiningScript(char c)
    {
        int? script = c switch
        {
            >= '\u0600' and <= '\u06FF' or >= '\u0750' and <= '\u077F' or >= '\u08A0' and <= '\u08FF' => 1, // Arabic
            >= '\u0700' and <= '\u074F' => 2, // Syriac
            >= '\u1800' and <= '\u18AF' => 3, // Mongolian
            >= '\u0900' and <= '\u0DFF' => 4, // Devanagari … Sinhala
            >= '\u0F00' and <= '\u0FFF' => 5, // Tibetan
            _ => null,
        };
        return script is not null && char.GetUnicodeCategory(c) is UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            ? script
            : null;
    }
}
