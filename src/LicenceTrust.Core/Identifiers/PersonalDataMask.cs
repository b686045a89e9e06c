namespace LicenceTrust.Core.Identifiers;

/// <summary>Masks personal identifiers before they leave the node (docs/format.md: minimal disclosure).</summary>
public static class PersonalDataMask
{
    /// <summary>
    /// Keeps the 6-digit division code and the last 4 characters of an 18-character citizen ID:
    /// <c>510104********1234</c>. Shorter inputs are masked whole but for their last 2 characters.
    /// </summary>
    public static string MaskCitizenId(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length == 18
            ? string.Concat(value.AsSpan(0, 6), new string('*', 8), value.AsSpan(14, 4))
            : MaskDocumentNumber(value);
    }

    /// <summary>Keeps only the last 2 characters of a passport or other document number: <c>*******12</c>.</summary>
    public static string MaskDocumentNumber(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length <= 2 ? new string('*', value.Length) : new string('*', value.Length - 2) + value[^2..];
    }

    /// <summary>Keeps the first character of a person's name: <c>张**</c> (public verification answers).</summary>
    public static string MaskPersonName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = System.Globalization.StringInfo.GetNextTextElementLength(value) is var first and > 0 ? value[..first] : string.Empty;
        return text + new string('*', Math.Max(1, new System.Globalization.StringInfo(value).LengthInTextElements - 1));
    }
}
