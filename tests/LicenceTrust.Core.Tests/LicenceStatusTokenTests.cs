using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Status;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Core.Tests;

/// <summary>The signed live status answer (docs/federation.md §4): only the peer's list signer, this licence, in force.</summary>
public class LicenceStatusTokenTests
{
    private const string Identifier = "1.2.156.3005.2.11100000MB0100001D001.11510000MB2B00011K.202600000001.001.7";
    private static readonly KeyStore.ListSignerKey Signer = SampleKeys.Of(SampleProvinces.Sichuan).ListSigner!;
    private static readonly VerificationKey Key = VerificationKey.FromSubjectPublicKeyInfo(Signer.Key.SubjectPublicKeyInfo.ToArray());
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    private static byte[] Answer(LicenceStatus status, DateTimeOffset at, string identifier = Identifier, ICredentialSigner? signer = null) =>
        LicenceStatusToken.Write(new LicenceStatusAnswer(identifier, status, at, at + LicenceStatusToken.Lifetime), signer ?? Signer.Key, KeyId.ForCertificate(Signer.CertificateDer));

    [Fact]
    public void An_answer_of_the_list_signer_about_this_licence_in_force_is_read()
    {
        var read = LicenceStatusToken.TryRead(Answer(LicenceStatus.Revoked, TestClock.Now), Key, Identifier, TestClock.Now.AddSeconds(5), Skew, out var error);

        Assert.Equal(string.Empty, error);
        Assert.Equal((Identifier, LicenceStatus.Revoked), (read!.Identifier, read.Status));
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "another key", "not signed by the peer's list signer" },
        { "another licence", "about another licence" },
        { "expired", "expired" },
        { "future", "in the future" },
        { "truncated", "malformed" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Any_other_answer_is_refused_with_its_reason(string what, string reason)
    {
        var now = TestClock.Now;
        var token = what switch
        {
            "another key" => Answer(LicenceStatus.Valid, now, signer: SampleKeys.Of(SampleProvinces.Chongqing).ListSigner!.Key),
            "another licence" => Answer(LicenceStatus.Valid, now, Identifier.Replace("0001.001", "0002.001", StringComparison.Ordinal)),
            "expired" => Answer(LicenceStatus.Valid, now - LicenceStatusToken.Lifetime - TimeSpan.FromMinutes(1)),
            "future" => Answer(LicenceStatus.Valid, now + TimeSpan.FromMinutes(5)),
            _ => Answer(LicenceStatus.Valid, now)[..^10],
        };

        Assert.Null(LicenceStatusToken.TryRead(token, Key, Identifier, now, Skew, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void No_single_bit_flip_of_a_revocation_reads_as_another_status()
    {
        var token = Answer(LicenceStatus.Revoked, TestClock.Now);
        for (var bit = 0; bit < token.Length * 8; bit++)
        {
            var flipped = (byte[])token.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            var read = LicenceStatusToken.TryRead(flipped, Key, Identifier, TestClock.Now, Skew, out _);
            Assert.True(read is null || read.Status == LicenceStatus.Revoked, $"bit {bit} turned the answer into {read?.Status}");
        }
    }
}
