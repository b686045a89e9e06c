using LicenceTrust.Core.Results;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;
using Microsoft.AspNetCore.Http;

namespace LicenceTrust.AuthorityConsole;

/// <summary>
/// The console's language: zh-CN unless the officer chose English (a cookie of the console's path).
/// Every label is written here or in the pages as a pair, <see cref="T"/>(zh, en), so the two never drift apart.
/// </summary>
public sealed class ConsoleText(bool english)
{
    public const string Cookie = "lt-console-lang";

    public bool English { get; } = english;

    public string Lang => English ? "en" : "zh-CN";

    public static ConsoleText For(HttpContext http) => new(http?.Request.Cookies[Cookie] == "en");

    public string T(string zh, string en) => English ? en : zh;

    /// <summary>The product's messages are "中文 (English)": the half of the officer's language.</summary>
    public string Message(string detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        detail = detail.TrimEnd('.', ' ');
        var open = detail.LastIndexOf(" (", StringComparison.Ordinal);
        if (open < 0 || !detail.EndsWith(')'))
        {
            open = detail.IndexOf('(', StringComparison.Ordinal);
            if (open <= 0 || !detail.EndsWith(')'))
            {
                return detail;
            }
        }

        return English ? detail[(open + (detail[open] == ' ' ? 2 : 1))..^1] : detail[..open].TrimEnd();
    }

    public string Message(LicenceTrustError error) => Message(error?.Detail ?? string.Empty);

    public string Status(LicenceStatus status) => English ? status.WireName() : status.NameZh();

    public string Role(OfficerRoles roles) => string.Join(English ? ", " : "、", new[]
    {
        (OfficerRoles.Clerk, "经办", "clerk"), (OfficerRoles.Approver, "审核", "approver"), (OfficerRoles.Admin, "管理员", "admin"),
    }.Where(r => roles.HasFlag(r.Item1)).Select(r => English ? r.Item3 : r.Item2));

    public string Kind(ApprovalKind kind) => kind switch
    {
        ApprovalKind.Issue => T("签发", "issue"),
        ApprovalKind.Revoke => T("吊销", "revoke"),
        ApprovalKind.Supersede => T("变更换发", "new version"),
        ApprovalKind.Batch => T("批量签发", "batch issue"),
        _ => T("注销", "cancel"),
    };

    public string Batch(BatchState state) => state switch
    {
        BatchState.AwaitingApproval => T("待审核", "waiting for approval"),
        BatchState.Queued => T("排队中", "queued"),
        BatchState.Running => T("签发中", "issuing"),
        BatchState.Done => T("已完成", "done"),
        _ => T("已退回", "rejected"),
    };

    public string State(ApprovalState state) => state switch
    {
        ApprovalState.Pending => T("待审核", "waiting"),
        ApprovalState.Approved => T("已批准", "approved"),
        _ => T("已退回", "rejected"),
    };

    public string Time(DateTimeOffset at) => at.ToOffset(CredentialClaims.ChinaOffset).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
