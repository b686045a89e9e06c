using LicenceTrust.Core.Status;
using LicenceTrust.Core.Trust;

namespace LicenceTrust.Federation;

/// <summary>
/// What one node asks of another, spelled once for both sides: the paths the serving endpoints map and
/// the sync calls, the ETags of conditional requests, and the media types (docs/federation.md §2).
/// </summary>
public static class PeerProtocol
{
    /// <summary>GET: the province's signed trust list; ETag <see cref="TrustListETag"/>.</summary>
    public const string TrustListPath = "/api/v1/trust-list";

    /// <summary>GET: the index of the node's status lists (JSON: id, uri, version of each).</summary>
    public const string StatusListIndexPath = "/api/v1/status-lists";

    /// <summary>The route of one signed status list, as the serving endpoint maps it.</summary>
    public const string StatusListRoute = "/api/v1/status-lists/{list}";

    /// <summary>The route of one licence's status (live, the fallback for a stale peer).</summary>
    public const string LicenceStatusRoute = "/api/v1/licences/{identifier}/status";

    /// <summary>POST: a signed withdrawal notice.</summary>
    public const string NoticesPath = "/api/v1/federation/notices";

    /// <summary>POST: a signed change notice ("my trust list or status lists moved"), docs/federation.md §3.</summary>
    public const string ChangesPath = "/api/v1/federation/changes";

    /// <summary>The media type of a signed change notice.</summary>
    public const string ChangeNoticeMediaType = ChangeNotice.MediaType;

    /// <summary>
    /// The ETag of the status-list index: the trust-list sequence, the number of lists and the sum of their change
    /// counters. Counters only grow and lists are never taken away, so any change moves it; a peer's quiet pass is
    /// one conditional request (304).
    /// </summary>
    public static string StatusListIndexETag(long? trustListSequence, IReadOnlyList<StatusListIndexEntry> lists) =>
        $"\"i{trustListSequence ?? 0}-{lists.Count}-{lists.Sum(l => l.Version)}\"";

    /// <summary>The route of what a node holds of a province (for a restored node's start-up check).</summary>
    public const string HoldingsRoute = "/api/v1/federation/peers/{province}/holdings";

    /// <summary>The media type of a signed trust list.</summary>
    public const string TrustListMediaType = TrustListToken.MediaType;

    /// <summary>The media type of a signed status list (IETF Token Status List, CWT).</summary>
    public const string StatusListMediaType = StatusListToken.MediaType;

    /// <summary>The media type of a signed answer about one licence's status.</summary>
    public const string LicenceStatusMediaType = LicenceStatusToken.MediaType;

    /// <summary>The media type of a signed withdrawal notice.</summary>
    public const string NoticeMediaType = WithdrawalNotice.MediaType;

    public static string StatusListPath(int list) => $"/api/v1/status-lists/{list}";

    /// <summary>The number a status list's URI ends with (a node numbers its lists once, whatever its base URL), or null.</summary>
    public static int? StatusListNumber(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return int.TryParse(uri.AsSpan(uri.LastIndexOf('/') + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : null;
    }

    public static string LicenceStatusPath(string identifier) => $"/api/v1/licences/{Uri.EscapeDataString(identifier)}/status";

    public static string HoldingsPath(string province) => $"/api/v1/federation/peers/{Uri.EscapeDataString(province)}/holdings";

    /// <summary>The ETag of trust list <paramref name="sequence"/>.</summary>
    public static string TrustListETag(long sequence) => $"\"{sequence}\"";

    /// <summary>The ETag of status list <paramref name="list"/> at <paramref name="version"/>.</summary>
    public static string StatusListETag(int list, long version) => $"\"{list}-{version}\"";

    /// <summary>The version a status list's ETag names, or null when it is not one.</summary>
    public static long? StatusListVersionOf(string? etag) =>
        etag is not null && etag.Trim('"').Split('-') is [_, var version] && long.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
}
