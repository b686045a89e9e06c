using NSwag;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// Examples in the OpenAPI document (issue 4): every problem response shows an RFC 9457 body with its
/// stable code, and the verification operations show a request and a VALID answer (as a partner key
/// sees it). Fixed values, so
/// the committed snapshot stays stable.
/// </summary>
public static class OpenApiExamples
{
    private static readonly Dictionary<string, (string Code, string Detail)> Problems = new()
    {
        ["400"] = ("BODY_INVALID", "请求体不是有效的JSON，或含有未知字段 (the body is not valid JSON for this endpoint, or has an unknown field)."),
        ["401"] = ("UNAUTHENTICATED", "需要有效的API密钥 (a valid API key is required: Authorization: Bearer lt_…)."),
        ["403"] = ("FORBIDDEN", "此API密钥的角色无权执行该操作 (this API key's role may not do this)."),
        ["404"] = ("LICENCE_NOT_FOUND", "未找到证照 (no licence with this identifier at this node)."),
        ["409"] = ("STATUS_CHANGE_NOT_ALLOWED", "证照当前状态不允许此操作 (the licence's current status does not allow this change)."),
        ["413"] = ("BODY_TOO_LARGE", "请求体过大 (the request body is too large)."),
        ["415"] = ("UNSUPPORTED_MEDIA_TYPE", "请求体应为application/json (send the body as application/json)."),
        ["429"] = ("RATE_LIMITED", "请求过于频繁，请1秒后重试 (too many requests; retry after 1 s)."),
        ["503"] = ("SCAN_BUSY", "识别服务繁忙，请稍后重试 (too many images are being scanned; retry shortly)."),
    };

    private const string ExampleQr = "LT2:9DF+/7$KS-P86WUJVSB1WL%3/-814RW%8VBKGAJS2O/*…";

    public static void Apply(OpenApiDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var (path, item) in document.Paths)
        {
            foreach (var (_, operation) in item)
            {
                foreach (var (status, response) in operation.Responses)
                {
                    if (Problems.TryGetValue(status, out var problem))
                    {
                        foreach (var media in response.Content.Values)
                        {
                            media.Example = new Dictionary<string, object>
                            {
                                ["type"] = $"https://licencetrust.example/problems/{problem.Code.ToLowerInvariant().Replace('_', '-')}",
                                ["title"] = problem.Code,
                                ["status"] = int.Parse(status, System.Globalization.CultureInfo.InvariantCulture),
                                ["detail"] = problem.Detail,
                                ["code"] = problem.Code,
                            };
                        }
                    }
                }

                if (path == "/api/v1/verify")
                {
                    foreach (var media in operation.RequestBody?.Content.Values ?? [])
                    {
                        media.Example = new Dictionary<string, object> { ["qrText"] = ExampleQr };
                    }

                    foreach (var media in operation.Responses.TryGetValue("200", out var ok) ? ok.Content.Values : [])
                    {
                        media.Example = ValidAnswer();
                    }
                }

                if (path == "/api/v1/verify/batch")
                {
                    foreach (var media in operation.RequestBody?.Content.Values ?? [])
                    {
                        media.Example = new Dictionary<string, object> { ["qrTexts"] = new[] { ExampleQr, "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH" } };
                    }
                }
            }
        }
    }

    private static Dictionary<string, object?> ValidAnswer() => new()
    {
        ["result"] = new Dictionary<string, object?>
        {
            ["verdict"] = "VALID",
            ["reasons"] = Array.Empty<object>(),
            ["warnings"] = Array.Empty<object>(),
            ["checks"] = new[] { "read", "issuer", "signature", "chain", "authority", "licenceType", "time", "recognition", "status" }
                .Select(c => new Dictionary<string, object?> { ["name"] = c, ["outcome"] = "PASSED", ["reason"] = null }).ToArray(),
            ["summary"] = new Dictionary<string, object?>
            {
                ["name"] = "营业执照", ["typeCode"] = "11100000MB0100001D001", ["typeName"] = "营业执照", ["number"] = "91510104MA60008011",
                ["holder"] = new Dictionary<string, object?> { ["name"] = "成都锦江蜀韵文化传播有限公司", ["codeType"] = "001", ["code"] = "91510104MA60008011", ["masked"] = false },
                ["authority"] = new Dictionary<string, object?> { ["name"] = "四川省市场监督管理局", ["code"] = "11510000MB2B00011K" },
                ["province"] = "sc", ["validFrom"] = "2025-03-02", ["validTo"] = null,
            },
            // As a partner key sees it (the public view has licence: null).
            ["licence"] = new Dictionary<string, object?>
            {
                ["identifier"] = "1.2.156.3005.2.11100000MB0100001D001.11510000MB2B00011K.202600000001.001.M", ["name"] = "营业执照",
                ["typeCode"] = "11100000MB0100001D001", ["typeName"] = "营业执照", ["number"] = "91510104MA60008011",
                ["holder"] = new Dictionary<string, object?> { ["name"] = "成都锦江蜀韵文化传播有限公司", ["codeType"] = "001", ["code"] = "91510104MA60008011", ["masked"] = false },
                ["authority"] = new Dictionary<string, object?> { ["name"] = "四川省市场监督管理局", ["code"] = "11510000MB2B00011K" },
                ["definingDepartment"] = new Dictionary<string, object?> { ["name"] = "国家市场监督管理总局", ["code"] = "11100000MB0100001D" },
                ["areaCode"] = "510104", ["province"] = "sc", ["issueDate"] = "2026-11-28", ["validFrom"] = "2025-03-02", ["validTo"] = null,
                ["attributes"] = new Dictionary<string, object?> { ["entityType"] = "有限责任公司", ["legalRep"] = "张晓燕" },
            },
            ["issuer"] = new Dictionary<string, object?> { ["authorityCode"] = "11510000MB2B00011K", ["authorityName"] = "四川省市场监督管理局", ["province"] = "sc", ["kid"] = "3f2a9c0d1e4b5a67", ["algorithm"] = "SM2-SM3" },
            ["algorithm"] = "SM2-SM3",
            ["checkedAt"] = "2026-11-28T05:08:33+00:00",
        },
        ["status"] = "VALID",
        ["checkedAgainst"] = new Dictionary<string, object?>
        {
            ["node"] = "cq", ["statusSource"] = "sc:status-list", ["statusAsOf"] = "2026-11-28T05:08:32+00:00", ["at"] = "2026-11-28T05:08:33+00:00", ["trustListSequence"] = 1,
        },
        ["receipt"] = null,
    };
}
