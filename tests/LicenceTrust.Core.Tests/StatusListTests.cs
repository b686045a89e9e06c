using LicenceTrust.Samples;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Status;
using LicenceTrust.Testing;

namespace LicenceTrust.Core.Tests;

public class StatusListTests
{
    [Fact]
    public void Details_travel_signed_with_the_list_and_a_list_whose_details_disagree_with_its_entries_is_refused()
    {
        var chongqing = SampleKeys.Of(SampleProvinces.Chongqing);
        var signer = chongqing.ListSigner!;
        var key = ListSignerCertificate.Parse(signer.CertificateDer, chongqing.Root).Key;
        var bits = new StatusBits(StatusBits.MinimumSize);
        bits.Set(3, 1);
        bits.Set(9, 2);
        byte[] Token(params StatusDetail[] details) => StatusListToken.Write(
            new StatusList("https://cq.lt.example/api/v1/status-lists/1", TestClock.Now, TestClock.Now.AddDays(1), TimeSpan.FromMinutes(5), bits, TestClock.Now, details),
            signer.Key, KeyId.ForCertificate(signer.CertificateDer));
        var since = TestClock.Now.AddDays(-1);
        StatusDetail Detail(int index, LicenceStatus status) => new(index, $"CQ-{index}", status, since, "理由 " + index);

        var read = StatusListToken.TryRead(Token(Detail(3, LicenceStatus.Cancelled), Detail(9, LicenceStatus.Suspended)), key, out var error);

        Assert.Equal(string.Empty, error);
        Assert.Equal([Detail(3, LicenceStatus.Cancelled), Detail(9, LicenceStatus.Suspended)], read!.Details!);
        Assert.Null(StatusListToken.TryRead(Token(Detail(3, LicenceStatus.Suspended)), key, out error));
        Assert.Contains("says SUSPENDED but its entry says 1", error, StringComparison.Ordinal);
        Assert.Null(StatusListToken.TryRead(Token(Detail(4, LicenceStatus.Valid)), key, out error));
        Assert.Null(StatusListToken.TryRead(Token(Detail(3, LicenceStatus.Revoked), Detail(3, LicenceStatus.Revoked)), key, out error));
        Assert.Contains("out of order", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Entries_are_two_bits_least_significant_first()
    {
        // The IETF draft's example: entries [1,2,0,3,0,1,0,1,1,2,3,3] → bytes C9 44 F9.
        var bits = new StatusBits(12);
        byte[] values = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3];
        for (var i = 0; i < values.Length; i++)
        {
            bits.Set(i, values[i]);
        }

        Assert.Equal(new byte[] { 0xC9, 0x44, 0xF9 }, bits.ToBytes());
        Assert.Equal(values, Enumerable.Range(0, 12).Select(bits.Get));
        Assert.Throws<ArgumentOutOfRangeException>(() => bits.Set(12, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => bits.Set(0, 4));
    }

    [Theory]
    [InlineData(new byte[] { 1 }, new byte[] { 1 }, null)]
    [InlineData(new byte[] { 1 }, new byte[] { 0 }, 0)]
    [InlineData(new byte[] { 1 }, new byte[] { 2 }, 0)]
    [InlineData(new byte[] { 1 }, new byte[] { 3 }, 0)]
    [InlineData(new byte[] { 0, 2, 0, 0, 0, 1 }, new byte[] { 1, 0, 2, 0, 0, 1 }, null)]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 1, 1 }, new byte[] { 0, 0, 0, 0, 0, 1, 0 }, 6)]
    [InlineData(new byte[] { 3, 2, 0, 0 }, new byte[] { 0, 0, 0, 0 }, null)]
    public void An_entry_ended_before_and_not_after_is_found(byte[] before, byte[] after, int? expected)
    {
        static StatusBits Bits(byte[] values)
        {
            var bits = new StatusBits(8);
            for (var i = 0; i < values.Length; i++)
            {
                bits.Set(i, values[i]);
            }

            return bits;
        }

        Assert.Equal(expected, StatusListRules.FirstEndedEntryBack(Bits(before), Bits(after)));
    }

    [Theory]
    [InlineData(LicenceStatus.Valid, LicenceStatus.Suspended, true)]
    [InlineData(LicenceStatus.Suspended, LicenceStatus.Valid, true)]
    [InlineData(LicenceStatus.Valid, LicenceStatus.Revoked, true)]
    [InlineData(LicenceStatus.Suspended, LicenceStatus.Cancelled, true)]
    [InlineData(LicenceStatus.Valid, LicenceStatus.Superseded, true)]
    [InlineData(LicenceStatus.Valid, LicenceStatus.Valid, false)]
    [InlineData(LicenceStatus.Suspended, LicenceStatus.Suspended, false)]
    [InlineData(LicenceStatus.Revoked, LicenceStatus.Valid, false)]
    [InlineData(LicenceStatus.Revoked, LicenceStatus.Suspended, false)]
    [InlineData(LicenceStatus.Cancelled, LicenceStatus.Revoked, false)]
    [InlineData(LicenceStatus.Superseded, LicenceStatus.Valid, false)]
    public void Status_changes_follow_the_rules(LicenceStatus from, LicenceStatus to, bool allowed) =>
        Assert.Equal(allowed, LicenceStatusRules.CanChange(from, to));

    [Fact]
    public void A_signed_list_round_trips_and_a_forged_one_is_refused()
    {
        var signer = SampleKeys.Of(SampleProvinces.Sichuan).ListSigner!;
        var key = VerificationKey.FromSubjectPublicKeyInfo(signer.Key.SubjectPublicKeyInfo.ToArray());
        var bits = new StatusBits(StatusBits.MinimumSize);
        bits.Set(4242, LicenceStatus.Revoked.ToStatusListValue());
        bits.Set(131071, LicenceStatus.Suspended.ToStatusListValue());
        var list = new StatusList("https://sc.lt.example/s/1", TestClock.SignedAt, TestClock.SignedAt.AddDays(1), TimeSpan.FromMinutes(5), bits);

        var token = StatusListToken.Write(list, signer.Key, KeyId.ForCertificate(signer.CertificateDer));
        var read = StatusListToken.TryRead(token, key, out var error);

        Assert.NotNull(read);
        Assert.Equal(string.Empty, error);
        Assert.Equal(1, read.Bits.Get(4242));
        Assert.Equal(2, read.Bits.Get(131071));
        Assert.Equal(0, read.Bits.Get(0));
        Assert.Equal(list.Uri, read.Uri);
        Assert.Equal(list.ExpiresAt, read.ExpiresAt);
        Assert.True(token.Length < 2000, $"{token.Length} bytes for a nearly empty 131,072-entry list");

        var otherKey = VerificationKey.FromSubjectPublicKeyInfo(SampleKeys.Of(SampleProvinces.Chongqing).ListSigner!.Key.SubjectPublicKeyInfo.ToArray());
        Assert.Null(StatusListToken.TryRead(token, otherKey, out error));
        Assert.Contains("does not verify", error, StringComparison.Ordinal);

        token[^70] ^= 1;
        Assert.Null(StatusListToken.TryRead(token, key, out _));
        Assert.Null(StatusListToken.TryRead([0x01, 0x02], key, out error));
        Assert.Contains("malformed", error, StringComparison.Ordinal);
    }
}
