using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LicenceTrust.Core.Licences;
using LicenceTrust.Samples;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>The federated pair logging at Information, the level a production node runs at.</summary>
public sealed class InformationLoggingPair : FederatedPair
{
    protected override string LogLevel => "Information";
}

/// <summary>
/// Logs (issue 7): every line a node writes is one JSON object (time, level, category, event, message,
/// trace ids in scopes), and a whole working day of requests, good and bad, at both nodes leaves no
/// personal data in them: no holder name or code, licence number, identifier, QR text or API key.
/// </summary>
public sealed class StructuredLogTests(InformationLoggingPair pair, ITestOutputHelper output) : IClassFixture<InformationLoggingPair>
{
    [Fact]
    public async Task Node_logs_are_JSON_lines_without_personal_data()
    {
        var key = pair.Key("cq", SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence).Code.Value);
        var body = NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 991);
        using var issue = await pair.Client("cq", key).PostAsJsonAsync("/api/v1/licences", body);
        var issued = await issue.Content.ReadFromJsonAsync<JsonElement>();
        var identifier = issued.GetProperty("identifier").GetString()!;
        var qr = issued.GetProperty("qrText").GetString()!;

        using var cq = pair.Client("cq", key);
        using var anonymous = pair.Client("sc");
        await pair.WaitForVerdictAsync("sc", qr, r => r.GetProperty("result").GetProperty("verdict").GetString() == "VALID", TimeSpan.FromSeconds(10));
        (await cq.PostAsJsonAsync($"/api/v1/licences/{identifier}/suspend", new { reason = "核查" })).Dispose();
        (await cq.GetAsync($"/api/v1/licences/{identifier}")).Dispose();
        (await cq.GetAsync($"/api/v1/licences?holderCode={Uri.EscapeDataString(Holder(body, "code"))}")).Dispose();
        (await cq.PostAsJsonAsync("/api/v1/licences", body)).Dispose(); // the same number again: 409
        (await cq.PostAsync("/api/v1/licences", new StringContent("{\"holder\":{\"name\":\"" + Holder(body, "name") + "\"", Encoding.UTF8, "application/json"))).Dispose();
        (await anonymous.PostAsJsonAsync("/api/v1/verify", new { qrText = qr })).Dispose();
        (await anonymous.PostAsJsonAsync("/api/v1/verify", new { qrText = qr[..^5] })).Dispose();
        (await anonymous.GetAsync($"/api/v1/licences/{identifier}/status")).Dispose();
        using (var wrongKey = pair.Client("cq", key[..^4] + "AAAA"))
        {
            (await wrongKey.GetAsync($"/api/v1/licences/{identifier}")).Dispose();
        }

        await Task.Delay(500); // the console logger writes from a queue
        var lines = pair.Output("cq").Concat(pair.Output("sc")).ToList();
        output.WriteLine($"{lines.Count} lines:\n{string.Join('\n', lines)}");
        Assert.True(lines.Count >= 4, "the nodes logged almost nothing");
        foreach (var line in lines)
        {
            using var entry = JsonDocument.Parse(line);
            foreach (var field in new[] { "Timestamp", "EventId", "LogLevel", "Category", "Message" })
            {
                Assert.True(entry.RootElement.TryGetProperty(field, out _), $"no {field} in {line}");
            }
        }

        foreach (var personal in new[] { Holder(body, "name"), Holder(body, "code"), (string)body["number"]!, identifier, qr[..40], key })
        {
            var leak = lines.FirstOrDefault(l => l.Contains(personal, StringComparison.Ordinal) || l.Contains(JsonEncodedText.Encode(personal).ToString(), StringComparison.Ordinal));
            Assert.True(leak is null, $"'{personal}' is in the log: {leak}");
        }
    }

    private static string Holder(Dictionary<string, object?> body, string field) => (string)((Dictionary<string, object?>)body["holder"]!)[field]!;
}
