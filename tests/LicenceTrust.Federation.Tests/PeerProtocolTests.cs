namespace LicenceTrust.Federation.Tests;

/// <summary>The peer protocol is spelled once: what the serving side writes, the syncing side reads back.</summary>
public class PeerProtocolTests
{
    [Theory]
    [InlineData(1, 0L)]
    [InlineData(3, 42L)]
    [InlineData(153, 9_000_000_000L)]
    public void A_status_lists_ETag_gives_back_its_version(int list, long version) =>
        Assert.Equal(version, PeerProtocol.StatusListVersionOf(PeerProtocol.StatusListETag(list, version)));

    [Theory]
    [InlineData(null)]
    [InlineData("\"7\"")]
    [InlineData("\"3-x\"")]
    [InlineData("\"3--1\"")]
    [InlineData("W/\"3-4-5\"")]
    public void Anything_else_names_no_version(string? etag) => Assert.Null(PeerProtocol.StatusListVersionOf(etag));

    [Fact]
    public void Paths_fill_the_routes_the_endpoints_map()
    {
        Assert.Equal(PeerProtocol.StatusListRoute.Replace("{list}", "12", StringComparison.Ordinal), PeerProtocol.StatusListPath(12));
        Assert.Equal(PeerProtocol.HoldingsRoute.Replace("{province}", "cq", StringComparison.Ordinal), PeerProtocol.HoldingsPath("cq"));
        Assert.Equal(PeerProtocol.LicenceStatusRoute.Replace("{identifier}", "1.2.156.3005.2.x%2Fy", StringComparison.Ordinal), PeerProtocol.LicenceStatusPath("1.2.156.3005.2.x/y"));
    }
}
