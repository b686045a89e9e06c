using LicenceTrust.AuthorityConsole;
using LicenceTrust.Federation;
using LicenceTrust.Server.Endpoints;

namespace LicenceTrust.Server.Hosting;

/// <summary>The console dashboard's view of the peers: the same computation as <c>/api/v1/federation/peers</c>.</summary>
internal sealed class PeerFreshness(FederationPeers peers, FederatedTrust trust, TimeProvider time) : IPeerFreshness
{
    public IReadOnlyList<PeerSummary> Current()
    {
        var now = time.GetUtcNow();
        var set = peers.Current;
        return [.. set.States.Select(p =>
        {
            var view = FederationApi.ViewOf(p.Key, p.Value, set.Recognitions[p.Key], trust, now);
            return new PeerSummary(p.Key.NodeId, p.Key.NameZh, p.Key.NameEn, view.TrustListFresh, view.TrustListAgeSeconds, view.StatusFresh, view.OldestStatusListAgeSeconds, view.LastPropagationDelayMs);
        })];
    }
}
