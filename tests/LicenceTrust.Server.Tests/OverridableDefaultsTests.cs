using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using LicenceTrust.Samples;

namespace LicenceTrust.Server.Tests;

public class OverridableDefaultsTests
{
    [Fact]
    public async Task A_clock_registered_before_the_node_replaces_the_system_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        await using var node = new NodeFixture { Configure = builder => builder.Services.AddSingleton<TimeProvider>(clock) };
        await node.InitializeAsync();

        var issued = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 601);
        clock.Advance(TimeSpan.FromDays(1));
        var id = issued.GetProperty("identifier").GetString();
        await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/revoke", new { reason = "到期" });
        var status = await node.Client().SendAsync(HttpMethod.Get, $"/api/v1/licences/{id}/status");

        Assert.Equal(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero), issued.GetProperty("issuedAt").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 6, 2, 8, 0, 0, TimeSpan.Zero), status.Body.GetProperty("since").GetDateTimeOffset());
        Assert.Contains(".2026", id, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(300, "CHECK", "CLOCK_SKEW")]
    [InlineData(0, "INVALID", "NOT_YET_VALID")]
    public async Task The_clock_skew_allowance_is_a_node_setting(int seconds, string verdict, string reason)
    {
        var vector = Testing.Vectors.VectorSet.Read(Path.Combine(Testing.RepositoryPaths.Vectors, "vectors.json")).Vectors.Single(v => v.Name == "clock-skew-at-start");
        var province = Core.Codec.CredentialReader.Read(vector.Qr).Credential!.Claims.Licence.Province.NodeId;
        await using var node = new NodeFixture
        {
            Province = province,
            ExtraArgs = [$"--Node:ClockSkewSeconds={seconds}"],
            Configure = builder => builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(vector.VerifyAt)),
        };
        await node.InitializeAsync();

        var response = await node.Client().SendAsync(HttpMethod.Post, "/api/v1/verify", new { qrText = vector.Qr });

        Assert.Equal(verdict, response.Body.GetProperty("result").GetProperty("verdict").GetString());
        Assert.Equal(reason, response.Body.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
    }
}
