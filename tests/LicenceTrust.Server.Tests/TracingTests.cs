using LicenceTrust.Samples;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LicenceTrust.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Traces (issue 7): a node with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set sends its spans by OTLP/HTTP to
/// a collector, here a loopback listener that keeps the raw protobuf. The node runs on PostgreSQL, whose
/// client traces each command. Protobuf writes strings and trace
/// ids as plain bytes, so what a span says (and must not say) can be looked for directly.
/// </summary>
public sealed class TracingTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<byte[]> _exports = new();
    private readonly ConcurrentQueue<string> _peerTraceparents = new();
    private readonly int _collectorPort = FreePorts.Next();
    private WebApplication _collector = null!;
    private NodeFixture _node = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_collectorPort}");
        _collector = builder.Build();
        _collector.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            _exports.Enqueue(body.ToArray());
            return Results.Ok();
        });
        // The same listener stands in for a peer that is down: what matters is the trace context the node sends
        // (on whichever request a pass starts with: the status-list index, docs/federation.md §3.2).
        _collector.MapGet("/{**path}", (HttpRequest request) =>
        {
            _peerTraceparents.Enqueue(request.Headers["traceparent"].ToString());
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        });
        await _collector.StartAsync();
        // On PostgreSQL, so the database commands' spans (Npgsql's) are exported and checked too.
        _node = new NodeFixture
        {
            ExtraArgs =
            [
                $"--OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:{_collectorPort}", "--OTEL_BSP_SCHEDULE_DELAY=100",
                "--Node:DatabaseProvider=postgres", $"--Node:ConnectionString={PostgresServer.CreateDatabase()}",
                "--Node:Peers:0:Province=sc", $"--Node:Peers:0:BaseUrl=http://127.0.0.1:{_collectorPort}",
                $"--Node:Peers:0:RootFingerprint={SampleKeys.Of(SampleProvinces.Sichuan).Root.Fingerprint}",
                "--Node:Peers:0:SyncIntervalSeconds=0.5", "--Node:Peers:0:TimeoutSeconds=1",
            ],
        };
        await _node.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _collector.DisposeAsync();
    }

    [Fact]
    public async Task Verify_issue_and_status_change_are_traced_tied_to_the_problem_traceId_and_carry_no_personal_data()
    {
        var body = NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 981);
        using var issue = await _node.Client(_node.RegulatorKey).PostAsJsonAsync("/api/v1/licences", body);
        var issued = await issue.Content.ReadFromJsonAsync<JsonElement>();
        var identifier = issued.GetProperty("identifier").GetString()!;
        var qr = issued.GetProperty("qrText").GetString()!;
        using (await _node.Client().PostAsJsonAsync("/api/v1/verify", new { qrText = qr }))
        using (await _node.Client(_node.RegulatorKey).PostAsJsonAsync($"/api/v1/licences/{identifier}/revoke", new { reason = "吊销" }))
        using (await _node.Client().PostAsJsonAsync("/api/v1/verify", new { qrText = qr }))
        using (await _node.Client(_node.AdminKey).GetAsync($"/api/v1/licences/{identifier}"))
        {
        }

        using var refused = await _node.Client(_node.RegulatorKey).PostAsync("/api/v1/licences", new StringContent("{\"typeCode\":", Encoding.UTF8, "application/json"));
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var traceId = Convert.FromHexString(problem.GetProperty("traceId").GetString()!.Split('-')[1]);

        var exported = await WaitForAsync(all => Contains(all, traceId) && Contains(all, "licencetrust.status_change") && Contains(all, "REVOKED"));

        foreach (var expected in new[]
        {
            "licencetrust.verify", "licencetrust.issue", "licencetrust.status_change", "licencetrust-node",
            "licencetrust.verdict", "VALID", "INVALID", "licencetrust.status_source", "POST /api/v1/licences/{identifier}/revoke",
            "INSERT INTO licences",
        })
        {
            Assert.True(Contains(exported, expected), $"no span says '{expected}'");
        }

        // Calls to a peer carry W3C trace context, and the sync pass that made them is exported under that trace.
        var traceparent = _peerTraceparents.FirstOrDefault(t => t.Length > 0);
        Assert.NotNull(traceparent);
        var peerTrace = Convert.FromHexString(traceparent.Split('-')[1]);
        Assert.True(Contains(await WaitForAsync(all => Contains(all, peerTrace) && Contains(all, "licencetrust.peer_sync")), peerTrace), "the peer call's trace was not exported");

        var holder = (Dictionary<string, object?>)body["holder"]!;
        foreach (var personal in new[] { (string)holder["name"]!, (string)holder["code"]!, (string)body["number"]!, identifier, qr[..40] })
        {
            Assert.False(Contains(exported, personal), $"a span carries '{personal}'");
        }
    }

    private async Task<byte[]> WaitForAsync(Func<byte[], bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var all = _exports.SelectMany(b => b).ToArray();
            if (done(all) || DateTime.UtcNow > deadline)
            {
                return all;
            }

            await Task.Delay(100);
        }
    }

    private static bool Contains(byte[] exported, string text) => Contains(exported, Encoding.UTF8.GetBytes(text));

    private static bool Contains(byte[] exported, byte[] bytes) => exported.AsSpan().IndexOf(bytes) >= 0;
}
