using LicenceTrust.Core.Identifiers;
using LicenceTrust.Sharing;

namespace LicenceTrust.Federation.Tests;

/// <summary>The home node's rates for evidence requests (docs/federation.md §9.3): per peer, per officer, and a flood audited once a minute.</summary>
public class EvidenceGateTests
{
    private static readonly Province Sichuan = Province.FromNodeId("sc");
    private static readonly Province Guizhou = Province.FromNodeId("gz");

    [Fact]
    public void A_peer_gets_its_burst_then_is_refused_while_another_peer_is_not()
    {
        var gate = new EvidenceGate();

        var admitted = Enumerable.Range(0, 3 * EvidenceGate.PeerRequestsPerSecond).Count(_ => gate.AdmitPeer(Sichuan));

        // Twice the rate at once, and at most what refills while the loop runs (microseconds).
        Assert.InRange(admitted, 2 * EvidenceGate.PeerRequestsPerSecond, (2 * EvidenceGate.PeerRequestsPerSecond) + 5);
        Assert.True(gate.AdmitPeer(Guizhou));
    }

    [Fact]
    public void An_officer_gets_ten_at_once_and_another_officer_of_the_same_peer_is_not_held_back()
    {
        var gate = new EvidenceGate();

        var admitted = Enumerable.Range(0, 20).Count(_ => gate.AdmitOfficer(Sichuan, "w******01"));

        Assert.Equal(10, admitted);
        Assert.True(gate.AdmitOfficer(Sichuan, "w******02"));
        Assert.True(gate.AdmitOfficer(Guizhou, "w******01"));
    }

    [Fact]
    public void A_flood_is_audited_once_a_minute_per_peer()
    {
        var gate = new EvidenceGate();
        var now = DateTimeOffset.UnixEpoch.AddDays(20_000);

        Assert.True(gate.AuditFlood(Sichuan, now));
        Assert.False(gate.AuditFlood(Sichuan, now.AddSeconds(59)));
        Assert.True(gate.AuditFlood(Guizhou, now.AddSeconds(59)));
        Assert.True(gate.AuditFlood(Sichuan, now.AddMinutes(1)));
        Assert.False(gate.AuditFlood(Sichuan, now.AddMinutes(1.5)));
    }
}
