using LicenceTrust.Core.Crypto;

namespace LicenceTrust.Core.Codec;

/// <summary>
/// A credential that was read and parsed but whose signature has NOT been checked yet:
/// nothing in it may be trusted before a verifier accepts it.
/// </summary>
public sealed class DecodedCredential
{
    internal DecodedCredential(SignatureAlgorithm algorithm, KeyId kid, byte[] protectedHeader, byte[] payload, byte[] signature, byte[] coseBytes, CredentialClaims claims, CredentialEncoding encoding)
    {
        Encoding = encoding;
        Algorithm = algorithm;
        Kid = kid;
        ProtectedHeader = protectedHeader;
        Payload = payload;
        Signature = signature;
        CoseBytes = coseBytes;
        Claims = claims;
    }

    /// <summary>The format the QR text was in (LT1 or LT2).</summary>
    public CredentialEncoding Encoding { get; }

    /// <summary>From the protected header only.</summary>
    public SignatureAlgorithm Algorithm { get; }

    public KeyId Kid { get; }

    public ReadOnlyMemory<byte> ProtectedHeader { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>
    /// The SHA-256 of <see cref="Payload"/>, lower-case hex: what identifies the signed content whatever
    /// unsigned encoding carried it (docs/format.md §1, "What is unique"). Computed once, on first use.
    /// </summary>
    public string PayloadSha256 => _payloadSha256 ??= Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Payload.Span));

    private string? _payloadSha256;

    public ReadOnlyMemory<byte> Signature { get; }

    /// <summary>The whole COSE_Sign1 message (the inflated QR content).</summary>
    public ReadOnlyMemory<byte> CoseBytes { get; }

    public CredentialClaims Claims { get; }

    /// <summary>The Sig_structure the signature must cover.</summary>
    public byte[] ToBeSigned() => CoseSign1.ToBeSigned(ProtectedHeader.Span, Payload.Span);
}
