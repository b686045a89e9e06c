using LicenceTrust.Samples;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Trust;
using LicenceTrust.Testing;

namespace LicenceTrust.Core.Tests;

/// <summary>Trust lists, recognition agreements and withdrawal notices: accepted only under the right pinned root.</summary>
public class TrustDocumentTests
{
    private static readonly KeyStore.ProvinceKeys Sichuan = SampleKeys.Of(SampleProvinces.Sichuan);
    private static readonly KeyStore.ProvinceKeys Chongqing = SampleKeys.Of(SampleProvinces.Chongqing);

    private static byte[] SichuanList(long sequence = 7) => TrustListToken.Write(
        new TrustList(SampleProvinces.Sichuan, sequence, TestClock.Now, TestClock.Now.AddDays(1), [.. Sichuan.Issuers.Select(i => i.Certificate)]),
        Sichuan.ListSigner!.Key, Sichuan.ListSigner.CertificateDer);

    [Fact]
    public void A_trust_list_reads_back_under_its_province_root_with_its_signer()
    {
        var list = TrustListToken.TryRead(SichuanList(), Sichuan.Root, out var error);

        Assert.NotNull(list);
        Assert.Equal(string.Empty, error);
        Assert.Equal(7, list.Sequence);
        Assert.Equal(Sichuan.Issuers.Select(i => i.Certificate.Fingerprint).Order(), list.Issuers.Select(i => i.Fingerprint).Order());
        Assert.Equal(SampleProvinces.Sichuan, list.Signer!.Province);
    }

    /// <summary>LT2 credentials carry a status list number; the signed trust list says where the list is (docs/format.md §12.2).</summary>
    [Fact]
    public void The_status_list_template_is_signed_in_the_trust_list_and_a_malformed_one_is_refused()
    {
        var template = "https://sc.lt.example/api/v1/status-lists/{list}";
        var token = TrustListToken.Write(new TrustList(SampleProvinces.Sichuan, 8, TestClock.Now, TestClock.Now.AddDays(1), [.. Sichuan.Issuers.Select(i => i.Certificate)], StatusUriTemplate: template),
            Sichuan.ListSigner!.Key, Sichuan.ListSigner.CertificateDer);

        var list = TrustListToken.TryRead(token, Sichuan.Root, out _)!;
        Assert.Equal(template, list.StatusUriTemplate);
        Assert.Equal("https://sc.lt.example/api/v1/status-lists/3", new StatusReference(5, null, 3).ResolveUri(list.StatusUriTemplate));
        Assert.Equal("https://x.example/s/1", new StatusReference(5, "https://x.example/s/1", 3).ResolveUri(list.StatusUriTemplate));
        Assert.Null(new StatusReference(5, null, 3).ResolveUri(null));
        // A list from a node before LT2 has no template and is still read.
        Assert.Null(TrustListToken.TryRead(SichuanList(), Sichuan.Root, out _)!.StatusUriTemplate);

        foreach (var bad in new[] { "https://sc.lt.example/s/", "https://sc.lt.example/{list}/{list}", "ftp://sc.lt.example/{list}", "/s/{list}", "https://sc.lt.example/" + new string('a', 110) + "{list}" })
        {
            Assert.False(Status.StatusUriTemplate.IsValid(bad), bad);
            Assert.Throws<ArgumentException>(() => TrustListToken.Write(new TrustList(SampleProvinces.Sichuan, 8, TestClock.Now, TestClock.Now.AddDays(1), [], StatusUriTemplate: bad),
                Sichuan.ListSigner!.Key, Sichuan.ListSigner.CertificateDer));
        }
    }

