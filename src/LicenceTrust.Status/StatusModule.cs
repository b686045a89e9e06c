using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Status;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LicenceTrust.Status;

/// <summary>What the Status module needs from its host: where it is, its lists' public base and the key that signs them.</summary>
/// <param name="Province">The node's province: its own licences are the ones answered here.</param>
/// <param name="StatusListBase">The absolute base of the status lists' URIs (the list number is appended).</param>
/// <param name="ListSigner">The province's list-signing key.</param>
/// <param name="ListSignerCertificateDer">Its certificate.</param>
/// <param name="CacheLifetime">How old a list in memory may be before the background reload (<c>Node:StatusCacheMilliseconds</c>).</param>
/// <param name="MaxAge">How long a served list may be cached by a reader (<c>Node:StatusListMaxAgeSeconds</c>).</param>
public sealed record StatusSite(Province Province, string StatusListBase, ICredentialSigner ListSigner, byte[] ListSignerCertificateDer, TimeSpan CacheLifetime, TimeSpan MaxAge);

/// <summary>
/// The Status module composes itself: this node's own status lists in memory (the own-province status
/// source of verification, and Issuance's sink of committed changes) and their signed publication. Its
/// host registers the <see cref="StatusSite"/> (from the node's settings, validated at start) and the
/// <see cref="IStatusListStore"/>.
/// </summary>
public static class StatusModule
{
    public static IServiceCollection AddStatus(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PublicationSignal>();
        services.TryAddSingleton(sp =>
        {
            var site = sp.GetRequiredService<StatusSite>();
            return new OwnStatusLists(sp.GetRequiredService<IStatusListStore>(), site.Province, sp.GetRequiredService<TimeProvider>(), site.CacheLifetime, site.StatusListBase,
                sp.GetRequiredService<PublicationSignal>());
        });
        services.TryAddSingleton<IStatusChangeSink>(sp => sp.GetRequiredService<OwnStatusLists>());
        services.TryAddKeyedSingleton<IStatusSource>(StatusSources.OwnProvince, (sp, _) => sp.GetRequiredService<OwnStatusLists>());
        services.TryAddSingleton(sp =>
        {
            var site = sp.GetRequiredService<StatusSite>();
            return new StatusListPublisher(sp.GetRequiredService<IStatusListStore>(), site.ListSigner, site.ListSignerCertificateDer, site.StatusListBase, site.MaxAge, sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<IStatusListIndex>(sp => sp.GetRequiredService<StatusListPublisher>());
        return services;
    }
}
