using System.Security.Cryptography;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.X509;

namespace LicenceTrust.Core.Pki;

/// <summary>
/// An issuer (document-signing) certificate with what LicenceTrust reads from it: the authority code,
/// the allowed licence types, the kid and a cached verification key. Parsing checks the shape
/// (end entity, digitalSignature, licence-signing EKU); the chain is checked by <see cref="PkiRules"/>.
/// Immutable; thread-safe.
/// </summary>
public sealed class IssuerCertificate
{
    private readonly HashSet<string> _allowedTypes;

    private IssuerCertificate(X509Certificate certificate, byte[] der, string authorityCode, string authorityName, Province province, HashSet<string> allowedTypes, VerificationKey key)
    {
        Certificate = certificate;
        Der = der;
        AuthorityCode = authorityCode;
        AuthorityName = authorityName;
        Province = province;
        _allowedTypes = allowedTypes;
        Key = key;
        Kid = KeyId.ForCertificate(der);
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(der));
    }

    internal X509Certificate Certificate { get; }

    public ReadOnlyMemory<byte> Der { get; }

    /// <summary>The kid credentials signed with this key carry.</summary>
    public KeyId Kid { get; }

    public string Fingerprint { get; }

    /// <summary>organizationIdentifier: the authority's unified social credit code.</summary>
    public string AuthorityCode { get; }

    public string AuthorityName { get; }

    /// <summary>The province named in ST.</summary>
    public Province Province { get; }

    public VerificationKey Key { get; }

    public SignatureAlgorithm Algorithm => Key.Algorithm;

    public IReadOnlyCollection<string> AllowedLicenceTypes => _allowedTypes;

    public DateTimeOffset NotBefore => new(Certificate.NotBefore, TimeSpan.Zero);

    public DateTimeOffset NotAfter => new(Certificate.NotAfter, TimeSpan.Zero);

    public string Subject => Certificate.SubjectDN.ToString();

    public bool Allows(LicenceTypeCode type) => _allowedTypes.Contains(type.Value);

    /// <summary>Parses and checks the shape of an issuer certificate.</summary>
    /// <exception cref="FormatException">Not a LicenceTrust issuer certificate; the message says why.</exception>
    public static IssuerCertificate Parse(byte[] der)
    {
        var certificate = PkiRules.ParseCertificate(der);
        if (certificate.GetBasicConstraints() >= 0)
        {
            throw new FormatException("An issuer certificate must not be a CA.");
        }

        if (certificate.GetKeyUsage() is not { } usage || !usage[0])
        {
            throw new FormatException("An issuer certificate needs the digitalSignature key usage.");
        }

        if (!(certificate.GetExtendedKeyUsage()?.Any(o => o.Id == LicenceTrustOids.LicenceSigningEku) ?? false))
        {
            throw new FormatException("An issuer certificate needs the licence-signing extended key usage.");
        }

        var codes = certificate.SubjectDN.GetValueList(new DerObjectIdentifier(LicenceTrustOids.OrganizationIdentifier));
        if (codes.Count != 1 || !UnifiedSocialCreditCode.TryParse(codes[0], out var code, out _))
        {
            throw new FormatException("An issuer certificate needs one organizationIdentifier holding a unified social credit code.");
        }

        var names = certificate.SubjectDN.GetValueList(Org.BouncyCastle.Asn1.X509.X509Name.O);
        var extension = certificate.GetExtensionValue(new DerObjectIdentifier(LicenceTrustOids.AllowedLicenceTypes))
            ?? throw new FormatException("An issuer certificate needs the allowed-licence-types extension.");
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in Asn1Sequence.GetInstance(extension.GetOctets()))
        {
            types.Add(DerUtf8String.GetInstance(item).GetString());
        }

        if (types.Count == 0)
        {
            throw new FormatException("An issuer certificate must allow at least one licence type.");
        }

        var key = VerificationKey.FromSubjectPublicKeyInfo(certificate.CertificateStructure.SubjectPublicKeyInfo.GetDerEncoded());
        return new IssuerCertificate(certificate, der, code.Value, names.Count > 0 ? names[0] : code.Value, PkiRules.ProvinceOf(certificate), types, key);
    }
}
