using LicenceTrust.Core.Identifiers;
using LicenceTrust.Issuance;
using LicenceTrust.KeyStore;

namespace LicenceTrust.Server.Hosting;

/// <summary>The issuer keys of this node's province, read once from the key directory.</summary>
public sealed class FileIssuerKeys(ProvinceKeys keys) : IIssuerKeys
{
    public IssuerSigning? Find(string authorityCode, LicenceTypeCode type) =>
        keys.Issuers.Where(i => i.Certificate.AuthorityCode == authorityCode && i.Certificate.Allows(type))
            .Select(i => new IssuerSigning(i.Certificate, i.Key))
            .FirstOrDefault();

    public bool Knows(string authorityCode) => keys.Issuers.Any(i => i.Certificate.AuthorityCode == authorityCode);
}
