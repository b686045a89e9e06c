using LicenceTrust.Core.Json;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;

namespace LicenceTrust.Server.Endpoints;

/// <summary>A licence record as the issuance API returns it (full holder code: authority and admin only).</summary>
public sealed record LicenceRecordView(
    string Identifier,
    string Status,
    DateTimeOffset IssuedAt,
    LicenceView Licence,
    string QrText,
    StatusListReferenceView StatusList,
    string? Supersedes,
    string? SupersededBy,
    LicenceLinks Links);

public sealed record StatusListReferenceView(string Uri, int Index);

public sealed record LicenceLinks(string Self, string QrPng, string QrSvg, string Print, string Status);

public sealed record LicencePageView(IReadOnlyList<LicenceRecordView> Items, int Page, int PageSize, long Total);

/// <summary>The public online status of one licence (no holder data).</summary>
public sealed record LicenceStatusView(string Identifier, string Status, string StatusZh, DateTimeOffset? Since, string? Reason, DateTimeOffset AsOf, string? SupersededBy, IReadOnlyList<StatusEventView> History);

public sealed record StatusEventView(string From, string To, string Reason, DateTimeOffset At);

public static class LicenceViewMapping
{
    public static LicenceRecordView ToView(this LicenceRecord record, string statusListBase, LicenceTypeCatalogue types)
    {
        var self = $"/api/v1/licences/{record.Identifier}";
        return new LicenceRecordView(
            record.Identifier,
            record.Status.WireName(),
            record.IssuedAt,
            record.Licence.ToView(types),
            record.QrText,
            new StatusListReferenceView(statusListBase + record.StatusList, record.StatusIndex),
            record.Supersedes,
            record.SupersededBy,
            new LicenceLinks(self, self + "/qr.png", self + "/qr.svg", self + "/print", self + "/status"));
    }
}
