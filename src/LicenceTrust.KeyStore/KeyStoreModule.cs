using LicenceTrust.Core.Identifiers;
using LicenceTrust.Issuance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LicenceTrust.KeyStore;

/// <summary>Which key directory the KeyStore module opens, and how.</summary>
/// <param name="Directory">The key directory (absolute).</param>
/// <param name="Named">How the operator named it (<c>Node:KeysDirectory</c>, <c>--keys</c>), for messages.</param>
/// <param name="Province">The node's province: only its folder is read.</param>
/// <param name="Access">The passphrase and whether plaintext keys are allowed; a registered <see cref="Pkcs11Token"/> is added to it.</param>
public sealed record KeyStoreSite(string Directory, string Named, Province Province, KeyAccess Access);

/// <summary>
/// The KeyStore module composes itself: this province's keys, read once from its folder of the key
/// directory (a PKCS#11 token, when its host registers one, holds the keys named by <c>.key.pkcs11</c>
/// files), and the issuer keys Issuance signs with. The node and the CLI compose with this same call.
/// </summary>
public static class KeyStoreModule
{
    public static IServiceCollection AddKeyStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        // Only this province's folder is read: a peer's issuers come from its signed trust list, never from
        // files (another province's folder, as in keys-sample/, is not read, so needs no passphrase or token).
        services.TryAddSingleton(sp =>
        {
            var site = sp.GetRequiredService<KeyStoreSite>();
            if (!System.IO.Directory.Exists(Path.Combine(site.Directory, site.Province.NodeId)))
            {
                throw new InvalidDataException($"{site.Named}: no {site.Province.NodeId}/ key folder for this node's province.");
            }

            return KeyDirectory.Load(site.Directory, site.Province, site.Access with { Token = site.Access.Token ?? sp.GetService<Pkcs11Token>() });
        });
        services.TryAddSingleton<IIssuerKeys>(sp => new ProvinceIssuerKeys(sp.GetRequiredService<ProvinceKeys>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
