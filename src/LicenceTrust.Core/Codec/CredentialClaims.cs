using LicenceTrust.Core.Licences;

namespace LicenceTrust.Core.Codec;

/// <summary>
/// Where a licence's status is kept: an index into a status list (IETF Token Status List). LT1 carries the
/// list's URI; LT2 carries the list's number, and the URI comes from the issuing node's signed trust list
/// (<see cref="Status.StatusUriTemplate"/>). A writer may know both.
/// </summary>
/// <param name="Index">The slot, 0 ≤ index &lt; list size.</param>
/// <param name="Uri">The status list's URI, when known (always in LT1).</param>
/// <param name="List">The status list's number at its node, when known (always in LT2).</param>
public sealed record StatusReference(long Index, string? Uri, int? List = null)
{
    /// <summary>Longest URI accepted (characters); URIs are kept short for the QR.</summary>
    public const int MaxUriLength = 120;

    /// <summary>The list's URI: the carried one, else the list number put into the issuing node's template; null when neither is there.</summary>
    public string? ResolveUri(string? template) =>
        Uri ?? (List is { } list && template is not null ? Status.StatusUriTemplate.Expand(template, list) : null);
}

/// <summary>
/// The CWT claims a credential carries (RFC 8392 plus LicenceTrust's licence claim and the status
/// claim). <see cref="NotBefore"/> and <see cref="Expires"/> are derived from the licence's validity
/// dates in China Standard Time (UTC+8), so the claims and the licence cannot disagree.
/// </summary>
public sealed record CredentialClaims
{
    /// <summary>China Standard Time, in which licence dates are written.</summary>
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private CredentialClaims(Licence licence, DateTimeOffset issuedAt, StatusReference status)
    {
        Licence = licence;
        IssuedAt = issuedAt;
        Status = status;
    }

    /// <summary>The licence, with personal codes masked.</summary>
    public Licence Licence { get; }

    /// <summary><c>iss</c>: the issuing authority code.</summary>
    public string Issuer => Licence.AuthorityCode;

    /// <summary><c>iat</c>: when the credential was signed (whole seconds).</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary><c>nbf</c>: 00:00 CST of the first valid day.</summary>
    public DateTimeOffset NotBefore => StartOfDay(Licence.ValidFrom);

    /// <summary><c>exp</c>: 00:00 CST of the day after the last valid day; null for a long-term licence.</summary>
    public DateTimeOffset? Expires => Licence.ValidTo is { } to ? StartOfDay(to.AddDays(1)) : null;

    /// <summary>The <c>status</c> claim.</summary>
    public StatusReference Status { get; }

    /// <summary>Claims for a licence; its personal codes are masked here, so no full ID reaches a QR code.</summary>
    public static CredentialClaims Create(Licence licence, DateTimeOffset issuedAt, StatusReference status)
    {
        ArgumentNullException.ThrowIfNull(licence);
        ArgumentNullException.ThrowIfNull(status);
        if (status.Index < 0 || (status.Uri is null && status.List is null) || status.Uri?.Length is 0 or > StatusReference.MaxUriLength || status.List < 0)
        {
            throw new ArgumentException("The status reference needs an index ≥ 0 and a URI of 1-120 characters or a list number ≥ 0.", nameof(status));
        }

        return new CredentialClaims(licence.Disclosed(), DateTimeOffset.FromUnixTimeSeconds(issuedAt.ToUnixTimeSeconds()), status);
    }

    private static DateTimeOffset StartOfDay(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), ChinaOffset);
}
