using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Samples;

namespace LicenceTrust.Server.Tests;

/// <summary>A node with benchmark endpoints, as verify-load.sh starts it.</summary>
public sealed class BenchmarkNode : IAsyncLifetime
{
    public NodeFixture Node { get; } = new() { ExtraArgs = ["--Node:BenchmarkEndpoints=true"] };

    public Task InitializeAsync() => Node.InitializeAsync();

    public Task DisposeAsync() => Node.DisposeAsync();
}

/// <summary>The load run's baseline does the signature work of /verify on the same credential, and the memo counter counts.</summary>
public class BenchmarkEndpointTests(BenchmarkNode fixture) : IClassFixture<BenchmarkNode>
{
    [Fact]
    public async Task The_baseline_checks_the_credentials_own_signature_and_answers_as_many_bytes_as_asked()
    {
        var node = fixture.Node;
        var sm2 = (await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 801)).GetProperty("qrText").GetString()!;
        var es256 = (await node.IssueAsync(node.HrKey, SampleLicenceTypes.ProfessionalQualification, 802)).GetProperty("qrText").GetString()!;
        var forged = sm2[..^6] + (sm2[^6] == 'A' ? 'B' : 'A') + sm2[^5..];
        using var client = node.Client();

        async Task<(int Length, bool Valid)> BaselineAsync(string qrText)
        {
            using var response = await client.PostAsJsonAsync("/bench/verify-signature?bytes=1365", new { qrText });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsByteArrayAsync();
            return (body.Length, JsonDocument.Parse(body).RootElement.GetProperty("valid").GetBoolean());
        }

        Assert.Equal((1365, true), await BaselineAsync(sm2));
        Assert.Equal((1365, true), await BaselineAsync(es256));
        Assert.False((await BaselineAsync(forged)).Valid);

        var before = long.Parse(await client.GetStringAsync("/bench/memo-hits"), System.Globalization.CultureInfo.InvariantCulture);
        await client.PostAsJsonAsync("/api/v1/verify", new { qrText = sm2 });
        await client.PostAsJsonAsync("/api/v1/verify", new { qrText = sm2 });
        var after = long.Parse(await client.GetStringAsync("/bench/memo-hits"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1, after - before);
    }
}
