using System.Globalization;

namespace LicenceTrust.Core.Status;

/// <summary>
/// The URI template of a node's status lists, carried in its signed trust list (docs/federation.md): the
/// one placeholder <c>{list}</c> is replaced by a list number in decimal. LT2 credentials carry only the
/// number (docs/format.md §12.2), so the trust list, signed under the province's root, says where the list is.
/// </summary>
public static class StatusUriTemplate
{
    public const string Placeholder = "{list}";

    /// <summary>The template of status lists whose URI is <paramref name="baseUri"/> followed by the number.</summary>
    public static string FromBase(string baseUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(baseUri);
        return baseUri + Placeholder;
    }

    /// <summary>True for an absolute http(s) template with exactly one placeholder that expands within the URI length cap.</summary>
    public static bool IsValid(string? template) =>
        template is not null
        && template.IndexOf(Placeholder, StringComparison.Ordinal) is var at and >= 0
        && template.IndexOf(Placeholder, at + 1, StringComparison.Ordinal) < 0
        && template.Length - Placeholder.Length + 10 <= Codec.StatusReference.MaxUriLength
        && Uri.TryCreate(Expand(template, 0), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    public static string Expand(string template, int list)
    {
        ArgumentNullException.ThrowIfNull(template);
        return template.Replace(Placeholder, list.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
