using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Status;

namespace LicenceTrust.Issuance;

/// <summary>A live licence (valid or suspended) found by its number: of which type, under which identifier.</summary>
public sealed record LiveNumber(string TypeCode, string Number, string Identifier);

/// <summary>Counts for the console's dashboard.</summary>
public sealed record LicenceCounts(IReadOnlyDictionary<LicenceStatus, long> ByStatus, IReadOnlyDictionary<string, long> ByType, long IssuedSince);

/// <summary>An issuer certificate with the signer of its key.</summary>
public sealed record IssuerSigning(IssuerCertificate Certificate, ICredentialSigner Signer);

/// <summary>The signing keys of this node's authorities (files, or an HSM).</summary>
public interface IIssuerKeys
{
    /// <summary>A key of the authority whose certificate allows the type, or null.</summary>
    IssuerSigning? Find(string authorityCode, Core.Identifiers.LicenceTypeCode type);

    /// <summary>Whether the node holds any key for the authority.</summary>
    bool Knows(string authorityCode);
}
