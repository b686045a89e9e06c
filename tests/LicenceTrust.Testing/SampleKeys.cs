using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Pki;
using LicenceTrust.KeyStore;

namespace LicenceTrust.Testing;

/// <summary>The committed keys-sample/ directory, loaded once per test run.</summary>
public static class SampleKeys
{
    private static readonly Lazy<IReadOnlyList<ProvinceKeys>> Loaded = new(() => KeyDirectory.Load(RepositoryPaths.KeysSample));
    private static readonly Lazy<TrustStore> Store = new(() => KeyDirectory.TrustStoreOf(Loaded.Value));

    public static IReadOnlyList<ProvinceKeys> Provinces => Loaded.Value;

    /// <summary>Both roots and all sample issuers.</summary>
    public static TrustStore TrustStore => Store.Value;

    public static ProvinceKeys Of(Province province) => Provinces.Single(p => p.Province == province);

    /// <summary>The sample issuer key of the authority that issued the licence.</summary>
    public static IssuerKey IssuerOf(Licence licence) =>
        Provinces.SelectMany(p => p.Issuers).Single(i => i.Certificate.AuthorityCode == licence.AuthorityCode);

    /// <summary>An issuer key of the province whose algorithm is the given one.</summary>
    public static IssuerKey IssuerWith(Province province, Core.Crypto.SignatureAlgorithm algorithm) =>
        Of(province).Issuers.First(i => i.Certificate.Algorithm == algorithm);
}
