using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace LicenceTrust.Core.Pki;

/// <summary>What an issuer certificate says about its authority.</summary>
/// <param name="AuthorityCode">The authority's unified social credit code (organizationIdentifier).</param>
/// <param name="AuthorityName">The authority's name (O and CN).</param>
/// <param name="AllowedLicenceTypes">Licence type codes the key may sign (at least one).</param>
public sealed record IssuerProfile(UnifiedSocialCreditCode AuthorityCode, string AuthorityName, IReadOnlyList<LicenceTypeCode> AllowedLicenceTypes);

/// <summary>
/// Makes the certificates of a provincial PKI: roots, issuer certificates and list-signing
/// certificates, on SM2 (SM3withSM2) or P-256 (SHA256withECDSA). Used by the CLI and tests;
/// production roots are made offline the same way.
/// </summary>
public static class CertificateFactory
{
    /// <summary>A self-signed provincial root CA (CA, path length 0, keyCertSign + cRLSign).</summary>
    public static byte[] CreateRoot(Province province, SigningKey key, string commonName, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var subject = Name(province, "LicenceTrust", commonName, organizationIdentifier: null);
        var generator = Start(subject, subject, key, notBefore, notAfter);
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(0));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign));
        return Sign(generator, key);
    }

    /// <summary>An issuer certificate for one authority, signed by the province root.</summary>
    public static byte[] CreateIssuer(
        Province province, byte[] rootDer, SigningKey rootKey, ICredentialSigner issuerKey, IssuerProfile profile,
        DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.AllowedLicenceTypes.Count == 0)
        {
            throw new ArgumentException("An issuer must be allowed at least one licence type.", nameof(profile));
        }

        var root = new X509Certificate(rootDer);
        var subject = Name(province, profile.AuthorityName, $"{profile.AuthorityName} 电子证照签发 {issuerKey.Algorithm.Name}", profile.AuthorityCode.Value);
        var generator = Start(root.SubjectDN, subject, issuerKey, notBefore, notAfter);
        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, X509ExtensionUtilities.CreateAuthorityKeyIdentifier(root));
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature));
        generator.AddExtension(X509Extensions.ExtendedKeyUsage, true, new ExtendedKeyUsage(new List<DerObjectIdentifier> { new(LicenceTrustOids.LicenceSigningEku) }));
        var types = new DerSequence(profile.AllowedLicenceTypes.Select(t => (Asn1Encodable)new DerUtf8String(t.Value)).ToArray());
        generator.AddExtension(new DerObjectIdentifier(LicenceTrustOids.AllowedLicenceTypes), false, types);
        return Sign(generator, rootKey);
    }

    /// <summary>The node's list-signing certificate (trust lists, status lists, receipts), signed by the root.</summary>
    public static byte[] CreateListSigner(
        Province province, byte[] rootDer, SigningKey rootKey, ICredentialSigner signerKey, string commonName,
        DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var root = new X509Certificate(rootDer);
        var generator = Start(root.SubjectDN, Name(province, "LicenceTrust", commonName, null), signerKey, notBefore, notAfter);
        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, X509ExtensionUtilities.CreateAuthorityKeyIdentifier(root));
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature));
        generator.AddExtension(X509Extensions.ExtendedKeyUsage, true, new ExtendedKeyUsage(new List<DerObjectIdentifier> { new(LicenceTrustOids.ListSigningEku) }));
        return Sign(generator, rootKey);
    }

    /// <summary>The certificate as PEM (<c>-----BEGIN CERTIFICATE-----</c>).</summary>
    public static string ToPem(byte[] der) => new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", der));

    /// <summary>Reads the first CERTIFICATE block of a PEM text.</summary>
    /// <exception cref="FormatException">No certificate block.</exception>
    public static byte[] FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!System.Security.Cryptography.PemEncoding.TryFind(pem, out var fields) || !pem.AsSpan()[fields.Label].SequenceEqual("CERTIFICATE"))
        {
            throw new FormatException("No CERTIFICATE PEM block.");
        }

        return Convert.FromBase64String(pem[fields.Base64Data]);
    }

    // The subject's public key comes from its SubjectPublicKeyInfo, so a key held in an HSM is certified like one in a file.
    private static X509V3CertificateGenerator Start(X509Name issuer, X509Name subject, ICredentialSigner subjectKey, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var publicKey = Org.BouncyCastle.Security.PublicKeyFactory.CreateKey(subjectKey.SubjectPublicKeyInfo.ToArray());
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(new BigInteger(128, new SecureRandom()).Add(BigInteger.One));
        generator.SetIssuerDN(issuer);
        generator.SetSubjectDN(subject);
        generator.SetNotBefore(notBefore.UtcDateTime);
        generator.SetNotAfter(notAfter.UtcDateTime);
        generator.SetPublicKey(publicKey);
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(publicKey));
        return generator;
    }

    private static byte[] Sign(X509V3CertificateGenerator generator, SigningKey key)
    {
        var algorithm = key.Algorithm == SignatureAlgorithm.Sm2Sm3 ? "SM3WITHSM2" : "SHA256WITHECDSA";
        return generator.Generate(new Asn1SignatureFactory(algorithm, key.PrivateKey)).GetEncoded();
    }

    private static X509Name Name(Province province, string organization, string commonName, string? organizationIdentifier)
    {
        var oids = new List<DerObjectIdentifier> { X509Name.C, X509Name.ST, X509Name.O };
        var values = new List<string> { "CN", province.NameZh, organization };
        if (organizationIdentifier is not null)
        {
            oids.Add(new DerObjectIdentifier(LicenceTrustOids.OrganizationIdentifier));
            values.Add(organizationIdentifier);
        }

        oids.Add(X509Name.CN);
        values.Add(commonName);
        return new X509Name(oids, values, new Utf8Converter());
    }

    private sealed class Utf8Converter : X509NameEntryConverter
    {
        public override Asn1Object GetConvertedValue(DerObjectIdentifier oid, string value) =>
            oid.Equals(X509Name.C) ? new DerPrintableString(value) : new DerUtf8String(value);
    }
}
