using LicenceTrust.Core.Identifiers;
using LicenceTrust.Issuance;

namespace LicenceTrust.KeyStore;

/// <summary>The issuance module's signing keys, from one province's key directory (read once).</summary>
public sealed class ProvinceIssuerKeys(ProvinceKeys keys) : IIssuerKeys
{
    public IssuerSigning? Find(string authorityCode, LicenceTypeCode type) =>
        keys.Issuers.Where(i => i.Certificate.AuthorityCode == authorityCode && i.Certificate.Allows(type))
            .Select(i => new IssuerSigning(i.Certificate, i.Key))
            .FirstOrDefault();

    public bool Knows(string authorityCode) => keys.Issuers.Any(i => i.Certificate.AuthorityCode == authorityCode);
}
