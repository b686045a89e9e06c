using LicenceTrust.Samples;
using System.Net;
using System.Text.Json;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Results;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

public sealed class ReceiptApiTests(NodeFixture node) : IClassFixture<NodeFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("lt-receipt-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task A_requested_receipt_is_signed_by_the_node_and_checks_offline_with_the_CLI()
    {
        var qr = (await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 801)).GetProperty("qrText").GetString();

        var withReceipt = await node.Client().SendAsync(HttpMethod.Post, "/api/v1/verify?receipt=true", new { qrText = qr });
        var without = await node.Client().SendAsync(HttpMethod.Post, "/api/v1/verify", new { qrText = qr });

        Assert.Equal(HttpStatusCode.OK, withReceipt.Status);
        Assert.Equal(JsonValueKind.Null, without.Body.GetProperty("receipt").ValueKind);
        var receipt = withReceipt.Body.GetProperty("receipt").GetString()!;
        var chongqing = SampleKeys.Of(SampleProvinces.Chongqing);
        var payload = Receipt.TryVerify(Convert.FromBase64String(receipt), [ListSignerCertificate.Parse(chongqing.ListSigner!.CertificateDer, chongqing.Root)], out _, out var error);
        Assert.True(payload is not null, error);
        using (var signed = JsonDocument.Parse(payload))
        {
            Assert.Equal("VALID", signed.RootElement.GetProperty("result").GetProperty("verdict").GetString());
        }

        var file = Path.Combine(_work, "receipt.txt");
        await File.WriteAllTextAsync(file, receipt);
        var cli = await Programs.RunAsync(Programs.Cli, $"receipt verify {file} --keys {RepositoryPaths.KeysSample}");
        Assert.Equal(0, cli.Code);
        Assert.Contains("GENUINE receipt of the 重庆市 node: verdict VALID", cli.Output, StringComparison.Ordinal);

        var forged = Convert.FromBase64String(receipt);
        forged[^1] ^= 1;
        await File.WriteAllBytesAsync(file, forged);
        var refused = await Programs.RunAsync(Programs.Cli, $"receipt verify {file} --keys {RepositoryPaths.KeysSample}");
        Assert.Equal(1, refused.Code);
        Assert.Contains("NOT GENUINE", refused.Output, StringComparison.Ordinal);
    }
}
