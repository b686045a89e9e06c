using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using Org.BouncyCastle.X509;

namespace LicenceTrust.Core.Pki;

/// <summary>
/// A node's list-signing certificate (trust lists, status lists, receipts): end entity with the
/// list-signing EKU, issued by its province's root. Immutable; thread-safe.
/// </summary>
public sealed class ListSignerCertificate
{
    private ListSignerCertificate(X509Certificate certificate, byte[] der, Province province, VerificationKey key)
    {
        Certificate = certificate;
        Der = der;
        Province = province;
        Key = key;
        Kid = KeyId.ForCertificate(der);
    }

    internal X509Certificate Certificate { get; }

    public ReadOnlyMemory<byte> Der { get; }

    public Province Province { get; }

    public VerificationKey Key { get; }

    public KeyId Kid { get; }

    public DateTimeOffset NotBefore => new(Certificate.NotBefore, TimeSpan.Zero);

    public DateTimeOffset NotAfter => new(Certificate.NotAfter, TimeSpan.Zero);

    /// <summary>Parses a list-signing certificate and checks that <paramref name="root"/> issued it.</summary>
    /// <exception cref="FormatException">Not a list-signing certificate of that root; the message says why.</exception>
    public static ListSignerCertificate Parse(byte[] der, TrustAnchor root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var certificate = PkiRules.ParseCertificate(der);
        if (certificate.GetBasicConstraints() >= 0 || !(certificate.GetExtendedKeyUsage()?.Any(o => o.Id == LicenceTrustOids.ListSigningEku) ?? false))
        {
            throw new FormatException("Not a list-signing certificate (end entity with the list-signing EKU).");
        }

        if (!certificate.IssuerDN.Equivalent(root.Certificate.SubjectDN) || !PkiRules.IsSignedBy(certificate, root.Certificate.GetPublicKey()))
        {
            throw new FormatException($"The list-signing certificate was not issued by the {root.Province.NodeId} root.");
        }

        var key = VerificationKey.FromSubjectPublicKeyInfo(certificate.CertificateStructure.SubjectPublicKeyInfo.GetDerEncoded());
        return new ListSignerCertificate(certificate, der, PkiRules.ProvinceOf(certificate), key);
    }
}
