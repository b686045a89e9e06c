using System.Net.Http.Json;
using LicenceTrust.Samples;

namespace LicenceTrust.Server.Tests;

/// <summary>OpenTelemetry metrics scraped at /metrics (Prometheus text format), without personal data.</summary>
public class MetricsTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task Verifications_issuance_and_status_changes_are_counted_without_personal_data()
    {
        var issued = await node.IssueAsync(node.HrKey, SampleLicenceTypes.ProfessionalQualification, 970);
        var qr = issued.GetProperty("qrText").GetString();
        var holder = issued.GetProperty("licence").GetProperty("holder");
        using (await node.Client().PostAsJsonAsync("/api/v1/verify", new { qrText = qr }))
        using (await node.Client().PostAsJsonAsync("/api/v1/verify", new { qrText = "HC1:NOT-OURS" }))
        {
        }

        await node.Client(node.HrKey).SendAsync(HttpMethod.Post, $"/api/v1/licences/{issued.GetProperty("identifier").GetString()}/suspend", new { reason = "核查" });

        // The exporter collects on scrape; a short wait lets a first scrape's cache expire.
        string metrics = string.Empty;
        for (var attempt = 0; attempt < 40 && !metrics.Contains("licencetrust_status_changes", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(250);
            metrics = await node.Client().GetStringAsync("/metrics");
        }

        Assert.Contains("licencetrust_verifications_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("verdict=\"VALID\"", metrics, StringComparison.Ordinal);
        Assert.Contains("reason=\"PREFIX_MISSING\"", metrics, StringComparison.Ordinal);
        Assert.Contains("licencetrust_verification_duration_milliseconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("licencetrust_licences_issued_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("licencetrust_status_changes_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("status=\"SUSPENDED\"", metrics, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(holder.GetProperty("name").GetString()!, metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(holder.GetProperty("code").GetString()!, metrics, StringComparison.Ordinal);
    }
}
