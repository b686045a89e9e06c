using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Results;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.X509;

namespace LicenceTrust.Core.Pki;

/// <summary>The certificate chain rules (docs/federation.md, docs/format.md). Pure; thread-safe.</summary>
public static class PkiRules
{
    /// <summary>
    /// Structural chain check, done once when a certificate is trusted: issued by the root's subject,
    /// signed by the root key, issuer key type matching the root's province PKI, same province.
    /// Returns <see cref="ReasonCode.None"/> or <see cref="ReasonCode.IssuerChainInvalid"/>.
    /// </summary>
    public static ReasonCode CheckIssuedBy(IssuerCertificate issuer, TrustAnchor root, out string detail)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(root);
        if (!issuer.Certificate.IssuerDN.Equivalent(root.Certificate.SubjectDN))
        {
            detail = "the issuer certificate names another root";
            return ReasonCode.IssuerChainInvalid;
        }

        if (!IsSignedBy(issuer.Certificate, root.Certificate.GetPublicKey()))
        {
            detail = "the issuer certificate's signature does not verify with the root key";
            return ReasonCode.IssuerChainInvalid;
        }

        if (issuer.Province != root.Province)
        {
            detail = $"a {root.Province} root cannot vouch for a {issuer.Province} authority";
            return ReasonCode.IssuerChainInvalid;
        }

        if (!Province.TryFromDivision(issuer.AuthorityCode.Substring(2, 6), out var codeProvince) || codeProvince != root.Province)
        {
            detail = $"authority code {issuer.AuthorityCode} is not registered in {root.Province.NameEn}";
            return ReasonCode.IssuerChainInvalid;
        }

        detail = string.Empty;
        return ReasonCode.None;
    }

    /// <summary>
    /// Time rules, checked on every verification: the root must be valid now; the issuer certificate
    /// must have been valid when the credential was signed (<paramref name="signedAt"/>, the iat) —
    /// withdrawing trust in a key is the trust list's job, as in the EU DCC.
    /// </summary>
    public static ReasonCode CheckTimes(IssuerCertificate issuer, TrustAnchor root, DateTimeOffset signedAt, DateTimeOffset now)
    {
        if (now < root.NotBefore || now > root.NotAfter)
        {
            return ReasonCode.RootExpired;
        }

        if (signedAt < issuer.NotBefore)
        {
            return ReasonCode.IssuerCertificateNotYetValid;
        }

        return signedAt > issuer.NotAfter ? ReasonCode.IssuerCertificateExpired : ReasonCode.None;
    }

    internal static X509Certificate ParseCertificate(byte[] der)
    {
        ArgumentNullException.ThrowIfNull(der);
        try
        {
            return new X509Certificate(der);
        }
        catch (Exception e)
        {
            throw new FormatException("Not a DER X.509 certificate.", e);
        }
    }

    internal static Province ProvinceOf(X509Certificate certificate)
    {
        var states = certificate.SubjectDN.GetValueList(Org.BouncyCastle.Asn1.X509.X509Name.ST);
        var province = Province.All.FirstOrDefault(p => states.Contains(p.NameZh));
        return province.Code != 0 ? province : throw new FormatException("The certificate's ST names no province of the registry (e.g. 重庆市).");
    }

    internal static bool IsSignedBy(X509Certificate certificate, AsymmetricKeyParameter key)
    {
        try
        {
            // BouncyCastle picks the verifier from the certificate's signature algorithm; for SM3withSM2
            // it uses the default user ID 1234567812345678, as OpenSSL does.
            certificate.Verify(key);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
