using System.Collections.Frozen;

namespace LicenceTrust.Core.Results;

/// <summary>One problem code: its HTTP status and what it means, in zh-CN and English.</summary>
/// <param name="Code">The stable code, e.g. <c>LICENCE_NOT_FOUND</c>.</param>
/// <param name="Status">The HTTP status every answer with this code has.</param>
/// <param name="MeaningZh">What it means, for the docs and for people.</param>
/// <param name="MeaningEn">The same in English.</param>
public sealed record ProblemType(string Code, int Status, string MeaningZh, string MeaningEn);

/// <summary>
/// The one catalogue of problem codes a node can answer with. The HTTP edge takes each answer's status
/// from here, docs/api.md's error table must list exactly these codes (a test compares them), and a
/// test fails when the source uses a code that is not here. Verification reasons are the other
/// catalogue (<see cref="ReasonCatalogue"/>): they are verdicts, not errors. Immutable; thread-safe.
/// </summary>
public static class ProblemCatalogue
{
    private static readonly FrozenDictionary<string, ProblemType> Entries = new ProblemType[]
    {
        // 400: the request breaks a rule
        new("AREA_CODE_INVALID", 400, "行政区划代码不是本省的6位代码", "the area code is not a 6-digit division code of this node's province"),
        new("ATTRIBUTE_MISSING", 400, "缺少该证照类型的必填属性", "an attribute the licence type requires is missing"),
        new("ATTRIBUTE_TOO_LONG", 400, "属性值超过该类型允许的长度", "an attribute value is longer than the type allows"),
        new("ATTRIBUTE_VALUE_NOT_ALLOWED", 400, "属性值不在该类型规定的取值范围内", "an attribute value is not one of the values the type allows"),
        new("ATTRIBUTE_PATTERN_MISMATCH", 400, "属性值不符合该类型规定的格式", "an attribute value is not in the form the type defines"),
        new("ATTRIBUTE_UNKNOWN", 400, "该证照类型没有此属性", "the licence type has no such attribute"),
        new("AT_INVALID", 400, "at不是ISO 8601时间", "`at` is not an ISO 8601 time"),
        new("BATCH_SIZE_INVALID", 400, "批量核验应有1-1000项", "a batch takes 1 to 1,000 QR texts"),
        new("BODY_EMPTY", 400, "上传的文件是空的", "the upload is empty"),
        new("BODY_INVALID", 400, "请求体不是有效的JSON，或含有未知字段", "the body is not valid JSON for the endpoint, or has an unknown field"),
        new("BODY_REQUIRED", 400, "缺少请求体", "a JSON body is required"),
        new("CREDENTIALS_AMBIGUOUS", 400, "同时带有Authorization和X-Api-Key", "two credentials in one request (Authorization and X-Api-Key)"),
        new("FIELD_INVALID", 400, "文字字段为空或过长", "a text field is empty or too long"),
        new("FIELD_REQUIRED", 400, "缺少必填字段", "a required field is missing"),
        new("FILE_REQUIRED", 400, "表单中没有文件", "the form has no file"),
        new("FINGERPRINT_INVALID", 400, "指纹不是64位十六进制SHA-256", "the fingerprint is not a SHA-256 in 64 hex digits"),
        new("HOLDER_CODE_INVALID", 400, "持证主体代码校验位错误", "the holder code fails its check character (GB 32100, GB 11643)"),
        new("HOLDER_CODE_TYPE_INVALID", 400, "持证主体代码类型不是001、111或414", "the holder code type is not 001, 111 or 414"),
        new("CREDENTIAL_UNREADABLE", 400, "这不是可读的电子证照", "the text is not a readable credential (a PDF copy is made only of one)"),
        new("HOLDER_REGION_UNKNOWN", 400, "持证主体代码中的地区代码不属于已知省份", "the holder code's registration area or region is not of a province in the registry"),
        new("HOLDER_NOT_OF_THIS_PROVINCE", 400, "持证主体不属于本省，应由其所属省份授权", "the holder's licences are held by another province: consent is given there"),
        new("MATTER_UNKNOWN", 400, "事项清单中没有该事项", "no such matter in the matter catalogue"),
        new("EVIDENCE_SIGNATURE_INVALID", 400, "调取请求未经请求省份的名单签名密钥签名", "the evidence request is not signed under the requesting province's pinned root"),
        new("EVIDENCE_REQUEST_EXPIRED", 400, "调取请求时间超出允许范围", "the evidence request was signed more than 2 minutes from the home node's clock"),
        new("CONSENT_LIFETIME_INVALID", 400, "授权码有效期应为1-10分钟", "a consent code lives 1 to 10 minutes"),
        new("PROVINCE_INVALID", 400, "省份应为省份的节点代码", "the province is not a province's node id of the registry"),
        new("LICENCE_TYPE_UNKNOWN", 400, "证照类型代码不在证照类型目录中", "a licence type code is not in the licence-type catalogue"),
        new("HOLDER_CODE_TYPE_NOT_ALLOWED", 400, "该证照类型不接受此代码类型", "the licence type does not take this holder code type"),
        new("HOLDER_NAME_INVALID", 400, "持证主体名称为空或过长", "the holder name is empty or too long"),
        new("IDEMPOTENCY_KEY_INVALID", 400, "Idempotency-Key超过100个字符", "the Idempotency-Key is longer than 100 characters"),
        new("IMAGE_UNREADABLE", 400, "图片或PDF已损坏", "the image or PDF is corrupt or truncated"),
        new("ISSUE_DATE_INVALID", 400, "颁发日期在未来", "the issue date is in the future"),
        new("NOTICE_EXPIRED", 400, "通知已过期", "the withdrawal or change notice is more than 10 minutes from this node's clock"),
        new("NOTICE_SIGNATURE_INVALID", 400, "通知为空、过大或签名无效", "the withdrawal or change notice is empty, too large or not signed under a pinned peer root"),
        new("NO_QR_CODE_FOUND", 400, "图片中没有可读的二维码", "the image holds no readable QR code"),
        new("PAGE_INVALID", 400, "page小于1或pageSize不在1-200", "page is below 1 or pageSize is outside 1 to 200"),
        new("PARAMETER_INVALID", 400, "查询或路径参数缺失或格式不正确", "a query or route parameter is missing or malformed"),
        new("REASON_REQUIRED", 400, "缺少原因或原因过长", "a reason is missing or too long"),
        new("REQUEST_INVALID", 400, "请求格式不正确", "the request is malformed"),
        new("ROW_UNREADABLE", 400, "批量文件的一行无法读取（命令行与控制台的批量错误清单）", "a row of a batch file cannot be read (CLI and console batch error lists)"),
        new("LICENCE_NUMBER_REPEATED", 400, "批量文件中两行的证照类型和编号相同（指明两行）", "two rows of a batch file have the same licence type and number (both lines named)"),
        new("STATUS_INVALID", 400, "status筛选值未知", "the status filter is not a known status"),
        new("STATUS_LIST_ID_INVALID", 400, "状态列表编号不是正整数", "the status-list id is not a positive integer"),
        new("TEXT_CHARACTER_NOT_ALLOWED", 400, "文字含有文字规范不允许的字符（见codePoint）", "a text holds a character the text policy refuses (see codePoint)"),
        new("TYPE_CHANGE_NOT_ALLOWED", 400, "变更换发不能改变证照类型", "a replacement keeps the licence type"),
        new("TYPE_CODE_INVALID", 400, "证照类型代码格式错误", "the licence type code is malformed"),
        new("TYPE_UNKNOWN", 400, "证照类型不在目录中", "the licence type is not in the catalogue"),
        new("VALIDITY_INVALID", 400, "有效期顺序错误或超出范围", "the validity is out of order or out of range"),

        new("AUTHORITY_CODE_INVALID", 400, "机构统一社会信用代码格式或校验位错误", "the authority's unified social credit code is malformed or fails its check character"),
        new("CONFIRMATION_REQUIRED", 400, "未勾选确认框（控制台）", "the confirmation box was not ticked (console)"),
        new("DATE_INVALID", 400, "日期格式应为YYYY-MM-DD（控制台）", "a date is not written YYYY-MM-DD (console)"),
        new("PASSWORD_TOO_SHORT", 400, "密码长度不在允许范围", "the password is shorter or longer than allowed"),
        new("PASSWORD_MISMATCH", 400, "两次输入的新密码不一致（控制台）", "the new password and its confirmation differ (console)"),
        new("PASSWORD_UNCHANGED", 400, "新密码与当前密码相同", "the new password is the current one"),
        new("PASSWORD_WEAK", 400, "密码是用户名、含用户名、字符种类过少或属于最常见的密码", "the password is or contains the user name, has too few different characters, or is one of the most common passwords"),
        new("ROLES_UNCHANGED", 400, "所选角色与该账户现有角色相同", "the officer holds these roles already"),
        new("ROLES_SEPARATED", 400, "三员分立：管理员不兼任经办或审核，三类管理员由不同的人担任", "separation of duties: an administrator holds no business role, and the three administrators are different people"),
        new("ROLE_UNKNOWN", 400, "工作人员角色缺失或未知", "an officer role is missing or unknown"),
        new("USERNAME_INVALID", 400, "用户名格式错误", "the user name is malformed"),
        new("BATCH_FILE_REQUIRED", 400, "未选择批量文件（控制台）", "no batch file was chosen (console)"),
        new("BATCH_FILE_SIZE", 400, "批量文件为空或过大（控制台）", "the batch file is empty or too large (console)"),
        new("BATCH_ROWS", 400, "批量文件没有数据行或行数过多（控制台）", "the batch file has no rows or too many (console)"),
        // 401 and 403: who is asking
        new("UNAUTHENTICATED", 401, "需要有效的API密钥", "a valid API key is required"),
        new("SIGN_IN_FAILED", 401, "用户名或密码不正确", "wrong user name or password"),
        new("PASSWORD_WRONG", 401, "修改密码时当前密码不正确", "the current password given to change it is wrong"),
        new("FORBIDDEN", 403, "此角色无权执行该操作", "the caller's role may not do this"),
        new("AUTHORITY_UNKNOWN", 403, "本节点没有该机构的签发密钥", "this node holds no key of the caller's authority"),
        new("LICENCE_OF_ANOTHER_AUTHORITY", 403, "只能操作本机构颁发的证照", "the licence belongs to another authority"),
        new("ROLE_NOT_ALLOWED", 403, "只有颁发机构可以执行此操作", "only an issuing authority may do this"),
        new("NOTICE_NOT_FROM_PEER", 403, "本节点未与该省份互认，不接受其通知", "the change notice names a province that is not one of this node's peers"),
        new("EVIDENCE_NOT_FROM_PEER", 403, "本节点未与该省份互认，不提供证照", "the evidence request comes from a province that is not one of this node's peers"),
        new("EVIDENCE_PEER_UNKNOWN", 403, "本节点未与持证人所属省份互认，无法调取", "this node does not federate with the holder's home province"),
        new("EVIDENCE_NOT_ALLOWED", 403, "该事项不需要此类证照，或此类证照不在互认协议之内", "the matter does not need the type, or the type is outside the recognition agreement"),
        new("CONSENT_REQUIRED", 403, "调取此类证照需持证人授权码", "a type asked for needs the holder's consent code"),
        new("CONSENT_INVALID", 403, "授权码与持证人、调取省份或证照类型不符", "no consent code of this holder for this province and these types"),
        new("CONSENT_EXPIRED", 403, "授权码已过期", "the consent code has expired"),
        new("CONSENT_USED", 403, "授权码已使用过", "the consent code was used before; each works once"),
        new("CLIENT_CERTIFICATE_REQUIRED", 403, "通知收件箱需要省际互认客户端证书", "the notice inbox needs a client certificate of the federation's CA"),
        new("TYPE_NOT_ALLOWED_FOR_AUTHORITY", 403, "本机构没有在有效期内且允许签发该类型的签发证书", "no issuer certificate of the authority in force allows this type"),

        new("APPROVAL_OWN_REQUEST", 403, "不能审核自己提交的申请", "an officer cannot decide their own request"),
        new("OFFICER_ROLE_REQUIRED", 403, "工作人员没有此操作所需的角色", "the officer lacks the role this action needs"),
        new("PASSWORD_CHANGE_REQUIRED", 403, "须先在控制台修改密码", "the officer must first choose their own password in the console (a new account or a reset)"),
        new("BATCH_APPROVAL_REQUIRED", 403, "该机构签发须经审核：批量文件须提交审核，不能直接签发", "the authority requires approval: a batch is submitted for approval, not signed at once"),
        // 404, 405, 409
        new("NOT_FOUND", 404, "没有这个地址", "no such resource"),
        new("EVIDENCE_NOT_FOUND", 404, "未找到符合条件的证照", "no licence of those types for that holder at its home node"),
        new("ISSUER_NOT_FOUND", 404, "本省信任列表中没有该签名证书", "no issuer certificate of this province with that fingerprint"),
        new("APPROVAL_NOT_FOUND", 404, "本机构没有该申请", "no such request at the officer's authority"),
        new("API_KEY_NOT_FOUND", 404, "没有该API密钥", "no such API key"),
        new("BATCH_NOT_FOUND", 404, "本机构没有该批量任务", "no such batch at the officer's authority"),
        new("OFFICER_NOT_FOUND", 404, "没有该工作人员账户", "no such officer"),
        new("LICENCE_NOT_FOUND", 404, "本节点没有该证照", "no licence with this identifier at this node"),
        new("NOT_YET_ISSUED", 404, "该时间点证照尚未签发", "the licence was not yet issued at that time"),
        new("STATUS_LIST_NOT_FOUND", 404, "没有该编号的状态列表", "no status list with that id"),
        new("PEER_NOT_FOUND", 404, "本节点未与该省份互认", "this node does not federate with that province"),
        new("METHOD_NOT_ALLOWED", 405, "该地址不接受此方法", "the path does not take this method"),
        new("ISSUER_ALREADY_WITHDRAWN", 409, "该签名证书已被撤销信任", "the issuer certificate is already withdrawn"),
        new("NOTICE_REPLAYED", 409, "通知已应用过或更旧", "the notice was applied before, or a newer one was"),
        new("NOTICE_ROLLBACK", 409, "通知会使数据倒退", "the change notice names a trust list or status list older than the one held (a node gone back in time)"),
        new("EVIDENCE_REQUEST_REPLAYED", 409, "该调取请求已处理过", "an evidence request of that id was answered before"),
        new("API_KEY_ALREADY_REVOKED", 409, "该API密钥已被吊销", "the key is already revoked"),
        new("APPROVAL_ALREADY_DECIDED", 409, "申请已被审核", "the request was already decided"),
        new("OFFICER_SELF_DISABLE", 409, "管理员不能停用自己的账户", "an admin cannot disable their own account"),
        new("OFFICER_SELF_ROLES", 409, "管理员不能变更自己的角色", "an administrator cannot change their own roles"),
        new("OFFICER_SELF_RESET", 409, "管理员不能重置自己的密码（在「我的账户」中修改）", "an admin cannot reset their own password (they change it under My account)"),
        new("REQUEST_ALREADY_PENDING", 409, "该证照已有待审核的申请", "a request for this licence is already waiting"),
        new("LICENCE_NUMBER_LIVE", 409, "本机构已有一张该类型、该编号的在用证照；换发请办理变更换发", "a licence of this type and number is in force or suspended at the authority; reissue it as a new version"),
        new("USERNAME_TAKEN", 409, "用户名已被使用", "the user name is taken"),
        new("STATUS_CHANGED_CONCURRENTLY", 409, "证照状态已被其他操作修改", "the status changed meanwhile; reload and retry"),
        new("STATUS_CHANGE_NOT_ALLOWED", 409, "当前状态不允许此变更", "the current status does not allow this change"),

        // 413, 415, 429
        new("BODY_TOO_LARGE", 413, "请求体过大", "the body is larger than the endpoint takes"),
        new("IMAGE_TOO_LARGE", 413, "图片或文档超过大小、像素、页数或图片数上限", "the image or document exceeds the size, pixel, page or image caps"),
        new("IMAGE_FORMAT_UNSUPPORTED", 415, "文件不是PNG、JPEG或PDF", "the file is not PNG, JPEG or PDF"),
        new("UNSUPPORTED_MEDIA_TYPE", 415, "请求体的类型不被接受", "the body's media type is not the one the endpoint takes"),
        new("RATE_LIMITED", 429, "请求过于频繁（见Retry-After）", "too many requests (see Retry-After)"),
        new("NOTICE_RATE_LIMITED", 429, "该省份的通知过于频繁", "more change notices from the peer than its rate (20 a second, bursts of 40); its next pull brings the change"),
        new("EVIDENCE_RATE_LIMITED", 429, "调取请求过于频繁", "more evidence requests from the peer (50 a second) or one officer (30 a minute) than allowed"),
        new("SIGN_IN_BACKOFF", 429, "密码错误较多，请稍候再试（见Retry-After）", "several wrong passwords: wait before the next attempt (see Retry-After)"),
        new("SIGN_IN_LOCKED", 429, "密码错误过多，账户暂时锁定（见Retry-After）", "too many wrong passwords: the account is locked for a while (see Retry-After)"),

        // 5xx: the node cannot answer now
        new("INTERNAL_ERROR", 500, "服务内部错误（不含细节，已记录日志）", "an internal error (no detail; logged)"),
        new("DATABASE_UNAVAILABLE", 503, "数据库暂时不可用，未做任何更改（见Retry-After）", "the database is unavailable; nothing changed (see Retry-After)"),
        new("SCAN_BUSY", 503, "图片识别繁忙", "too many images are waiting for the decoder"),
        new("PDF_UNAVAILABLE", 503, "本节点未配置PDF所用中文字体", "the CJK font Node:PdfFontFile names is missing: no PDF copy can be made"),
        new("EVIDENCE_PEER_UNAVAILABLE", 503, "持证人所属省份节点暂时无法应答", "the holder's home node could not be reached or answered wrongly; retry"),
        new("STATUS_LIST_FULL", 503, "状态列表暂无空位，请重试", "no free status slot was found; retry"),
        new("STORAGE_FULL", 507, "存储空间已满，未做任何更改", "the node's storage is full; nothing changed"),
    }.ToFrozenDictionary(e => e.Code, StringComparer.Ordinal);

