using LicenceTrust.Samples;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Testing;

namespace LicenceTrust.Core.Tests;

/// <summary>
/// The decoder reuses its buffers and its strict CBOR readers on each thread (docs/performance-history.md, "Less
/// garbage on the verify path"). Nothing a failed read leaves behind may change the next read's answer.
/// </summary>
public class ReaderReuseTests
{
    private static readonly CredentialVerifier Verifier = new(SampleKeys.TrustStore);
    private static readonly Licence BusinessLicence = ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Sichuan).Build();

    [Fact]
    public void Reads_after_failed_reads_on_the_same_thread_give_the_same_answers()
    {
        var issuer = SampleKeys.IssuerOf(BusinessLicence);
        var payload = CredentialWriter.Payload(CredentialClaims.Create(BusinessLicence, TestClock.SignedAt, Credentials.Status()), CredentialEncoding.Lt1);
        var good = Credentials.Sign(BusinessLicence).QrText;
        // The kid label twice in the protected header: strict CBOR refuses the duplicate key.
        var duplicate = Credentials.Wrap(CoseForge.Sign1(
            CoseForge.Map((1, issuer.Key.Algorithm.CoseId), (4, issuer.Certificate.Kid.ToBytes()), (4, issuer.Certificate.Kid.ToBytes())),
            CoseForge.Map(), payload, issuer.Key));
        // The claims cut short in the middle: the reader is inside the licence map when it throws.
        var cutShort = Credentials.Wrap(CoseForge.Sign1(
            CoseForge.Map((1, issuer.Key.Algorithm.CoseId), (4, issuer.Certificate.Kid.ToBytes())),
            CoseForge.Map(), payload[..(payload.Length / 2)], issuer.Key));

        for (var round = 0; round < 3; round++)
        {
            Assert.Equal(ReasonCode.CoseMalformed, Verifier.Verify(duplicate, TestClock.Now).PrimaryReason);
            Assert.Equal(ReasonCode.LicenceClaimMalformed, Verifier.Verify(cutShort, TestClock.Now).PrimaryReason);
            var result = Verifier.Verify(good, TestClock.Now);
            Assert.Equal(Verdict.Valid, result.Verdict);
            Assert.Equal(BusinessLicence.Identifier, result.Licence!.Identifier);
        }
    }

    [Fact]
    public void A_bomb_that_fills_the_pooled_buffer_does_not_leak_into_the_next_read()
    {
        var good = Credentials.Sign(BusinessLicence).QrText;
        var bomb = CredentialFormat.Prefix + Base45.Encode(Zlib.Compress(new byte[200_000]));

        for (var round = 0; round < 3; round++)
        {
            Assert.Equal(ReasonCode.DecompressedTooLarge, CredentialReader.Read(bomb).Reason);
            Assert.Equal(BusinessLicence.Identifier, CredentialReader.Read(good).Credential!.Claims.Licence.Identifier);
        }
    }
}