    [Fact]
    public void A_trust_list_is_refused_under_another_root_tampered_or_signed_by_a_stranger()
    {
        var genuine = SichuanList();
        var tampered = (byte[])genuine.Clone();
        tampered[^80] ^= 1;
        var stranger = SigningKey.Generate(SignatureAlgorithm.Sm2Sm3);
        var forged = TrustListToken.Write(new TrustList(SampleProvinces.Sichuan, 99, TestClock.Now, TestClock.Now.AddDays(1), [.. Chongqing.Issuers.Select(i => i.Certificate)]),
            stranger, Sichuan.ListSigner!.CertificateDer);

        Assert.Null(TrustListToken.TryRead(genuine, Chongqing.Root, out var wrongRoot));
        Assert.Null(TrustListToken.TryRead(tampered, Sichuan.Root, out _));
        Assert.Null(TrustListToken.TryRead(forged, Sichuan.Root, out var badSignature));
        Assert.Null(TrustListToken.TryRead([0x01, 0x02], Sichuan.Root, out var malformed));
        Assert.Contains("signing certificate is refused: The list-signing certificate was not issued by the cq root", wrongRoot, StringComparison.Ordinal);
        Assert.Contains("signature", badSignature, StringComparison.Ordinal);
        Assert.StartsWith("malformed", malformed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_of_one_province_signed_with_the_other_province_s_signer_is_refused()
    {
        // Chongqing's list signer vouching for Sichuan issuers: its certificate does not chain to the Sichuan root.
        var crossed = TrustListToken.Write(new TrustList(SampleProvinces.Sichuan, 8, TestClock.Now, TestClock.Now.AddDays(1), [.. Sichuan.Issuers.Select(i => i.Certificate)]),
            Chongqing.ListSigner!.Key, Chongqing.ListSigner.CertificateDer);
        var mislabelled = TrustListToken.Write(new TrustList(SampleProvinces.Chongqing, 8, TestClock.Now, TestClock.Now.AddDays(1), [.. Sichuan.Issuers.Select(i => i.Certificate)]),
            Sichuan.ListSigner!.Key, Sichuan.ListSigner.CertificateDer);

        Assert.Null(TrustListToken.TryRead(crossed, Sichuan.Root, out _));
        Assert.Null(TrustListToken.TryRead(mislabelled, Sichuan.Root, out var error));
        Assert.Contains("province", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sample_recognition_agreements_cover_every_catalogue_type_from_2025()
    {
        var bytes = File.ReadAllBytes(KeyStore.KeyDirectory.RecognitionAgreementPath(RepositoryPaths.KeysSample, SampleProvinces.Chongqing, SampleProvinces.Sichuan));

        var agreement = RecognitionAgreement.TryRead(bytes, Chongqing.Root, out var error);

        Assert.NotNull(agreement);
        Assert.Equal(string.Empty, error);
        Assert.Equal(SampleProvinces.Sichuan, agreement.Peer);
        Assert.All(SampleLicenceTypes.All, t => Assert.True(agreement.Covers(t.Code, TestClock.Now)));
        Assert.False(agreement.Covers(SampleLicenceTypes.BusinessLicence.Code, new DateTimeOffset(2024, 12, 31, 0, 0, 0, TimeSpan.Zero)));
        Assert.Null(RecognitionAgreement.TryRead(bytes, Sichuan.Root, out _));
    }

    [Fact]
    public void A_withdrawal_notice_reads_back_and_a_forged_one_is_refused()
    {
        var notice = new WithdrawalNotice("id-1", SampleProvinces.Sichuan, 3, TestClock.Now, Sichuan.Issuers[0].Certificate.Fingerprint, "密钥泄露");
        var genuine = notice.Sign(Sichuan.ListSigner!.Key, Sichuan.ListSigner.CertificateDer);
        var forged = notice.Sign(SigningKey.Generate(SignatureAlgorithm.Sm2Sm3), Sichuan.ListSigner.CertificateDer);
        var otherProvince = notice.Sign(Chongqing.ListSigner!.Key, Chongqing.ListSigner.CertificateDer);

        Assert.Equal(notice, WithdrawalNotice.TryRead(genuine, Sichuan.Root, out _));
        Assert.Null(WithdrawalNotice.TryRead(forged, Sichuan.Root, out _));
        Assert.Null(WithdrawalNotice.TryRead(otherProvince, Sichuan.Root, out _));
        Assert.Null(WithdrawalNotice.TryRead(genuine, Chongqing.Root, out _));
    }

    [Fact]
    public void A_document_of_one_type_is_not_accepted_as_another()
    {
        var notice = new WithdrawalNotice("id-2", SampleProvinces.Sichuan, 4, TestClock.Now, new string('a', 64), "x").Sign(Sichuan.ListSigner!.Key, Sichuan.ListSigner.CertificateDer);

        Assert.Null(TrustListToken.TryRead(notice, Sichuan.Root, out var error));
        Assert.Contains("not a", error, StringComparison.Ordinal);
        Assert.Null(RecognitionAgreement.TryRead(SichuanList(), Sichuan.Root, out _));
    }

    [Fact]
    public void Status_lists_carry_when_an_entry_last_changed()
    {
        var updated = DateTimeOffset.FromUnixTimeMilliseconds(TestClock.Now.ToUnixTimeMilliseconds() - 1234);
        var token = Status.StatusListToken.Write(new Status.StatusList("https://sc.lt.example/s/1", TestClock.Now, TestClock.Now.AddDays(1), TimeSpan.FromSeconds(1), new Status.StatusBits(131_072), updated),
            Sichuan.ListSigner!.Key, KeyId.ForCertificate(Sichuan.ListSigner.CertificateDer));

        var list = Status.StatusListToken.TryRead(token, ListSignerCertificate.Parse(Sichuan.ListSigner.CertificateDer, Sichuan.Root).Key, out _);

        Assert.Equal(updated, list!.UpdatedAt);
    }
}
