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

    public string Message(LicenceTrustError error) => Message(error?.Detail ?? string.Empty, error?.Field);

    /// <summary>A message about a field, naming the field by the label the officer sees (the product's messages name the API's key).</summary>
    public string Message(string detail, string? field)
    {
        var message = Message(detail);
        return field is not null && FieldLabels.TryGetValue(field, out var label) ? message.Replace(field, T(label.Zh, label.En), StringComparison.Ordinal) : message;
    }

    /// <summary>The label of a field the product names by its key (<c>holder.name</c>); other names as they are.</summary>
    public string FieldLabel(string? field) => field is not null && FieldLabels.TryGetValue(field, out var label) ? T(label.Zh, label.En) : field ?? string.Empty;

    /// <summary>The issue form's labels, by the keys the API and the batch file use and by the form's input names.</summary>
    private static readonly Dictionary<string, (string Zh, string En)> FieldLabels = new(StringComparer.Ordinal)
    {
        ["holder.name"] = ("持证主体名称", "holder name"), ["holderName"] = ("持证主体名称", "holder name"),
        ["holder.code"] = ("持证主体代码", "holder code"), ["holderCode"] = ("持证主体代码", "holder code"),
        ["holder.codeType"] = ("持证主体代码类型", "holder code type"), ["holderCodeType"] = ("持证主体代码类型", "holder code type"),
        ["areaCode"] = ("行政区划代码", "area code"), ["typeCode"] = ("证照类型", "licence type"),
        ["validFrom"] = ("有效期起始", "valid from"), ["validTo"] = ("有效期截止", "valid to"), ["issueDate"] = ("颁发日期", "issue date"),
        ["displayName"] = ("姓名", "name"),
    };

    public string Status(LicenceStatus status) => English ? status.WireName() : status.NameZh();

    public string Role(OfficerRoles roles) => string.Join(English ? ", " : "、", Enum.GetValues<OfficerRoles>()
        .Where(r => r != OfficerRoles.None && roles.HasFlag(r)).Select(r => DutySeparation.Name(r)).Select(n => English ? n.En : n.Zh));

    /// <summary>An audit event's name in the page's language (docs/api.md, "Audit log"); an unknown id shows its stored name.</summary>
    public string Event(int eventId, string stored) => eventId switch
    {
        AuditEvents.LicenceIssued => T("签发证照", "licence issued"),
        AuditEvents.LicenceSuperseded => T("变更换发", "new version issued"),
        AuditEvents.PersonalDataRead => T("查看个人信息", "personal data read"),
        AuditEvents.RegisterExported => T("导出数据", "data exported"),
        AuditEvents.StatusChanged => T("状态变更", "status changed"),
        AuditEvents.ApiKeyCreated => T("创建API密钥", "API key created"),
        AuditEvents.StaffAccountCreated => T("创建窗口人员账户", "staff account created"),
        AuditEvents.StaffAccountLockedOut => T("窗口人员账户锁定", "staff account locked"),
        AuditEvents.OfficerCreated => T("创建工作人员账户", "officer created"),
        AuditEvents.OfficerLockedOut => T("账户锁定", "officer locked out"),
        AuditEvents.OfficerDisabled => T("停用账户", "officer disabled"),
        AuditEvents.OfficerEnabled => T("启用账户", "officer enabled"),
        AuditEvents.OfficerPasswordReset => T("重置密码", "password reset"),
        AuditEvents.ApiKeyRevoked => T("吊销API密钥", "API key revoked"),
        AuditEvents.OfficerSignedIn => T("登录", "signed in"),
        AuditEvents.OfficerSignInFailed => T("登录失败", "sign-in failed"),
        AuditEvents.OfficerSignedOut => T("退出登录", "signed out"),
        AuditEvents.OfficerPasswordChanged => T("修改密码", "password changed"),
        AuditEvents.AdminRequestSubmitted => T("提交复核申请", "request sent for approval"),
        AuditEvents.AdminRequestApproved => T("复核通过", "request approved"),
        AuditEvents.AdminRequestRejected => T("复核退回", "request sent back"),
        AuditEvents.OfficerRolesChanged => T("变更角色", "roles changed"),
        AuditEvents.IssuerWithdrawn => T("撤销签名证书信任", "issuer withdrawn"),
        AuditEvents.PeerNoticeApplied => T("执行对端撤销通知", "peer's withdrawal applied"),
        AuditEvents.RestoreAccepted => T("接受恢复的数据库", "restored database accepted"),
        AuditEvents.ApprovalRequested => T("提交审核", "sent for approval"),
        AuditEvents.ApprovalApproved => T("审核通过", "approved"),
        AuditEvents.ApprovalRejected => T("审核退回", "sent back"),
        AuditEvents.BatchSubmitted => T("提交批量签发", "batch submitted"),
        AuditEvents.BatchFinished => T("批量签发完成", "batch finished"),
        AuditEvents.ConsentGranted => T("持证人授权", "holder's consent given"),
        AuditEvents.EvidenceProvided => T("向外省提供证照", "licences sent to a province"),
        AuditEvents.EvidenceRefused => T("拒绝外省调取", "province's request refused"),
        AuditEvents.EvidenceRequested => T("向外省调取证照", "licences fetched from a province"),
        _ => stored,
    };

    /// <summary>What an administrator's request asks for.</summary>
    public string Kind(AdminRequestKind kind) => kind switch
    {
        AdminRequestKind.NewOfficer => T("新建账户", "new officer"),
        AdminRequestKind.PasswordReset => T("重置密码", "password reset"),
        AdminRequestKind.RoleChange => T("变更角色", "role change"),
        _ => T("新建API密钥", "new API key"),
    };

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

    /// <summary>A batch's counts so far, as its page and its progress poll show them.</summary>
    public string BatchCounts(BatchJob job) =>
        T($"已签发 {job.Issued}，此前已签发 {job.Replayed}，签发时被拒 {job.Failed}", $"issued {job.Issued}, issued before {job.Replayed}, refused while signing {job.Failed}");

    public string State(ApprovalState state) => state switch
    {
        ApprovalState.Pending => T("待审核", "waiting"),
        ApprovalState.Approved => T("已批准", "approved"),
        _ => T("已退回", "rejected"),
    };

    public string Time(DateTimeOffset at) => at.ToOffset(CredentialClaims.ChinaOffset).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
