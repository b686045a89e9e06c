using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LicenceTrust.Verification;

/// <summary>What the Verification module needs from its host.</summary>
/// <param name="Province">The node's province: its licences' status comes from the own-province source.</param>
/// <param name="ClockSkew">The allowance around validity boundaries (<c>Node:ClockSkewSeconds</c>).</param>
/// <param name="SignatureMemoCapacity">About how many verified signatures are remembered (<c>Node:SignatureMemoCapacity</c>; 0 turns it off).</param>
public sealed record VerificationSite(Province Province, TimeSpan ClockSkew, int SignatureMemoCapacity);

/// <summary>
/// The Verification module composes itself: the pipeline, with its signature memo, Core's checks against
/// the registered <see cref="IIssuerDirectory"/>, the <see cref="ITrustPolicy"/>, and status by province
/// from the two keyed <see cref="IStatusSource"/>s the Status and Federation modules register.
/// </summary>
public static class VerificationModule
{
    public static IServiceCollection AddVerification(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SignatureMemo(sp.GetRequiredService<VerificationSite>().SignatureMemoCapacity));
        services.TryAddSingleton(sp =>
        {
            var site = sp.GetRequiredService<VerificationSite>();
            return new VerificationService(
                new CredentialVerifier(sp.GetRequiredService<IIssuerDirectory>(), new VerificationPolicy { ClockSkew = site.ClockSkew }, memo: sp.GetRequiredService<SignatureMemo>()),
                new StatusByProvince(site.Province, sp.GetRequiredKeyedService<IStatusSource>(StatusSources.OwnProvince), sp.GetRequiredKeyedService<IStatusSource>(StatusSources.OtherProvinces)),
                site.Province.NodeId,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ITrustPolicy>());
        });
        return services;
    }
}
