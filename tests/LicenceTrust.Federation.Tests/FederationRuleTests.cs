using LicenceTrust.Samples;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using LicenceTrust.Core.Trust;
using LicenceTrust.Testing;
using Microsoft.Extensions.Time.Testing;

namespace LicenceTrust.Federation.Tests;

/// <summary>The federation rules at the Chongqing node, without the network: trust, recognition and freshness.</summary>
public class FederationRuleTests
{
    private static readonly KeyStore.ProvinceKeys Sichuan = SampleKeys.Of(SampleProvinces.Sichuan);
    private static readonly KeyStore.ProvinceKeys Chongqing = SampleKeys.Of(SampleProvinces.Chongqing);
    private readonly FakeTimeProvider _time = new(TestClock.Now);

    private static TrustList ListOf(long sequence, params LicenceTrust.Core.Pki.IssuerCertificate[] issuers) =>
        new(SampleProvinces.Sichuan, sequence, TestClock.Now, TestClock.Now.AddDays(1), issuers, LicenceTrust.Core.Pki.ListSignerCertificate.Parse(Sichuan.ListSigner!.CertificateDer, Sichuan.Root));

    private static FederatedTrust Trust() => new(Chongqing.Root, [.. Chongqing.Issuers.Select(i => i.Certificate)]);

    private static DecodedCredential SichuanCredential(LicenceType type)
    {
        var licence = ALicence.OfType(type).In(SampleProvinces.Sichuan).Build();
        return CredentialReader.Read(Credentials.Sign(licence).QrText).Credential!;
    }

    private FederationPolicy Policy(FederatedTrust trust, IReadOnlySet<string>? types = null)
    {
        var peers = PeerSet.Empty with
        {
            Recognitions = new Dictionary<Province, Recognition>
            {
                [SampleProvinces.Sichuan] = new(new PeerOptions { Province = "sc", TrustListMaxAgeSeconds = 60 },
                    new RecognitionAgreement(SampleProvinces.Chongqing, SampleProvinces.Sichuan, types ?? SampleLicenceTypes.All.Select(t => t.Code.Value).ToHashSet(), TestClock.Now.AddYears(-2), TestClock.Now)),
            },
        };
        return new(trust, () => peers, () => 1);
    }

    [Fact]
    public void Peer_issuers_are_trusted_only_from_the_peer_s_list_and_a_certificate_that_leaves_it_counts_as_withdrawn()
    {
        var trust = Trust();
        var credential = SichuanCredential(SampleLicenceTypes.BusinessLicence);
        var issuer = SampleKeys.IssuerOf(credential.Claims.Licence).Certificate;

        Assert.Empty(trust.FindByKid(credential.Kid));
        trust.SetPeer(new PeerTrust(Sichuan.Root, ListOf(1, [.. Sichuan.Issuers.Select(i => i.Certificate)]), TestClock.Now));
        Assert.Single(trust.FindByKid(credential.Kid));
        trust.SetPeer(new PeerTrust(Sichuan.Root, ListOf(2, [.. Sichuan.Issuers.Select(i => i.Certificate).Where(c => c.Fingerprint != issuer.Fingerprint)]), TestClock.Now));

        Assert.Empty(trust.FindByKid(credential.Kid));
        Assert.True(trust.IsWithdrawn(credential.Kid));
        Assert.Equal(ReasonCode.IssuerWithdrawn, Policy(trust).ExplainUnknownIssuer(credential));
    }

    [Fact]
    public void A_peer_never_reached_is_PEER_UNREACHABLE_an_unfederated_province_is_not_recognised()
    {
        var credential = SichuanCredential(SampleLicenceTypes.BusinessLicence);
        var noPeers = new FederationPolicy(Trust(), () => PeerSet.Empty, () => 1);

        Assert.Equal(ReasonCode.PeerUnreachable, Policy(Trust()).ExplainUnknownIssuer(credential));
        Assert.Equal(ReasonCode.TypeNotRecognised, noPeers.ExplainUnknownIssuer(credential));
    }

