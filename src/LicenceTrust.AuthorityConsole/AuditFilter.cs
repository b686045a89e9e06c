using System.Globalization;
using LicenceTrust.Core.Codec;
using LicenceTrust.Issuance;
using Microsoft.AspNetCore.Http;

namespace LicenceTrust.AuthorityConsole;

/// <summary>
/// The auditor's filters over the audit log, as query parameters (a filtered view is a link, and its CSV the
/// same link): days in China time (both included), an actor's name (part), an event group or one event id,
/// and a subject (a licence identifier, an officer, a key id; exact).
/// </summary>
public sealed record AuditFilter(DateOnly? From, DateOnly? To, string? Actor, string? Event, string? Subject, int Page)
{
    public const int PageSize = 50;

    /// <summary>The event groups an auditor picks from; a number picks one event.</summary>
    public static readonly IReadOnlyList<(string Value, string Zh, string En, IReadOnlyList<int> Events)> Groups =
    [
        ("signins", "登录日志", "Sign-in log", AuditQuery.SignIns),
        ("licences", "证照签发与状态", "Licences and status", [AuditEvents.LicenceIssued, AuditEvents.LicenceSuperseded, AuditEvents.StatusChanged]),
        ("reads", "个人信息查看与导出", "Personal data read and exported", [AuditEvents.PersonalDataRead, AuditEvents.RegisterExported]),
        ("accounts", "账户与密钥", "Accounts and keys",
            [AuditEvents.OfficerCreated, AuditEvents.OfficerDisabled, AuditEvents.OfficerEnabled, AuditEvents.OfficerPasswordReset, AuditEvents.OfficerPasswordChanged, AuditEvents.OfficerRolesChanged,
             AuditEvents.ApiKeyCreated, AuditEvents.ApiKeyRevoked, AuditEvents.StaffAccountCreated, AuditEvents.AdminRequestSubmitted, AuditEvents.AdminRequestApproved, AuditEvents.AdminRequestRejected]),
        ("approvals", "审核与批量", "Approvals and batches",
            [AuditEvents.ApprovalRequested, AuditEvents.ApprovalApproved, AuditEvents.ApprovalRejected, AuditEvents.BatchSubmitted, AuditEvents.BatchFinished]),
        ("trust", "信任与恢复", "Trust and restores", [AuditEvents.IssuerWithdrawn, AuditEvents.PeerNoticeApplied, AuditEvents.RestoreAccepted]),
        ("sharing", "跨省调取与授权", "Evidence exchange and consent",
            [AuditEvents.ConsentGranted, AuditEvents.EvidenceProvided, AuditEvents.EvidenceRefused, AuditEvents.EvidenceRequested]),
    ];

    public static AuditFilter Parse(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        string? Get(string name) => query.TryGetValue(name, out var value) && value.ToString() is { Length: > 0 and <= 200 } text ? text.Trim() : null;
        static DateOnly? Date(string? text) => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        var page = int.TryParse(Get("page"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 1_000_000 ? p : 1;
        return new AuditFilter(Date(Get("from")), Date(Get("to")), Get("actor"), Get("event"), Get("subject"), page);
    }

    /// <summary>The store's query for this page (or another page size, for the CSV).</summary>
    public AuditQuery ToQuery(int pageSize = PageSize, int? page = null) => new(
        From is { } from ? new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), CredentialClaims.ChinaOffset) : null,
        To is { } to ? new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), CredentialClaims.ChinaOffset) : null,
        Actor,
        Events(),
        Subject,
        page ?? Page,
        pageSize);

    private IReadOnlyList<int> Events() =>
        Groups.FirstOrDefault(g => g.Value == Event).Events
        ?? (int.TryParse(Event, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? [id] : []);

    /// <summary>The query string of these filters (page optional), escaped.</summary>
    public string QueryString(int? page = null) => QueryText.Of(
        ("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ("actor", Actor),
        ("event", Event),
        ("subject", Subject),
        ("page", page is > 1 ? page.Value.ToString(CultureInfo.InvariantCulture) : null));
}
