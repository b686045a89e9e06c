using System.Collections.Frozen;

namespace LicenceTrust.Core.Results;

/// <summary>What a reason code means: the verdict it leads to and its zh-CN and English messages.</summary>
/// <param name="Code">The code.</param>
/// <param name="Verdict">The verdict a result carrying this reason gets.</param>
/// <param name="MessageZh">Plain Chinese for counter staff.</param>
/// <param name="MessageEn">English.</param>
public sealed record ReasonInfo(ReasonCode Code, Verdict Verdict, string MessageZh, string MessageEn)
{
    /// <summary>The stable name as used on the wire, e.g. <c>SIGNATURE_INVALID</c>.</summary>
    public string Name => ReasonCatalogue.WireName(Code);
}

/// <summary>
/// The one catalogue of reason messages, shared by the API, the CLI and the staff page.
/// A test proves every <see cref="ReasonCode"/> has an entry. Immutable; thread-safe.
/// </summary>
public static class ReasonCatalogue
{
    private static readonly FrozenDictionary<ReasonCode, ReasonInfo> Entries = new ReasonInfo[]
    {
        new(ReasonCode.Empty, Verdict.Unreadable, "未读取到任何内容。", "Nothing was read."),
        new(ReasonCode.TooLong, Verdict.Unreadable, "二维码内容过长，不是本系统的电子证照。", "The code is too long to be a LicenceTrust credential."),
        new(ReasonCode.PrefixMissing, Verdict.Unreadable, "不是互认电子证照二维码（缺少LT2:或LT1:前缀）。", "Not a LicenceTrust code (the LT2: or LT1: prefix is missing)."),
        new(ReasonCode.Base45Invalid, Verdict.Unreadable, "二维码内容已损坏（编码字符无效）。", "The code is damaged (invalid Base45 text)."),
        new(ReasonCode.DecompressionFailed, Verdict.Unreadable, "二维码内容已损坏（无法解压）。", "The code is damaged (decompression failed)."),
        new(ReasonCode.DecompressedTooLarge, Verdict.Unreadable, "二维码内容异常（解压后过大），已拒绝。", "Refused: the content inflates past the size limit."),
        new(ReasonCode.CoseMalformed, Verdict.Unreadable, "二维码内容已损坏（签名结构无效）。", "The code is damaged (malformed COSE_Sign1)."),
        new(ReasonCode.CborTooDeep, Verdict.Unreadable, "二维码内容异常（嵌套过深），已拒绝。", "Refused: the content is nested too deeply."),
        new(ReasonCode.UnknownCriticalHeader, Verdict.Unreadable, "二维码使用了本系统不支持的关键参数。", "The credential has a critical header this verifier does not know."),
        new(ReasonCode.AlgorithmMissing, Verdict.Unreadable, "二维码未声明签名算法。", "The credential names no signature algorithm."),
        new(ReasonCode.AlgorithmNotAllowed, Verdict.Invalid, "签名算法不在允许范围内。", "The signature algorithm is not allowed."),
        new(ReasonCode.AlgorithmUnprotected, Verdict.Invalid, "签名算法未受签名保护，已拒绝。", "The algorithm is not in the protected header."),
        new(ReasonCode.KidMissing, Verdict.Unreadable, "二维码未标明签发证书。", "The credential names no issuer key (kid)."),
        new(ReasonCode.ClaimsMalformed, Verdict.Unreadable, "证照数据格式错误。", "The credential claims are malformed."),
        new(ReasonCode.LicenceClaimMalformed, Verdict.Unreadable, "证照信息格式错误。", "The licence claim is malformed."),
        new(ReasonCode.StatusClaimMalformed, Verdict.Unreadable, "证照状态索引格式错误。", "The status claim is malformed."),

        new(ReasonCode.UnknownIssuer, Verdict.Invalid, "签发机构不在信任列表中。", "The issuer is not on the trust list."),
        new(ReasonCode.AlgorithmKeyMismatch, Verdict.Invalid, "签名算法与签发证书的密钥类型不符。", "The algorithm does not match the issuer certificate's key."),
        new(ReasonCode.SignatureInvalid, Verdict.Invalid, "电子签名验证失败，证照可能被篡改。", "The signature does not verify; the licence may have been altered."),
        new(ReasonCode.IssuerChainInvalid, Verdict.Invalid, "签发证书未由受信任的省级根证书签发。", "The issuer certificate does not chain to a trusted provincial root."),
        new(ReasonCode.IssuerCertificateNotYetValid, Verdict.Invalid, "签发时签发证书尚未生效。", "The issuer certificate was not yet valid when the licence was signed."),
        new(ReasonCode.IssuerCertificateExpired, Verdict.Invalid, "签发时签发证书已过期。", "The issuer certificate had expired when the licence was signed."),
        new(ReasonCode.IssuerNotAllowedForType, Verdict.Invalid, "该签发机构无权签发此类证照。", "This issuer may not sign this licence type."),
        new(ReasonCode.IssuerMismatch, Verdict.Invalid, "证照中的颁发机构与签发证书不一致。", "The licence's authority does not match the issuer certificate."),
        new(ReasonCode.RootExpired, Verdict.Invalid, "省级根证书已过期。", "The provincial root certificate has expired."),
        new(ReasonCode.IssuerWithdrawn, Verdict.Invalid, "发证机关的签名证书已被紧急撤销信任（如密钥泄露），此证照不可信。", "The issuer's signing certificate was withdrawn (e.g. a compromised key); the licence cannot be trusted."),

        new(ReasonCode.NotYetValid, Verdict.Invalid, "证照尚未生效。", "The licence is not yet valid."),
        new(ReasonCode.Expired, Verdict.Invalid, "证照已过有效期。", "The licence has expired."),
        new(ReasonCode.IssuedInFuture, Verdict.Invalid, "证照签发时间晚于当前时间。", "The licence was signed in the future."),
        new(ReasonCode.ClockSkew, Verdict.Check, "时间接近有效期边界，请核对本机时间。", "Too close to a validity boundary for this clock; check the time."),

        new(ReasonCode.Revoked, Verdict.Invalid, "证照已吊销。", "The licence has been revoked."),
        new(ReasonCode.Suspended, Verdict.Invalid, "证照已暂扣。", "The licence is suspended."),
        new(ReasonCode.Cancelled, Verdict.Invalid, "证照已注销。", "The licence has been cancelled."),
        new(ReasonCode.Superseded, Verdict.Invalid, "证照已变更换发，请出示新证。", "The licence was superseded; ask for the new one."),
        new(ReasonCode.StatusUnknown, Verdict.Check, "无法确认证照状态。", "The licence status could not be determined."),

        new(ReasonCode.StatusStale, Verdict.Check, "对方省份的状态数据已过期，请稍后再试或人工核验。", "The other province's status data is stale; retry or check by hand."),
        new(ReasonCode.PeerUnreachable, Verdict.Check, "暂时无法连接对方省份节点。", "The other province's node cannot be reached."),
        new(ReasonCode.TypeNotRecognised, Verdict.Invalid, "该类证照不在两省互认协议范围内。", "This licence type is not covered by the recognition agreement."),
        new(ReasonCode.TrustListStale, Verdict.Check, "对方省份的信任列表已过期。", "The other province's trust list is stale."),
        new(ReasonCode.IssuerUnconfirmed, Verdict.Check, "签发机构不在本节点持有的对方信任列表中，暂时无法向对方省份确认，请稍后再试。", "The issuer is not on the other province's trust list held here, and that province could not confirm it just now; try again shortly."),

        // A warning: the verdict stands (the signature is genuine), but what the screen shows may not be what the paper says.
        new(ReasonCode.TextSuspicious, Verdict.Check, "证照文字含有控制字符或不可见字符（已标出，如U+202E），显示可能与纸质证照不一致，请核对原件。", "The licence text holds control or invisible characters (shown as e.g. U+202E); what is displayed may differ from the paper: compare with the original."),
    }.ToFrozenDictionary(e => e.Code);

    /// <summary>Every entry, in code order.</summary>
    public static IEnumerable<ReasonInfo> All => Entries.Values.OrderBy(e => e.Code);

    /// <exception cref="ArgumentOutOfRangeException">The code has no entry (a test guards against this).</exception>
    public static ReasonInfo Get(ReasonCode code) =>
        Entries.TryGetValue(code, out var info) ? info : throw new ArgumentOutOfRangeException(nameof(code), code, "No catalogue entry.");

    /// <summary>The wire name: upper snake case of the enum name, e.g. <c>SIGNATURE_INVALID</c>.</summary>
    public static string WireName(ReasonCode code)
    {
        var name = code.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && !char.IsUpper(name[i - 1]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(name[i]));
        }

        return builder.ToString();
    }

    public static bool TryParseWireName(string? name, out ReasonCode code)
    {
        code = Entries.Keys.FirstOrDefault(c => WireName(c) == name);
        return code != ReasonCode.None;
    }
}
