using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Status;
using LicenceTrust.Verification;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LicenceTrust.Federation;

/// <summary>What the Federation module needs from its host: this province's root and issuers, its list signer, and its lists' lifetime.</summary>
/// <param name="Root">This province's root (its own issuers chain to it).</param>
/// <param name="OwnIssuers">This province's issuer certificates, from its key directory.</param>
/// <param name="ListSigner">The list-signing key.</param>
/// <param name="ListSignerCertificateDer">Its certificate.</param>
/// <param name="TrustListLifetime">How long a signed trust list is current (<c>Node:TrustListLifetimeHours</c>).</param>
/// <param name="StatusListBase">The absolute base of this node's status lists, put in its trust list as the template.</param>
/// <param name="ReplicaWatch">How often to look in the database for peer documents another replica fetched (<c>Node:ReplicaWatchMilliseconds</c>); zero: never.</param>
public sealed record FederationSite(TrustAnchor Root, IReadOnlyList<IssuerCertificate> OwnIssuers, ICredentialSigner ListSigner, byte[] ListSignerCertificateDer, TimeSpan TrustListLifetime, string StatusListBase,
    TimeSpan ReplicaWatch = default);

/// <summary>
/// The Federation module composes itself: the trust this node holds (its own issuers, the peers' from
/// their signed lists), its signed trust list and withdrawals, the start-up check against the peers, the
/// notices, the push of this node's changes and the inbox of the peers', the recognition policy and the other
/// provinces' status source. Its host registers the <see cref="FederationSite"/>, the <see cref="FederationPeers"/>
/// (which need the host's TLS and files), the <see cref="IFederationStore"/>, the <see cref="ITrustAudit"/> and the
/// <see cref="IStatusListIndex"/> (the Status module's).
/// </summary>
public static class FederationModule
{
    public static IServiceCollection AddFederation(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        // Own issuers come from the key directory; a peer's only from its signed, synced trust list.
        services.TryAddSingleton(sp => new FederatedTrust(sp.GetRequiredService<FederationSite>().Root, sp.GetRequiredService<FederationSite>().OwnIssuers));
        services.TryAddSingleton<IIssuerDirectory>(sp => sp.GetRequiredService<FederatedTrust>());
        services.TryAddSingleton<RestoreGuard>();
        services.TryAddSingleton(sp =>
        {
            var site = sp.GetRequiredService<FederationSite>();
            return new TrustAuthority(sp.GetRequiredService<FederatedTrust>(), sp.GetRequiredService<IFederationStore>(), site.ListSigner, site.ListSignerCertificateDer,
                sp.GetRequiredService<TimeProvider>(), site.TrustListLifetime, StatusUriTemplate.FromBase(site.StatusListBase), sp.GetRequiredService<PublicationSignal>());
        });
        services.TryAddSingleton<PublicationSignal>();
        services.TryAddSingleton<NoticeSender>();
        // Push (docs/federation.md §3): this node's changes go out at once, the peers' come in through the inbox.
        services.TryAddSingleton<ChangeInbox>();
        services.TryAddSingleton<ChangeAnnouncer>();
        services.AddHostedService(sp => sp.GetRequiredService<ChangeAnnouncer>());
        services.TryAddSingleton<IssuerWithdrawals>();
        services.TryAddSingleton<ITrustPolicy>(sp =>
        {
            var peers = sp.GetRequiredService<FederationPeers>();
            var authority = sp.GetRequiredService<TrustAuthority>();
            return new FederationPolicy(sp.GetRequiredService<FederatedTrust>(), () => peers.Current, () => authority.Sequence);
        });
        services.TryAddKeyedSingleton<IStatusSource>(StatusSources.OtherProvinces, (sp, _) =>
        {
            var peers = sp.GetRequiredService<FederationPeers>();
            return new FederatedStatusSource(() => peers.Current, sp.GetRequiredService<FederatedTrust>(), sp.GetRequiredService<TimeProvider>());
        });
        services.AddHostedService<FederationSyncService>();
        return services;
    }
}
