using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Licences;

namespace LicenceTrust.Testing;

/// <summary>
/// Signs test credentials with the sample keys. LT1 unless a test asks for LT2: the tests written for LT1
/// keep meaning what they meant (issue 18: no LT1 verdict changes), and LT2 has tests of its own.
/// </summary>
public static class Credentials
{
    public static StatusReference Status(int index = 4242) => new(index, "https://sc.lt.example/s/1", 1);

    /// <summary>Signs with the sample key of the licence's own authority.</summary>
    public static EncodedCredential Sign(Licence licence, DateTimeOffset? signedAt = null, CredentialEncoding encoding = CredentialEncoding.Lt1)
    {
        var issuer = SampleKeys.IssuerOf(licence);
        return CredentialWriter.Write(CredentialClaims.Create(licence, signedAt ?? TestClock.SignedAt, Status()), issuer.Key, issuer.Certificate.Kid, encoding);
    }

    /// <summary>Signs with the sample key of the licence's own authority, pointing at a given status slot.</summary>
    public static EncodedCredential Sign(Licence licence, StatusReference status, DateTimeOffset signedAt, CredentialEncoding encoding = CredentialEncoding.Lt1)
    {
        var issuer = SampleKeys.IssuerOf(licence);
        return CredentialWriter.Write(CredentialClaims.Create(licence, signedAt, status), issuer.Key, issuer.Certificate.Kid, encoding);
    }

    /// <summary>Signs with any signer and kid (for forged and mismatched credentials).</summary>
    public static EncodedCredential Sign(Licence licence, ICredentialSigner signer, KeyId kid, DateTimeOffset? signedAt = null, CredentialEncoding encoding = CredentialEncoding.Lt1) =>
        CredentialWriter.Write(CredentialClaims.Create(licence, signedAt ?? TestClock.SignedAt, Status()), signer, kid, encoding);

    /// <summary>LT1 QR text for raw COSE bytes (zlib + Base45 + prefix), to wrap forged messages.</summary>
    public static string Wrap(byte[] cose) => CredentialWriter.Wrap(cose, CredentialEncoding.Lt1);

    /// <summary>LT2 QR text for raw COSE bytes (zlib with the preset dictionary + Base45 + prefix).</summary>
    public static string WrapCompact(byte[] cose) => CredentialWriter.Wrap(cose, CredentialEncoding.Lt2);
}
