namespace LicenceTrust.Core.Crypto;

/// <summary>
/// Makes signatures with one private key. Implementations hold the key in memory
/// (<see cref="SigningKey"/>) or in an HSM; callers never see the key itself.
/// Implementations must be thread-safe.
/// </summary>
public interface ICredentialSigner
{
    /// <summary>The algorithm this key signs with.</summary>
    SignatureAlgorithm Algorithm { get; }

    /// <summary>The DER SubjectPublicKeyInfo of the matching public key (to check it against a certificate).</summary>
    ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; }

    /// <summary>Signs <paramref name="data"/>; returns the 64-byte r‖s signature.</summary>
    byte[] Sign(ReadOnlySpan<byte> data);
}
