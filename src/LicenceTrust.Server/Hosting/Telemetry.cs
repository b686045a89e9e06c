using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using LicenceTrust.Federation;
using LicenceTrust.Issuance;
using LicenceTrust.Verification;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// The node's telemetry. Metrics are scraped by Prometheus at <c>/metrics</c>: verifications by verdict
/// and reason and their duration, licences issued and status changes, each peer's data age, revocation
/// propagation delay, and ASP.NET Core's own request metrics. Traces (verify, issue, status change,
/// peer sync, requests in and out, PostgreSQL commands) go to an OTLP collector when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and carry W3C trace context to peers. Logs are JSON lines
/// (see <see cref="AddNodeLogging"/>). No metric, span or log line carries personal data: spans name
/// routes, never paths, because a path can hold a licence identifier.
/// </summary>
public static partial class Telemetry
{
    public const string NodeMeterName = "LicenceTrust.Node";

    public static void AddNodeTelemetry(this WebApplicationBuilder builder)
    {
        var province = builder.Configuration[$"{NodeOptions.Section}:{nameof(NodeOptions.Province)}"] ?? "cq";
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("licencetrust-node", serviceInstanceId: $"{province}-{Environment.MachineName}-{Environment.ProcessId}")
                .AddAttributes([new("licencetrust.province", province)]))
            .WithMetrics(metrics => metrics
                .AddMeter(VerificationService.MeterName, IssuanceService.MeterName, StaffAccounts.MeterName, PeerSync.MeterName, NodeMeterName)
                // The runtime's own meter: GC collections by generation and pause time, for tuning the GC on small boxes.
                .AddMeter("System.Runtime")
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter());
        builder.Services.AddHostedService<PeerAgeGauges>();

        if (builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is not { Length: > 0 } endpoint)
        {
            // No exporter, no activity per request: a propagation-only W3C context cost 5-7 % of the
            // cheapest verification path (docs/performance-history.md). Problems then carry the request id, which
            // the log lines' RequestId scope carries too (docs/observability.md).
            return;
        }

        var grpc = builder.Configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] == "grpc";
        var delay = int.TryParse(builder.Configuration["OTEL_BSP_SCHEDULE_DELAY"], CultureInfo.InvariantCulture, out var ms) ? ms : 5000;
        telemetry.WithTracing(tracing => tracing
            .AddSource(VerificationService.MeterName, IssuanceService.MeterName, PeerSync.MeterName, "Npgsql")
            .AddAspNetCoreInstrumentation(o =>
            {
                // Probes and scrapes would drown the traces that matter.
                o.Filter = context => !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/metrics");
                o.EnrichWithHttpResponse = (activity, response) =>
                {
                    activity.SetTag("url.path", (response.HttpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)");
                    activity.SetTag("url.query", null);
                };
            })
            .AddHttpClientInstrumentation(o => o.EnrichWithHttpRequestMessage = (activity, request) =>
            {
                if (request.RequestUri is { } uri)
                {
                    activity.SetTag("url.full", uri.GetLeftPart(UriPartial.Authority) + RedactPath(uri.AbsolutePath));
                }
            })
            .AddOtlpExporter(o =>
            {
                o.Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                o.Endpoint = grpc ? new Uri(endpoint) : new Uri(endpoint.TrimEnd('/') + "/v1/traces");
                o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = delay;
            }));
    }

    /// <summary>
    /// Logs are JSON lines on the console, with the trace and span ids in their scopes, so a problem's
    /// <c>traceId</c> leads to its log lines and its trace. ASP.NET Core's own Information lines print
    /// whole URLs, so that category starts at Warning; both can be changed in configuration.
    /// </summary>
    public static void AddNodeLogging(this WebApplicationBuilder builder)
    {
        if (builder.Configuration["Logging:Console:FormatterName"] is null)
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                // Chinese stays readable in the lines instead of \uXXXX escapes.
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            });
        }

        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] is null)
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }

        // Hosting opens a scope with the request path around every line logged in a request, and a path
        // can hold a licence identifier. With its category off the scope is not opened; the trace and
        // span ids stay. (Unhandled errors are still logged, by the exception handler and ProblemMapper.)
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
    }

    /// <summary>A request path as it may appear in telemetry: a licence identifier after <c>/licences/</c> becomes <c>{identifier}</c>.</summary>
    public static string RedactPath(string path) => LicencePath().Replace(path, "/licences/{identifier}");

    [GeneratedRegex("/licences/[^/]+")]
    private static partial Regex LicencePath();

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
