using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Federation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LicenceTrust.Sharing;

/// <summary>What the Sharing module needs from its host: this node's province and its matter catalogue (the shipped one, or <c>Node:Matters</c>).</summary>
public sealed record SharingSite(Province Own, MatterCatalogue Matters);

/// <summary>
/// The Sharing module composes itself (docs/federation.md §9): consent codes, the home node's answer to a peer's
/// evidence request, and a window's fetch. Its host registers the <see cref="SharingSite"/>, the
/// <see cref="ISharingStore"/> and the <see cref="ISharingAudit"/>; the Federation module gives the peers and the trust.
/// </summary>
public static class SharingModule
{
    public static IServiceCollection AddSharing(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => sp.GetRequiredService<SharingSite>().Matters);
        services.TryAddSingleton(sp => new ConsentCodes(sp.GetRequiredService<ISharingStore>(), sp.GetRequiredService<ISharingAudit>(), sp.GetRequiredService<SharingSite>().Own,
            sp.GetRequiredService<LicenceTypeCatalogue>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new EvidenceProvider(sp.GetRequiredService<FederationPeers>(), sp.GetRequiredService<FederatedTrust>(), sp.GetRequiredService<MatterCatalogue>(),
            sp.GetRequiredService<ConsentCodes>(), sp.GetRequiredService<ISharingStore>(), sp.GetRequiredService<ISharingAudit>(), sp.GetRequiredService<SharingSite>().Own,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new EvidenceRequester(sp.GetRequiredService<FederationPeers>(), sp.GetRequiredService<FederationSite>(), sp.GetRequiredService<EvidenceProvider>(),
            sp.GetRequiredService<MatterCatalogue>(), sp.GetRequiredService<ISharingStore>(), sp.GetRequiredService<ISharingAudit>(), sp.GetRequiredService<SharingSite>().Own,
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