    [Fact]
    public void A_peer_not_yet_answering_at_start_is_tried_again_each_second_a_peer_that_went_down_each_interval()
    {
        var now = _time.GetUtcNow();
        var state = new PeerState(new PeerOptions { Province = "sc", BaseUrl = "http://127.0.0.1:9", SyncIntervalSeconds = 5 }, new HttpClient()) { GraceUntil = now.AddSeconds(30) };
        state.ConsecutiveFailures = 1;

        var starting = state.PauseAfter(failed: true, now);
        var afterGrace = state.PauseAfter(failed: true, now.AddSeconds(31));
        state.LastSuccess = now.AddSeconds(-60);
        var downOnce = state.PauseAfter(failed: true, now);
        state.ConsecutiveFailures = 5;
        var downLong = state.PauseAfter(failed: true, now);
        var good = state.PauseAfter(failed: false, now);
        var fastPeer = new PeerState(new PeerOptions { Province = "sc", BaseUrl = "http://127.0.0.1:9", SyncIntervalSeconds = 0.5 }, new HttpClient()) { GraceUntil = now.AddSeconds(30) };

        // Never more than one interval, so a peer that comes back is synced within one interval of its return.
        Assert.Equal(TimeSpan.FromSeconds(1), starting);
        Assert.Equal(TimeSpan.FromSeconds(5), afterGrace);
        Assert.Equal(TimeSpan.FromSeconds(5), downOnce);
        Assert.Equal(TimeSpan.FromSeconds(5), downLong);
        Assert.Equal(TimeSpan.FromSeconds(5), good);
        Assert.Equal(TimeSpan.FromSeconds(0.5), fastPeer.PauseAfter(failed: true, now));
    }

    [Fact]
    public void Recognition_needs_the_type_in_the_agreement_and_a_fresh_trust_list()
    {
        var trust = Trust();
        trust.SetPeer(new PeerTrust(Sichuan.Root, ListOf(1, [.. Sichuan.Issuers.Select(i => i.Certificate)]), TestClock.Now));
        var permit = SichuanCredential(SampleLicenceTypes.ForeignerWorkPermit);
        var business = SichuanCredential(SampleLicenceTypes.BusinessLicence);
        var narrow = Policy(trust, new HashSet<string> { SampleLicenceTypes.BusinessLicence.Code.Value });

        Assert.Equal(ReasonCode.None, narrow.CheckRecognition(business, _time.GetUtcNow()));
        Assert.Equal(ReasonCode.TypeNotRecognised, narrow.CheckRecognition(permit, _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(ReasonCode.TrustListStale, narrow.CheckRecognition(business, _time.GetUtcNow()));
    }

    [Fact]
    public async Task Peer_status_comes_from_the_fresh_list_past_max_age_a_final_status_stays_and_anything_else_is_STATUS_STALE()
    {
        var credential = SichuanCredential(SampleLicenceTypes.BusinessLicence);
        var reference = credential.Claims.Status;
        var suspended = reference with { Index = (reference.Index + 1) % 131_072 };
        var valid = reference with { Index = (reference.Index + 2) % 131_072 };
        var bits = new StatusBits(131_072);
        bits.Set((int)reference.Index, 1);
        bits.Set((int)suspended.Index, 2);
        var state = new PeerState(new PeerOptions { Province = "sc", BaseUrl = "http://127.0.0.1:9", StatusMaxAgeSeconds = 10, LiveStatusFallback = false }, new HttpClient());
        state.SetStatusList(new CachedStatusList(new StatusList(reference.Uri!, TestClock.Now, TestClock.Now.AddDays(1), TimeSpan.FromSeconds(1), bits), 1, TestClock.Now));
        var peers = PeerSet.Empty with { States = new Dictionary<Province, PeerState> { [SampleProvinces.Sichuan] = state } };
        var source = new FederatedStatusSource(() => peers, Trust(), _time);
        var licence = credential.Claims.Licence;

        var fresh = await source.LookupAsync(licence, reference, CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(3));
        var revokedLongAgo = await source.LookupAsync(licence, reference, CancellationToken.None);
        var suspendedStale = await source.LookupAsync(licence, suspended, CancellationToken.None);
        var validStale = await source.LookupAsync(licence, valid, CancellationToken.None);
        var unknownList = await source.LookupAsync(licence, reference with { Uri = "https://sc.lt.example/other" }, CancellationToken.None);

        Assert.Equal(((LicenceStatus?)LicenceStatus.Revoked, "sc:status-list"), (fresh.Status, fresh.Source));
        Assert.Equal(((LicenceStatus?)LicenceStatus.Revoked, (DateTimeOffset?)TestClock.Now), (revokedLongAgo.Status, revokedLongAgo.AsOf));
        Assert.Equal((null, ReasonCode.StatusStale, (DateTimeOffset?)TestClock.Now), (suspendedStale.Status, suspendedStale.Failure, suspendedStale.AsOf));
        Assert.Equal((null, ReasonCode.StatusStale), (validStale.Status, validStale.Failure));
        Assert.Equal(ReasonCode.PeerUnreachable, unknownList.Failure);

        // A final status the live API gave is remembered for when the peer is gone; a live VALID is not.
        state.RememberFinal("x", LicenceStatus.Cancelled, TestClock.Now);
        state.RememberFinal("y", LicenceStatus.Valid, TestClock.Now);
        Assert.Equal(LicenceStatus.Cancelled, state.KnownFinal("x")?.Status);
        Assert.Null(state.KnownFinal("y"));
    }
}
