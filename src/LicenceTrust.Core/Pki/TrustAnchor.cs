using System.Security.Cryptography;
using LicenceTrust.Core.Identifiers;
using Org.BouncyCastle.X509;

namespace LicenceTrust.Core.Pki;

/// <summary>
/// A provincial root certificate, pinned by the SHA-256 fingerprint of its DER.
/// Immutable; thread-safe.
/// </summary>
public sealed class TrustAnchor
{
    private TrustAnchor(X509Certificate certificate, byte[] der, Province province)
    {
        Certificate = certificate;
        Der = der;
        Province = province;
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(der));
    }

    internal X509Certificate Certificate { get; }

    public ReadOnlyMemory<byte> Der { get; }

    public Province Province { get; }

    /// <summary>Lower-case hex SHA-256 of the DER: the value a peer pins.</summary>
    public string Fingerprint { get; }

    public DateTimeOffset NotBefore => new(Certificate.NotBefore, TimeSpan.Zero);

    public DateTimeOffset NotAfter => new(Certificate.NotAfter, TimeSpan.Zero);

    public string Subject => Certificate.SubjectDN.ToString();

    /// <summary>
    /// Accepts a root only if it is a self-signed CA certificate whose fingerprint equals the pin
    /// (when a pin is given) and whose ST names a known province.
    /// </summary>
    /// <exception cref="FormatException">The certificate is not an acceptable root; the message says why.</exception>
    public static TrustAnchor Create(byte[] der, string? pinnedFingerprint = null)
    {
        var certificate = PkiRules.ParseCertificate(der);
        var anchor = new TrustAnchor(certificate, der, PkiRules.ProvinceOf(certificate));
        if (pinnedFingerprint is not null && !string.Equals(pinnedFingerprint, anchor.Fingerprint, StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"Root fingerprint {anchor.Fingerprint} does not match the pin {pinnedFingerprint}.");
        }

        if (!certificate.IssuerDN.Equivalent(certificate.SubjectDN) || !PkiRules.IsSignedBy(certificate, certificate.GetPublicKey()))
        {
            throw new FormatException("A root must be self-signed.");
        }

        if (certificate.GetBasicConstraints() < 0 || certificate.GetKeyUsage() is not { } usage || !usage[5])
        {
            throw new FormatException("A root must be a CA certificate with keyCertSign.");
        }

        return anchor;
    }
}