    /// <summary>Every entry, by status then code.</summary>
    public static IEnumerable<ProblemType> All => Entries.Values.OrderBy(e => e.Status).ThenBy(e => e.Code, StringComparer.Ordinal);

    /// <summary>The entry of a code; null for a code that is not in the catalogue (a test keeps the source from using one).</summary>
    public static ProblemType? Find(string code) => Entries.GetValueOrDefault(code);

    /// <summary>The HTTP status of an error: its code's; the kind's only for a code missing here (a test keeps that from shipping).</summary>
    public static int StatusOf(LicenceTrustError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Find(error.Code)?.Status ?? StatusOf(error.Kind);
    }

    /// <summary>The kind of a catalogue entry, for a problem another node answered and this one passes on: the inverse of <see cref="StatusOf(ErrorKind)"/>.</summary>
    public static ErrorKind KindOf(ProblemType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Enum.GetValues<ErrorKind>().FirstOrDefault(kind => StatusOf(kind) == type.Status, ErrorKind.Unavailable);
    }

    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => 400,
        ErrorKind.Unauthenticated => 401,
        ErrorKind.Forbidden => 403,
        ErrorKind.NotFound => 404,
        ErrorKind.Conflict => 409,
        ErrorKind.UnsupportedMediaType => 415,
        ErrorKind.TooLarge => 413,
        ErrorKind.StorageFull => 507,
        ErrorKind.TooManyRequests => 429,
        _ => 503,
    };
}
