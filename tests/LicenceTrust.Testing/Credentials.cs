using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Licences;

namespace LicenceTrust.Testing;

/// <summary>Signs test credentials with the sample keys.</summary>
public static class Credentials
{
    public static StatusReference Status(int index = 4242) => new(index, "https://sc.lt.example/s/1");

    /// <summary>Signs with the sample key of the licence's own authority.</summary>
    public static EncodedCredential Sign(Licence licence, DateTimeOffset? signedAt = null)
    {
        var issuer = SampleKeys.IssuerOf(licence);
        return CredentialWriter.Write(CredentialClaims.Create(licence, signedAt ?? TestClock.SignedAt, Status()), issuer.Key, issuer.Certificate.Kid);
    }

    /// <summary>Signs with the sample key of the licence's own authority, pointing at a given status slot.</summary>
    public static EncodedCredential Sign(Licence licence, StatusReference status, DateTimeOffset signedAt)
    {
        var issuer = SampleKeys.IssuerOf(licence);
        return CredentialWriter.Write(CredentialClaims.Create(licence, signedAt, status), issuer.Key, issuer.Certificate.Kid);
    }

    /// <summary>Signs with any signer and kid (for forged and mismatched credentials).</summary>
    public static EncodedCredential Sign(Licence licence, ICredentialSigner signer, KeyId kid, DateTimeOffset? signedAt = null) =>
        CredentialWriter.Write(CredentialClaims.Create(licence, signedAt ?? TestClock.SignedAt, Status()), signer, kid);

    /// <summary>QR text for raw COSE bytes (zlib + Base45 + prefix), to wrap forged messages.</summary>
    public static string Wrap(byte[] cose) => CredentialFormat.Prefix + Base45.Encode(Zlib.Compress(cose));
}
