using System.Globalization;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Text;
using LicenceTrust.QrImages;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace LicenceTrust.Server.Endpoints;

/// <summary>
/// A human-readable copy of a fetched licence as one A4 PDF page (docs/federation.md §9.6): its fields, its QR code
/// (the credential itself, which anyone can scan to check it again), the issuer, and the verdict and status as of
/// the fetch, with when and by which node it was checked. The text is the licence's, never interpreted.
/// </summary>
public static class LicenceCopyPdf
{
    private static readonly XColor Valid = XColor.FromArgb(0x1B, 0x6E, 0x2E);
    private static readonly XColor Invalid = XColor.FromArgb(0xB0, 0x1E, 0x1E);
    private static readonly XColor Check = XColor.FromArgb(0x8A, 0x5A, 0x00);

    /// <param name="response">The verification of the credential, full view.</param>
    /// <param name="qrText">The credential.</param>
    /// <param name="node">This node's province (it checked the credential).</param>
    /// <param name="caseNumber">The case the licence was fetched for, if given.</param>
    public static byte[] Render(VerifyResponse response, string qrText, Province node, LicenceTypeCatalogue types, string? caseNumber)
    {
        ArgumentNullException.ThrowIfNull(response);
        var result = response.Result;
        var licence = result.Licence;
        var summary = result.Summary;
        using var document = new PdfDocument();
        document.Info.Title = $"电子证照调取件 {summary?.Number}";
        document.Info.Creator = "LicenceTrust";
        var page = document.AddPage();
        page.Width = XUnit.FromMillimeter(210);
        page.Height = XUnit.FromMillimeter(297);
        using var graphics = XGraphics.FromPdfPage(page);
        var title = new XFont(Hosting.PdfFonts.Family, 20, XFontStyleEx.Bold);
        var heading = new XFont(Hosting.PdfFonts.Family, 14, XFontStyleEx.Bold);
        var text = new XFont(Hosting.PdfFonts.Family, 10.5);
        var small = new XFont(Hosting.PdfFonts.Family, 8.5);
        const double left = 56;
        var y = 64.0;

        graphics.DrawString("电子证照调取件", title, XBrushes.Black, left, y);
        y += 26;
        graphics.DrawString($"{summary?.TypeName ?? summary?.Name ?? "无法识别的证照"}", heading, XBrushes.Black, left, y);
        y += 24;
        var (verdict, colour) = result.Verdict switch
        {
            "VALID" => ("有效：证照真实有效，状态正常", Valid),
            "INVALID" => ("无效：请勿受理此证照", Invalid),
            "CHECK" => ("需人工核验：暂时无法确认", Check),
            _ => ("无法识别", Check),
        };
        graphics.DrawRectangle(new XSolidBrush(colour), left, y - 14, 330, 22);
        graphics.DrawString($"核验结果：{verdict}", heading, XBrushes.White, left + 8, y + 2);
        y += 22;
        if (result.Reasons.Count > 0)
        {
            graphics.DrawString($"{result.Reasons[0].MessageZh}（{result.Reasons[0].Code}）", text, XBrushes.Black, left, y + 8);
            y += 16;
        }

        DrawQr(graphics, qrText, 595 - 56 - 150, 56, 150);
        y = Math.Max(y + 16, 226);

        var rows = new List<(string Label, string Value)>();
        if (summary is not null)
        {
            rows.Add(("证照编号", summary.Number));
            rows.Add(("持证主体", $"{licence?.Holder.Name ?? summary.Holder.Name}（{summary.Holder.Code}）"));
            rows.Add(("发证机关", $"{summary.Authority.Name ?? summary.Authority.Code}（{summary.Authority.Code}）"));
            rows.Add(("所属省份", Province.TryFromNodeId(summary.Province, out var home) ? home.NameZh : summary.Province));
            rows.Add(("有效期", $"{summary.ValidFrom} 至 {summary.ValidTo ?? "长期"}"));
        }

        if (licence is not null)
        {
            rows.Add(("颁发日期", licence.IssueDate));
            var type = LicenceTypeCode.TryParse(licence.TypeCode, out var code, out _) && types.TryGet(code, out var known) ? known : null;
            foreach (var (key, value) in licence.Attributes)
            {
                rows.Add((type?.Attributes.FirstOrDefault(a => a.Key == key)?.NameZh ?? key, value));
            }

            rows.Add(("电子证照标识", licence.Identifier));
        }

        rows.Add(("证照状态", response.Status switch
        {
            "VALID" => "正常",
            "SUSPENDED" => "已暂扣",
            "REVOKED" => "已吊销",
            "CANCELLED" => "已注销",
            "SUPERSEDED" => "已变更换发",
            { } other => other,
            null => "未知",
        }));
        if (response.StatusChange is { } change)
        {
            rows.Add(("状态变更", $"{Local(change.At)}：{change.Reason}"));
        }

        if (result.Issuer is { } issuer)
        {
            rows.Add(("签名", $"{issuer.AuthorityName}，{(issuer.Algorithm == "SM2-SM3" ? "SM2/SM3（国密）" : "ECDSA P-256")}，密钥 {issuer.Kid}"));
        }

        rows.Add(("核验", $"{node.NameZh}节点于 {Local(result.CheckedAt)} 核验（状态数据：{StatusSource(response.CheckedAgainst.StatusSource)}）"));
        if (caseNumber is not null)
        {
            rows.Add(("办件编号", caseNumber));
        }

        foreach (var (label, value) in rows)
        {
            graphics.DrawString(label, text, XBrushes.DimGray, left, y);
            // Shown, never interpreted: a refused character (a bidi override, a control) is written as [U+XXXX].
            foreach (var line in Wrap(TextPolicy.Reveal(value), 38))
            {
                graphics.DrawString(line, text, XBrushes.Black, left + 90, y);
                y += 17;
            }

            y += 3;
        }

        y = Math.Max(y + 20, 760);
        graphics.DrawLine(XPens.LightGray, left, y - 14, 595 - left, y - 14);
        graphics.DrawString($"本调取件由{node.NameZh}节点生成，所示状态为 {Local(result.CheckedAt)} 的核验结果。", small, XBrushes.DimGray, left, y);
        graphics.DrawString("证照真伪与最新状态以扫描右上角二维码核验为准（川渝电子证照互认核验）。", small, XBrushes.DimGray, left, y + 13);
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    /// <summary>The QR code as vector squares (sharp at any printer resolution), its quiet zone included.</summary>
    private static void DrawQr(XGraphics graphics, string qrText, double x, double y, double size)
    {
        var modules = QrCodeImages.Modules(qrText);
        var side = size / modules.Length;
        for (var row = 0; row < modules.Length; row++)
        {
            for (var column = 0; column < modules[row].Length; column++)
            {
                if (modules[row][column])
                {
                    // A hair wider than the module, so no seam shows between neighbours.
                    graphics.DrawRectangle(XBrushes.Black, x + (column * side), y + (row * side), side + 0.05, side + 0.05);
                }
            }
        }
    }

    /// <summary>Where the status came from, in words: "sc:status-list" is Sichuan's signed status list held here.</summary>
    private static string StatusSource(string? source)
    {
        var parts = (source ?? string.Empty).Split(':');
        var name = Province.TryFromNodeId(parts[0], out var province) ? province.NameZh : parts[0];
        return parts.Length < 2 ? "无" : parts[1] switch
        {
            "database" => $"{name}节点数据库",
            "status-list" => $"{name}节点签名状态列表",
            "live" => $"{name}节点实时查询",
            _ => source!,
        };
    }

    private static string Local(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "（北京时间）";

    /// <summary>Lines of at most <paramref name="width"/> characters (CJK text has no spaces to break at).</summary>
    private static IEnumerable<string> Wrap(string value, int width)
    {
        for (var i = 0; i < value.Length; i += width)
        {
            yield return value.Substring(i, Math.Min(width, value.Length - i));
        }

        if (value.Length == 0)
        {
            yield return string.Empty;
        }
    }
}
