using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Status;
using LicenceTrust.Samples;

namespace LicenceTrust.Testing.Vectors;

/// <summary>One credential of the status-rule vector: the slot it points at and the status it must get at home and at a peer.</summary>
public sealed record StatusRuleCredential(string Name, string QrText, string Identifier, int Index, string Expected);

/// <summary>
/// <c>tests/vectors/status-rule.json</c> (docs/format.md §13): Sichuan's signed status list in which one licence is
/// revoked (with its detail) and another is valid, and credentials pointing into it. Two credentials of the revoked
/// licence, one in its own slot and one in the other licence's valid slot, are both REVOKED; the other licence's
/// credential stays VALID.
/// </summary>
/// <param name="Signer">Sichuan's sample list-signing certificate (base64 DER): the list verifies under its key.</param>
/// <param name="StatusList">The signed status list token (base64).</param>
public sealed record StatusRuleVectorFile(string Format, string Description, string Signer, string Uri, string StatusList, string Reason, DateTimeOffset Since, IReadOnlyList<StatusRuleCredential> Credentials)
{
    public const string FileName = "status-rule.json";

    public const int RevokedSlot = 10;
    public const int OtherSlot = 20;

    public static StatusRuleVectorFile Generate()
    {
        var sichuan = SampleKeys.Of(SampleProvinces.Sichuan);
        const string uri = "https://sc.lt.example/api/v1/status-lists/1";
        var revoked = ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Sichuan).Numbered(1).Build();
        var other = ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Sichuan).Numbered(2).Build();
        var since = TestClock.Now.AddDays(-3);
        const string reason = "吊销：虚假登记";
        var bits = new StatusBits(StatusBits.MinimumSize);
        bits.Set(RevokedSlot, LicenceStatus.Revoked.ToStatusListValue());
        var list = new StatusList(uri, TestClock.Now.AddMinutes(-1), TestClock.Now.AddDays(1), TimeSpan.FromMinutes(5), bits, since,
            [new StatusDetail(RevokedSlot, revoked.Identifier.Value, LicenceStatus.Revoked, since, reason)]);
        var token = StatusListToken.Write(list, sichuan.ListSigner!.Key, KeyId.ForCertificate(sichuan.ListSigner.CertificateDer));
        StatusRuleCredential Credential(string name, Core.Licences.Licence licence, int index, string expected) =>
            new(name, LicenceTrust.Testing.Credentials.Sign(licence, new StatusReference(index, uri), TestClock.SignedAt).QrText, licence.Identifier.Value, index, expected);

        return new StatusRuleVectorFile("LT1", "Two credentials of one revoked licence, one in its own slot and one in another licence's valid slot: both REVOKED at home and at a peer (docs/format.md §13).",
            Convert.ToBase64String(sichuan.ListSigner.CertificateDer), uri, Convert.ToBase64String(token), reason, since,
            [
                Credential("own-slot", revoked, RevokedSlot, "REVOKED"),
                Credential("another-licences-slot", revoked, OtherSlot, "REVOKED"),
                Credential("the-other-licence", other, OtherSlot, "VALID"),
            ]);
    }
}
