using System.Net;
using System.Text.Json;
using LicenceTrust.Samples;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The text policy at issuance, over real HTTP: every class of refused character in every text field
/// is a 400 naming the field and the code point, before anything is signed or stored; the CLI batch
/// reports the row; clean text is stored in NFC.
/// </summary>
public class TextPolicyApiTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    /// <summary>One character of each refused class.</summary>
    public static readonly (string Text, string CodePoint)[] Samples =
    [
        ("\u0000", "U+0000"), ("\t", "U+0009"), ("\n", "U+000A"), ("\u0085", "U+0085"), ("\u2028", "U+2028"),
        ("\u202E", "U+202E"), ("\u2067", "U+2067"), ("\u200F", "U+200F"), ("\u061C", "U+061C"),
        ("\u200B", "U+200B"), ("\uFEFF", "U+FEFF"), ("\u200D", "U+200D"),
        ("\u0378", "U+0378"), ("\uFFFF", "U+FFFF"), ("\uE000", "U+E000"),
    ];

    /// <summary>Every text field of an issue request, as the JSON path the problem names.</summary>
    public static readonly string[] Fields =
        ["typeCode", "name", "number", "holder.name", "holder.codeType", "holder.code", "authorityName", "areaCode", "attributes.legalRep", "attributes"];

    public static TheoryData<string, string, string> EveryClassInEveryField()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var field in Fields)
        {
            foreach (var (text, codePoint) in Samples)
            {
                data.Add(field, text, codePoint);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryClassInEveryField))]
    public async Task A_refused_character_in_any_field_is_a_400_naming_the_field_and_the_code_point(string field, string bad, string codePoint)
    {
        var body = NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 900);
        switch (field)
        {
            case "holder.name" or "holder.codeType" or "holder.code":
                var holder = (Dictionary<string, object?>)body["holder"]!;
                var key = field["holder.".Length..];
                holder[key] = Insert((string)holder[key]!, bad);
                break;
            case "attributes.legalRep":
                body["attributes"] = new Dictionary<string, string>((IReadOnlyDictionary<string, string>)body["attributes"]!) { ["legalRep"] = "赵" + bad + "六" };
                break;
            case "attributes":
                body["attributes"] = new Dictionary<string, string>((IReadOnlyDictionary<string, string>)body["attributes"]!) { ["legal" + bad + "Rep"] = "赵六" };
                break;
            default:
                body[field] = Insert(body.TryGetValue(field, out var value) && value is string s ? s : "重庆示例", bad);
                break;
        }

        var response = await SendAsync(body);

        response.AssertProblem(HttpStatusCode.BadRequest, "TEXT_CHARACTER_NOT_ALLOWED", field);
        Assert.Equal(codePoint, response.Body.GetProperty("codePoint").GetString());
        Assert.Contains(codePoint, response.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_idempotency_key_follows_the_policy_too()
    {
        // HTTP carries header values as ASCII, so this is the service's own check (the CLI's keys take the same path).
        var command = Issuance.IssueCommand.For(Testing.ALicence.OfType(SampleLicenceTypes.BusinessLicence).Build()) with { IdempotencyKey = "key-\u202E" };

        var refused = Assert.Throws<Core.Results.LicenceTrustException>(() => Issuance.Lints.CleanText(command));

        Assert.Equal(("TEXT_CHARACTER_NOT_ALLOWED", "Idempotency-Key", "U+202E"), (refused.Error.Code, refused.Error.Field, refused.Error.CodePoint));
    }

    [Fact]
    public async Task The_NUL_name_and_the_RTL_spoof_of_the_report_are_refused_and_nothing_is_stored()
    {
        var before = await CountAsync();
        var nul = NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 901);
        ((Dictionary<string, object?>)nul["holder"]!)["name"] = "重庆\u0000示例公司";
        var spoof = NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 902);
        ((Dictionary<string, object?>)spoof["holder"]!)["name"] = "重庆\u202E司公限有技科\u202C示例";
        var legalRep = NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 903);
        legalRep["attributes"] = new Dictionary<string, string> { ["entityType"] = "有限责任公司", ["legalRep"] = "赵\u202E六" };

        (await SendAsync(nul)).AssertProblem(HttpStatusCode.BadRequest, "TEXT_CHARACTER_NOT_ALLOWED", "holder.name");
        var refused = await SendAsync(spoof);
        refused.AssertProblem(HttpStatusCode.BadRequest, "TEXT_CHARACTER_NOT_ALLOWED", "holder.name");
        Assert.Equal("U+202E", refused.Body.GetProperty("codePoint").GetString());
        (await SendAsync(legalRep)).AssertProblem(HttpStatusCode.BadRequest, "TEXT_CHARACTER_NOT_ALLOWED", "attributes.legalRep");
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Clean_text_is_stored_and_signed_in_NFC_and_lengths_count_characters()
    {
        var body = NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 904);
        ((Dictionary<string, object?>)body["holder"]!)["name"] = "Cafe\u0301 重庆示例有限公司";
        // 20 characters of CJK Extension B: 40 UTF-16 units, within legalRep's 20 characters.
        body["attributes"] = new Dictionary<string, string> { ["entityType"] = "有限责任公司", ["legalRep"] = string.Concat(Enumerable.Repeat("𠀀", 20)) };

        var response = await SendAsync(body);

        Assert.Equal(HttpStatusCode.Created, response.Status);
        var licence = response.Body.GetProperty("licence");
        Assert.Equal("Caf\u00E9 重庆示例有限公司", licence.GetProperty("holder").GetProperty("name").GetString());
        var verified = await node.Client().SendAsync(HttpMethod.Post, "/api/v1/verify", new { qrText = response.Body.GetProperty("qrText").GetString() });
        Assert.Equal("VALID", verified.Body.GetProperty("result").GetProperty("verdict").GetString());
        Assert.Equal(0, verified.Body.GetProperty("result").GetProperty("warnings").GetArrayLength());
        Assert.Equal("Caf\u00E9 重庆示例有限公司", verified.Body.GetProperty("result").GetProperty("summary").GetProperty("holder").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Reasons_of_status_changes_follow_the_policy()
    {
        var licence = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 905);
        var path = $"/api/v1/licences/{licence.GetProperty("identifier").GetString()}/revoke";

        var refused = await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, path, new { reason = "违法\u202E经营" });

        refused.AssertProblem(HttpStatusCode.BadRequest, "TEXT_CHARACTER_NOT_ALLOWED", "reason");
        Assert.Equal(HttpStatusCode.OK, (await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, path, new { reason = "违法经营" })).Status);
    }

    [Fact]
    public async Task The_CLI_batch_reports_the_row_field_and_code_point()
    {
        var folder = Directory.CreateTempSubdirectory("lt-text-").FullName;
        try
        {
            var file = Path.Combine(folder, "rows.jsonl");
            var good = Row(NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 906), null);
            var bad = Row(NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 907), "重庆\u202E司公限有技科\u202C示例");
            await File.WriteAllLinesAsync(file, [good, bad]);
            var database = Path.Combine(folder, "cq.db");

            var run = await Programs.RunAsync(Programs.Cli,
                $"issue batch {file} --sqlite {database} --authority 11500000MB1A00011N --keys {Testing.RepositoryPaths.KeysSample}{Programs.NoApproval("11500000MB1A00011N")}");

            Assert.Equal(3, run.Code);
            Assert.Contains("issued 1,", run.Output, StringComparison.Ordinal);
            var report = await File.ReadAllLinesAsync(file + ".errors.csv");
            Assert.Equal(2, report.Length);
            Assert.StartsWith("2,TEXT_CHARACTER_NOT_ALLOWED,holder.name,", report[1], StringComparison.Ordinal);
            Assert.Contains("U+202E", report[1], StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }

        static string Row(Dictionary<string, object?> body, string? holderName)
        {
            var holder = (Dictionary<string, object?>)body["holder"]!;
            return JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["typeCode"] = body["typeCode"], ["number"] = body["number"], ["holderName"] = holderName ?? holder["name"], ["holderCodeType"] = holder["codeType"],
                ["holderCode"] = holder["code"], ["areaCode"] = body["areaCode"], ["validFrom"] = body["validFrom"], ["attributes"] = body["attributes"],
            });
        }
    }

    private static string Insert(string value, string bad) => value.Length < 2 ? bad + value : value[..1] + bad + value[1..];

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(Dictionary<string, object?> body) =>
        await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, "/api/v1/licences", body);

    private async Task<long> CountAsync() =>
        (await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Get, "/api/v1/licences?pageSize=1")).Body.GetProperty("total").GetInt64();
}
