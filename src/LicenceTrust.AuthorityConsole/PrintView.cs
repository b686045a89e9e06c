using System.Globalization;
using System.Net;
using System.Text;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Text;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;
using LicenceTrust.QrImages;

namespace LicenceTrust.AuthorityConsole;

/// <summary>A printable licence page: the fields and the QR code, A4, no external resources.</summary>
public static class PrintView
{
    /// <summary>
    /// The page. Every value is HTML-escaped, isolated in <c>&lt;bdi&gt;</c> (a right-to-left override in a
    /// name cannot reorder the row or its neighbours) and shown with refused characters written as
    /// <c>[U+202E]</c>; a licence holding any gets a warning above the table.
    /// </summary>
    public static string Render(LicenceRecord record, LicenceTypeCatalogue types, StatusEvent? lastChange = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(types);
        var licence = record.Licence;
        types.TryGet(licence.TypeCode, out var type);
        string H(string text) => WebUtility.HtmlEncode(text);
        var suspicious = false;
        var rows = new StringBuilder();
        void Row(string label, string value)
        {
            suspicious |= TextPolicy.IsSuspicious(value);
            rows.Append(CultureInfo.InvariantCulture, $"<tr><th>{H(label)}</th><td><bdi>{H(TextPolicy.Reveal(value))}</bdi></td></tr>");
        }

        Row("证照编号", licence.Number);
        Row("持证主体", licence.Holder.Name);
        Row("持证主体代码", licence.Holder.Disclosed().Code);
        Row("颁发机构", licence.AuthorityName);
        Row("颁发日期", licence.IssueDate.ToString("yyyy年M月d日", CultureInfo.InvariantCulture));
        Row("有效期", $"{licence.ValidFrom:yyyy年M月d日} 至 {(licence.ValidTo is { } to ? to.ToString("yyyy年M月d日", CultureInfo.InvariantCulture) : "长期")}");
        foreach (var (key, value) in licence.Attributes)
        {
            Row(type?.Attributes.FirstOrDefault(a => a.Key == key)?.NameZh ?? key, value);
        }

        Row("电子证照标识", licence.Identifier.Value);
        Row("状态", record.Status.NameZh());
        if (record.Status != LicenceStatus.Valid && lastChange is not null)
        {
            Row("状态变更日期", lastChange.At.ToOffset(CredentialClaims.ChinaOffset).ToString("yyyy年M月d日 HH:mm", CultureInfo.InvariantCulture));
            Row("变更原因", lastChange.Reason);
        }

        var warning = suspicious
            ? "<p class=\"warn\">证照文字含有控制字符或不可见字符，已以 [U+XXXX] 标出，请核对原件。</p>"
            : string.Empty;
        var status = record.Status == LicenceStatus.Valid ? string.Empty : $"<p class=\"void\">{H(record.Status.NameZh())}</p>";
        return $$"""
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8"><title>{{H(TextPolicy.Reveal(licence.Name))}} {{H(TextPolicy.Reveal(licence.Number))}}</title>
            <link rel="stylesheet" href="/print/print.css"></head>
            <body>
            <h1><bdi>{{H(TextPolicy.Reveal(licence.Name))}}</bdi></h1>
            {{status}}
            {{warning}}
            <table>{{rows}}</table>
            <div class="qr">{{QrCodeImages.Svg(record.QrText)}}</div>
            <p class="note">扫描二维码核验真伪（川渝电子证照互认）</p>
            <p class="noprint note"><button type="button" id="print">打印</button></p>
            <script src="/print/print.js"></script>
            </body></html>
            """;
    }
}
