using System.Text.Json;
using System.Text.Json.Nodes;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The node's OpenAPI document is a contract: it must equal docs/openapi.json, so every change to it
/// shows in review. After an intended change: LICENCETRUST_UPDATE_OPENAPI=1 dotnet test --filter OpenApi.
/// </summary>
public class OpenApiSnapshotTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static readonly string Snapshot = Path.Combine(RepositoryPaths.Root, "docs", "openapi.json");

    [Fact]
    public async Task The_served_document_equals_the_committed_snapshot()
    {
        var served = Normalise(await node.Client().GetStringAsync("/openapi/v1.json"));
        if (Environment.GetEnvironmentVariable("LICENCETRUST_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(Snapshot, served);
        }

        Assert.True(File.Exists(Snapshot), "docs/openapi.json is missing: run with LICENCETRUST_UPDATE_OPENAPI=1");
        Assert.Equal(Normalise(await File.ReadAllTextAsync(Snapshot)), served);
    }

    [Fact]
    public async Task Every_API_operation_documents_its_problem_responses()
    {
        var document = JsonNode.Parse(await node.Client().GetStringAsync("/openapi/v1.json"))!;
        var operations = document["paths"]!.AsObject()
            .Where(p => p.Key.StartsWith("/api/v1/", StringComparison.Ordinal))
            .SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Responses: o.Value!["responses"]!.AsObject())))
            .ToList();

        Assert.True(operations.Count >= 17);
        // NSwag lists problems under application/json with the ProblemDetails schema; the node sends them
        // as application/problem+json.
        Assert.All(operations, o => Assert.Contains(o.Responses, r =>
            r.Key.StartsWith('4') && (r.Value!.ToJsonString().Contains("#/components/schemas/ProblemDetails", StringComparison.Ordinal))));
        Assert.Null(document["servers"]?.AsArray().FirstOrDefault());
    }

    private static string Normalise(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
}
