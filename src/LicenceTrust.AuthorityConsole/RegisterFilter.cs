using System.Globalization;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;
using Microsoft.AspNetCore.Http;

namespace LicenceTrust.AuthorityConsole;

/// <summary>The licence register's filters, as query parameters (so a filtered list is a link, and its CSV the same link).</summary>
public sealed record RegisterFilter(string? Text, string? TypeCode, LicenceStatus? Status, DateOnly? From, DateOnly? To, LicenceSort Sort, int Page)
{
    public const int PageSize = 25;

    public static RegisterFilter Parse(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        string? Get(string name) => query.TryGetValue(name, out var value) && value.ToString() is { Length: > 0 and <= 200 } text ? text.Trim() : null;
        static DateOnly? Date(string? text) => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        var status = Enum.TryParse<LicenceStatus>(Get("status"), ignoreCase: true, out var s) && Enum.IsDefined(s) ? s : (LicenceStatus?)null;
        var sort = Enum.TryParse<LicenceSort>(Get("sort"), ignoreCase: true, out var order) && Enum.IsDefined(order) ? order : LicenceSort.NewestFirst;
        var page = int.TryParse(Get("page"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 100_000 ? p : 1;
        return new RegisterFilter(Get("q"), Get("type"), status, Date(Get("from")), Date(Get("to")), sort, page);
    }

    /// <summary>The store's query; dates are days in China time, <see cref="To"/> included.</summary>
    public LicenceQuery ToQuery(int pageSize = PageSize, int? page = null) => new(null, TypeCode, Status, page ?? Page, pageSize)
    {
        Text = Text,
        IssuedFrom = From is { } from ? new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), CredentialClaims.ChinaOffset) : null,
        IssuedBefore = To is { } to ? new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), CredentialClaims.ChinaOffset) : null,
        Sort = Sort,
    };

    /// <summary>The query string of these filters (page optional), escaped.</summary>
    public string QueryString(int? page = null) => QueryText.Of(
        ("q", Text),
        ("type", TypeCode),
        ("status", Status?.WireName()),
        ("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ("sort", Sort == LicenceSort.NewestFirst ? null : Sort.ToString()),
        ("page", page is > 1 ? page.Value.ToString(CultureInfo.InvariantCulture) : null));
}
