using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Pki;
using LicenceTrust.Samples;
using LicenceTrust.Testing;
using Microsoft.Extensions.Time.Testing;

namespace LicenceTrust.KeyStore.Tests;

/// <summary>
/// Rotating an issuer key (docs/operations.md): an authority's successor certificate takes over at its
/// not-before; until then, and for types only the predecessor allows, the predecessor signs.
/// </summary>
public class IssuerRotationTests
{
    [Fact]
    public void The_newest_certificate_in_force_signs_so_a_successor_takes_over_at_its_start()
    {
        var sichuan = SampleKeys.Of(SampleProvinces.Sichuan);
        var predecessor = sichuan.Issuers.First(i => i.Certificate.Allows(SampleLicenceTypes.BusinessLicence.Code));
        var takeover = new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var key = SigningKey.Generate(SignatureAlgorithm.Sm2Sm3);
        var successor = new IssuerKey(IssuerCertificate.Parse(CertificateFactory.CreateIssuer(
            SampleProvinces.Sichuan, sichuan.Root.Der.ToArray(), sichuan.RootKey!, key,
            new IssuerProfile(LicenceTrust.Core.Identifiers.UnifiedSocialCreditCode.Parse(predecessor.Certificate.AuthorityCode), predecessor.Certificate.AuthorityName, [SampleLicenceTypes.BusinessLicence.Code]),
            takeover, takeover.AddYears(3))), key);
        var clock = new FakeTimeProvider(takeover.AddSeconds(-1));
        var keys = new ProvinceIssuerKeys(sichuan with { Issuers = [.. sichuan.Issuers, successor] }, clock);

        var before = keys.Find(predecessor.Certificate.AuthorityCode, SampleLicenceTypes.BusinessLicence.Code)!;
        clock.SetUtcNow(takeover);
        var after = keys.Find(predecessor.Certificate.AuthorityCode, SampleLicenceTypes.BusinessLicence.Code)!;
        var foodAfter = keys.Find(predecessor.Certificate.AuthorityCode, SampleLicenceTypes.FoodBusinessPermit.Code)!;
        clock.SetUtcNow(predecessor.Certificate.NotAfter.AddDays(1));
        var foodWhenThePredecessorHasExpired = keys.Find(predecessor.Certificate.AuthorityCode, SampleLicenceTypes.FoodBusinessPermit.Code);

        Assert.Equal(predecessor.Certificate.Kid, before.Certificate.Kid);
        Assert.Equal(successor.Certificate.Kid, after.Certificate.Kid);
        Assert.Equal(predecessor.Certificate.Kid, foodAfter.Certificate.Kid);
        Assert.Null(foodWhenThePredecessorHasExpired);
    }
}
