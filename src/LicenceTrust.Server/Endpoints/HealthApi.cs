using LicenceTrust.Server.Hosting;

namespace LicenceTrust.Server.Endpoints;

/// <summary>Readiness: the database answers; and how fresh each peer's data is.</summary>
/// <param name="Status"><c>ready</c>; <c>degraded</c> when a peer's data is stale (own licences still verify); <c>starting</c> when the only peers behind have not answered yet within their start-up grace.</param>
/// <param name="Restore">What the start-up comparison of the database with the peers' copies found and did (docs/operations.md, "Backup and restore").</param>
public sealed record ReadinessView(string Status, string Database, IReadOnlyList<PeerStateView> Peers, Federation.RestoreCheck Restore);

/// <summary>Liveness (the process answers) and readiness (the database answers; peer freshness reported).</summary>
public static class HealthApi
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Text("ok")).Produces(StatusCodes.Status200OK, contentType: "text/plain").WithProblems(429).WithName("Live").WithSummary("Liveness: the process answers");
        app.MapGet("/health/ready", async (NodeReadiness readiness, CancellationToken cancellationToken) => Results.Ok(await readiness.CheckAsync(cancellationToken)))
            .Produces<ReadinessView>().WithProblems(429, 503).WithName("Ready").WithSummary("Readiness: the database answers; peers' freshness");
    }
}
