using LicenceTrust.Federation;
using LicenceTrust.Issuance;
using LicenceTrust.Status;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LicenceTrust.Storage;

/// <summary>
/// The Storage module composes itself: every store on the <see cref="IDatabase"/> its host registers (the
/// node from its settings, the CLI from <c>--sqlite</c> or <c>--database</c>), and each narrow port of the
/// issuance store, so a consumer asks for the one it needs. The node and the CLI compose with this same call.
/// </summary>
public static class StorageModule
{
    public static IServiceCollection AddStores(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IssuanceStore>();
        services.TryAddSingleton<IIssuanceStore>(sp => sp.GetRequiredService<IssuanceStore>());
        services.TryAddSingleton<IIssuanceTransactions>(sp => sp.GetRequiredService<IIssuanceStore>());
        services.TryAddSingleton<ILicenceRegister>(sp => sp.GetRequiredService<IIssuanceStore>());
        services.TryAddSingleton<IAuditLog>(sp => sp.GetRequiredService<IIssuanceStore>());
        services.TryAddSingleton<IApprovalQueue>(sp => sp.GetRequiredService<IIssuanceStore>());
        services.TryAddSingleton<IBatchJobStore>(sp => sp.GetRequiredService<IIssuanceStore>());
        services.TryAddSingleton<IStatusListStore>(sp => sp.GetRequiredService<IssuanceStore>());
        services.TryAddSingleton<IApiKeyStore, ApiKeyStore>();
        services.TryAddSingleton<IFederationStore, FederationStore>();
        services.TryAddSingleton<LicenceTrust.Sharing.ISharingStore, SharingStore>();
        services.TryAddSingleton<IStaffStore, StaffStore>();
        services.TryAddSingleton<IOfficerStore, OfficerStore>();
        return services;
    }
}
