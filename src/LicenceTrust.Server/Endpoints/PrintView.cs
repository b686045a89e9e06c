using System.Globalization;
using System.Net;
using System.Text;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;
using LicenceTrust.QrImages;

namespace LicenceTrust.Server.Endpoints;

/// <summary>A printable licence page: the fields and the QR code, A4, no external resources.</summary>
public static class PrintView
{
    public static string Render(LicenceRecord record)
    {
        var licence = record.Licence;
        LicenceTypeCatalogue.TryGet(licence.TypeCode, out var type);
        string H(string text) => WebUtility.HtmlEncode(text);
        var rows = new StringBuilder();
        void Row(string label, string value) => rows.Append(CultureInfo.InvariantCulture, $"<tr><th>{H(label)}</th><td>{H(value)}</td></tr>");
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

        return $$"""
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8"><title>{{H(licence.Name)}} {{H(licence.Number)}}</title>
            <style>
              @page { size: A4; margin: 20mm; }
              body { font-family: "Noto Serif CJK SC", "Songti SC", serif; color: #111; max-width: 170mm; margin: 0 auto; }
              h1 { text-align: center; letter-spacing: .3em; font-size: 28pt; margin: 8mm 0; }
              table { width: 100%; border-collapse: collapse; font-size: 12pt; }
              th { text-align: left; width: 32mm; padding: 2mm; color: #444; font-weight: normal; }
              td { padding: 2mm; border-bottom: 1px solid #ccc; word-break: break-all; }
              .qr { text-align: center; margin-top: 8mm; } .qr svg { width: 55mm; height: 55mm; }
              .note { text-align: center; font-size: 9pt; color: #555; }
              .void { color: #b00; font-weight: bold; text-align: center; font-size: 16pt; }
              @media print { .noprint { display: none; } }
            </style></head>
            <body>
            <h1>{{H(licence.Name)}}</h1>
            {{(record.Status == LicenceStatus.Valid ? string.Empty : $"<p class=\"void\">{H(record.Status.NameZh())}</p>")}}
            <table>{{rows}}</table>
            <div class="qr">{{QrCodeImages.Svg(record.QrText)}}</div>
            <p class="note">扫描二维码核验真伪（川渝电子证照互认）</p>
            <p class="noprint note"><button onclick="window.print()">打印</button></p>
            </body></html>
            """;
    }
}
