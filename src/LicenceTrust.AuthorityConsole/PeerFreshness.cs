namespace LicenceTrust.AuthorityConsole;

/// <summary>One peer province's freshness, as <c>/api/v1/federation/peers</c> reports it.</summary>
public sealed record PeerSummary(string Province, string NameZh, string NameEn, bool TrustListFresh, double? TrustListAgeSeconds, bool StatusFresh, double? StatusAgeSeconds, double? LastPropagationMilliseconds);

/// <summary>The peers' freshness for the dashboard; the host supplies it from the Federation capability, computed once, as the API shows it.</summary>
public interface IPeerFreshness
{
    IReadOnlyList<PeerSummary> Current();
}
