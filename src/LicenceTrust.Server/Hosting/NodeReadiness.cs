using LicenceTrust.Core.Results;
using LicenceTrust.Federation;
using LicenceTrust.Server.Endpoints;
using LicenceTrust.Storage;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// Whether the node is ready: its database answers, and how fresh each peer's data is. Readiness stays
/// ready-but-degraded with stale peers: the node still serves its own province. A peer that has not
/// answered yet within its start-up grace makes it <c>starting</c> instead (peers started together).
/// </summary>
public sealed class NodeReadiness(IDatabase database, FederationPeers peers, FederatedTrust trust, RestoreGuard restore, TimeProvider time)
{
    /// <exception cref="LicenceTrustException">DATABASE_UNAVAILABLE (503) when the database does not answer.</exception>
    public async Task<ReadinessView> CheckAsync(CancellationToken cancellationToken)
    {
        if (!await database.AnswersAsync(cancellationToken))
        {
            throw new LicenceTrustException(new LicenceTrustError(ErrorKind.Unavailable, "DATABASE_UNAVAILABLE", "数据库不可用 (the database does not answer)."));
        }

        var now = time.GetUtcNow();
        var set = peers.Current;
        var states = set.States.Select(p => FederationApi.ViewOf(p.Key, p.Value, set.Recognitions[p.Key], trust, now)).ToList();
        var behind = states.Where(s => !(s.TrustListFresh && s.StatusFresh)).ToList();
        var status = behind.Count == 0 ? "ready" : behind.All(s => s.Starting) ? "starting" : "degraded";
        return new ReadinessView(status, "ok", states, restore.Last);
    }
}
