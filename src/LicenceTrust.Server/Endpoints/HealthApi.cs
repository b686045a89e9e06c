using LicenceTrust.Core.Results;
using LicenceTrust.Federation;
using LicenceTrust.Server.Hosting;
using LicenceTrust.Storage;

namespace LicenceTrust.Server.Endpoints;

/// <summary>Readiness: the database answers; and how fresh each peer's data is.</summary>
/// <param name="Status"><c>ready</c>, or <c>degraded</c> when a peer's data is stale (own licences still verify).</param>
public sealed record ReadinessView(string Status, string Database, IReadOnlyList<PeerStateView> Peers);

/// <summary>Liveness (the process answers) and readiness (the database answers; peer freshness reported).</summary>
public static class HealthApi
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Text("ok")).Produces(StatusCodes.Status200OK, contentType: "text/plain").WithProblems(429).WithName("Live").WithSummary("Liveness: the process answers");
        app.MapGet("/health/ready", async (IDatabase database, FederationPeers peers, FederatedTrust trust, TimeProvider time, CancellationToken cancellationToken) =>
        {
            if (!await database.AnswersAsync(cancellationToken))
            {
                throw new LicenceTrustException(new LicenceTrustError(ErrorKind.Unavailable, "DATABASE_UNAVAILABLE", "数据库不可用 (the database does not answer)."));
            }

            var now = time.GetUtcNow();
            var states = peers.States.Select(p => FederationApi.ViewOf(p.Key, p.Value, peers.Recognitions[p.Key], trust, now)).ToList();
            // Readiness stays 200 with stale peers: this node still serves its own province; "degraded" says the rest.
            return Results.Ok(new ReadinessView(states.All(s => s.TrustListFresh && s.StatusFresh) ? "ready" : "degraded", "ok", states));
        }).Produces<ReadinessView>().WithProblems(429, 503).WithName("Ready").WithSummary("Readiness: the database answers; peers' freshness");
    }
}
