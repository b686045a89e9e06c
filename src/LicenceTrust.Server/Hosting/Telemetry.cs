using System.Diagnostics.Metrics;
using LicenceTrust.Federation;
using LicenceTrust.Issuance;
using LicenceTrust.Verification;
using OpenTelemetry.Metrics;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// OpenTelemetry metrics of the node, scraped by Prometheus at <c>/metrics</c>: verifications by verdict
/// and reason and their duration, licences issued and status changes, each peer's data age, revocation
/// propagation delay, and ASP.NET Core's own request metrics. No metric carries personal data.
/// </summary>
public static class Telemetry
{
    public const string NodeMeterName = "LicenceTrust.Node";

    public static void AddNodeTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(VerificationService.MeterName, IssuanceService.MeterName, PeerSync.MeterName, NodeMeterName)
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());
        builder.Services.AddHostedService<PeerAgeGauges>();
    }

    /// <summary>Publishes how old each peer's trust list and oldest status list are, as observed now.</summary>
    private sealed class PeerAgeGauges(FederationPeers peers, FederatedTrust trust, TimeProvider time) : IHostedService
    {
        private readonly Meter _meter = new(NodeMeterName);

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _meter.CreateObservableGauge("licencetrust.federation.trust_list_age", () =>
                peers.States.Keys.Select(p => trust.Peer(p) is { } peer
                    ? new Measurement<double>((time.GetUtcNow() - peer.FetchedAt).TotalSeconds, new KeyValuePair<string, object?>("peer", p.NodeId))
                    : new Measurement<double>(double.NaN, new KeyValuePair<string, object?>("peer", p.NodeId))), "s", "Age of each peer's trust list at this node.");
            _meter.CreateObservableGauge("licencetrust.federation.status_list_age", () =>
                peers.States.Select(p => new Measurement<double>(
                    p.Value.StatusLists.Values.Select(l => (time.GetUtcNow() - l.FetchedAt).TotalSeconds).DefaultIfEmpty(double.NaN).Max(),
                    new KeyValuePair<string, object?>("peer", p.Key.NodeId))), "s", "Age of the oldest status list of each peer at this node.");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            _meter.Dispose();
            return Task.CompletedTask;
        }
    }
}
