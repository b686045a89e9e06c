using LicenceTrust.Core.Licences;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LicenceTrust.Server.Tests;

public class OverridableDefaultsTests
{
    [Fact]
    public async Task A_clock_registered_before_the_node_replaces_the_system_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        await using var node = new NodeFixture { Configure = builder => builder.Services.AddSingleton<TimeProvider>(clock) };
        await node.InitializeAsync();

        var issued = await node.IssueAsync(node.RegulatorKey, LicenceTypeCatalogue.BusinessLicence, 601);
        clock.Advance(TimeSpan.FromDays(1));
        var id = issued.GetProperty("identifier").GetString();
        await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/revoke", new { reason = "到期" });
        var status = await node.Client().SendAsync(HttpMethod.Get, $"/api/v1/licences/{id}/status");

        Assert.Equal(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero), issued.GetProperty("issuedAt").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 6, 2, 8, 0, 0, TimeSpan.Zero), status.Body.GetProperty("since").GetDateTimeOffset());
        Assert.Contains(".2026", id, StringComparison.Ordinal);
    }
}
