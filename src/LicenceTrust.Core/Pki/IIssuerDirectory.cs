namespace LicenceTrust.Core.Pki;

/// <summary>An issuer certificate that chains to a trusted root (the chain's structure already checked).</summary>
public sealed record TrustedIssuer(IssuerCertificate Certificate, TrustAnchor Root);

/// <summary>Finds trusted issuer certificates by kid. Implementations must be thread-safe.</summary>
public interface IIssuerDirectory
{
    /// <summary>Every trusted certificate with this kid (usually one; kids can collide), or none.</summary>
    IReadOnlyList<TrustedIssuer> FindByKid(Crypto.KeyId kid);
}
