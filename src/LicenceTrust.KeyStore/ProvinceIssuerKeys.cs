using LicenceTrust.Core.Identifiers;
using LicenceTrust.Issuance;

namespace LicenceTrust.KeyStore;

/// <summary>
/// The issuance module's signing keys, from one province's key directory (read once). An authority may
/// hold several certificates: after a key rotation its successor's certificate starts at the moment the
/// operator chose (its not-before, <c>licencetrust keys issuer --from</c>), and from then on new licences
/// are signed with the successor; the predecessor stays in the directory, and so in the trust list, for
/// the licences it signed (docs/operations.md, "Rotating an issuer key").
/// </summary>
public sealed class ProvinceIssuerKeys(ProvinceKeys keys, TimeProvider? time = null) : IIssuerKeys
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The authority's certificate in force now that allows the type; of several, the one that started last.</summary>
    public IssuerSigning? Find(string authorityCode, LicenceTypeCode type)
    {
        var now = _time.GetUtcNow();
        return keys.Issuers
            .Where(i => i.Certificate.AuthorityCode == authorityCode && i.Certificate.Allows(type) && i.Certificate.NotBefore <= now && now < i.Certificate.NotAfter)
            .OrderByDescending(i => i.Certificate.NotBefore)
            .Select(i => new IssuerSigning(i.Certificate, i.Key))
            .FirstOrDefault();
    }

    public bool Knows(string authorityCode) => keys.Issuers.Any(i => i.Certificate.AuthorityCode == authorityCode);
}
