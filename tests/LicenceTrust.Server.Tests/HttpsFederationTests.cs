using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using LicenceTrust.Core.Trust;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The two-node federation over HTTPS (docs/deploy.md, "Network"), with a CA made here: each node serves
/// a certificate of that CA, pins it for its peer (not the machine's trust store), and Chongqing presents a
/// client certificate to Sichuan's notice inbox, which takes notices only over mTLS. A third node that pins
/// another CA refuses Sichuan's certificate.
/// </summary>
public sealed class HttpsFederationTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-tls-").FullName;
    private readonly int _chongqingTls = FreePorts.Next();
    private readonly int _sichuanTls = FreePorts.Next();
    private readonly List<NodeProcess> _nodes = [];
    private X509Certificate2 _ca = null!;

    private string File(string name) => Path.Combine(_folder, name);

    public async Task InitializeAsync()
    {
        _ca = TestCertificates.Authority("LicenceTrust test federation CA", File("ca.pem"));
        TestCertificates.Authority("Another CA", File("other-ca.pem")).Dispose();

        TestCertificates.Leaf(_ca, "cq.lt.example", server: true, File("cq.pem"), File("cq.key"));
        TestCertificates.Leaf(_ca, "sc.lt.example", server: true, File("sc.pem"), File("sc.key"));
        TestCertificates.Leaf(_ca, "cq client", server: false, File("cq-client.pem"), File("cq-client.key"));

        int cq = FreePorts.Next(), sc = FreePorts.Next();
        var started = await Task.WhenAll(
            NodeProcess.StartAsync("cq", cq, RepositoryPaths.KeysSample,
            [
                .. NodeProcess.SamplePeer("sc", sc), .. Tls(cq, _chongqingTls, "cq"), .. PinnedPeer(_sichuanTls, "ca.pem"),
                $"--Node:TlsClientCertificateFile={File("cq-client.pem")}", $"--Node:TlsClientKeyFile={File("cq-client.key")}",
            ]),
            NodeProcess.StartAsync("sc", sc, RepositoryPaths.KeysSample,
            [
                .. NodeProcess.SamplePeer("cq", cq), .. Tls(sc, _sichuanTls, "sc"), .. PinnedPeer(_chongqingTls, "ca.pem"),
                $"--Node:NoticeInboxClientCaFile={File("ca.pem")}",
            ]));
        _nodes.AddRange(started);
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        _ca.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Two_nodes_federate_over_pinned_https_notices_need_a_client_certificate_and_a_node_pinning_another_CA_refuses_the_peer()
    {
        var (chongqing, sichuan) = (_nodes[0], _nodes[1]);

        // A Sichuan licence verifies at Chongqing from the status list pulled over HTTPS (until that list
        // arrives, from Sichuan's signed live answer, also over HTTPS).
        var issued = await sichuan.IssueAsync(sichuan.RegulatorKey, SampleLicenceTypes.BusinessLicence, 821);
        var qr = issued.GetProperty("qrText").GetString()!;
        var fromList = (await chongqing.WaitForVerdictAsync(qr, r => r.GetProperty("checkedAgainst").GetProperty("statusSource").GetString() == "sc:status-list", TimeSpan.FromSeconds(20))).Response;
        Assert.Equal("VALID", FederationTests.Verdict(fromList));
        Assert.Equal($"https://127.0.0.1:{_sichuanTls}", (await PeerOf(chongqing, "sc")).GetProperty("baseUrl").GetString());

        // Chongqing's withdrawal notice reaches Sichuan's inbox over mTLS; a client without a certificate is refused.
        // Sichuan checks a notice against Chongqing's trust list, so it must have pulled that list first.
        var synced = DateTime.UtcNow.AddSeconds(20);
        while ((await PeerOf(sichuan, "cq")).GetProperty("lastSuccess").ValueKind == JsonValueKind.Null)
        {
            Assert.True(DateTime.UtcNow < synced, "Sichuan never synced Chongqing over HTTPS");
            await Task.Delay(100);
        }

        var hr = SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.ProfessionalQualification);
        var fingerprint = SampleKeys.Of(SampleProvinces.Chongqing).Issuers.First(i => i.Certificate.AuthorityCode == hr.Code.Value).Certificate.Fingerprint;
        using var withdraw = await chongqing.Client(chongqing.AdminKey).PostAsJsonAsync($"/api/v1/trust/issuers/{fingerprint}/withdraw", new { reason = "TLS 测试" });
        var withdrawn = await withdraw.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(withdraw.IsSuccessStatusCode, withdrawn.ToString());
        Assert.True(withdrawn.GetProperty("peers")[0].GetProperty("delivered").GetBoolean(), withdrawn.ToString());

        using var anonymous = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && Federation.PeerHttp.ChainsTo([_ca], new X509Certificate2(certificate)) } });
        using var notice = new ByteArrayContent(Convert.FromBase64String(withdrawn.GetProperty("notice").GetString()!));
        notice.Headers.ContentType = new(WithdrawalNotice.MediaType);
        using var refused = await anonymous.PostAsync($"https://127.0.0.1:{_sichuanTls}/api/v1/federation/notices", notice);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("CLIENT_CERTIFICATE_REQUIRED", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        // A Chongqing node that pins another CA never accepts Sichuan's certificate: no sync, no VALID.
        var wrongPin = await NodeProcess.StartAsync("cq", FreePorts.Next(), RepositoryPaths.KeysSample, [.. NodeProcess.SamplePeer("sc", 1), .. PinnedPeer(_sichuanTls, "other-ca.pem")]);
        _nodes.Add(wrongPin);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        JsonElement view;
        while ((view = await PeerOf(wrongPin, "sc")).GetProperty("consecutiveFailures").GetInt32() < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, view.ToString());
            await Task.Delay(200);
        }

        Assert.Equal(JsonValueKind.Null, view.GetProperty("lastSuccess").ValueKind);
        Assert.Contains("SSL", view.GetProperty("lastError").GetString(), StringComparison.OrdinalIgnoreCase);
        // The refusal says why, in the peer's state and in the log (the wait past the start-up grace lets the warning out).
        Assert.Contains("TLS refused: the certificate", view.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains("does not chain to the pinned CA", view.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        var there = (await wrongPin.WaitForVerdictAsync(issued.GetProperty("qrText").GetString()!, _ => true, TimeSpan.FromSeconds(5))).Response;
        Assert.NotEqual("VALID", FederationTests.Verdict(there));
    }

    /// <summary>Serve plain HTTP on the test's port (for the test's own client) and HTTPS with the node's certificate for the peers.</summary>
    private string[] Tls(int http, int https, string node) =>
    [
        $"--urls=http://127.0.0.1:{http};https://127.0.0.1:{https}",
        $"--Kestrel:Certificates:Default:Path={File(node + ".pem")}", $"--Kestrel:Certificates:Default:KeyPath={File(node + ".key")}",
    ];

    private string[] PinnedPeer(int https, string ca) =>
        [$"--Node:Peers:0:BaseUrl=https://127.0.0.1:{https}", $"--Node:Peers:0:TlsCaFile={File(ca)}"];

    private static async Task<JsonElement> PeerOf(NodeProcess node, string province) =>
        (await node.Client().GetFromJsonAsync<JsonElement>("/api/v1/federation/peers")).GetProperty("peers").EnumerateArray().Single(p => p.GetProperty("province").GetString() == province);
}

/// <summary>Certificates made at test time: a CA and the leaves it signs, written as PEM files.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 Authority(string name, string pemPath)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        System.IO.File.WriteAllText(pemPath, ca.ExportCertificatePem());
        return ca;
    }

    public static void Leaf(X509Certificate2 ca, string name, bool server, string pemPath, string keyPath)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        using var leaf = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), RandomNumberGenerator.GetBytes(12));
        System.IO.File.WriteAllText(pemPath, leaf.ExportCertificatePem());
        System.IO.File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
    }
}

/// <summary>TLS settings a node refuses at start, saying which and why.</summary>
public sealed class PeerTlsConfigurationTests
{
    [Fact]
    public void A_CA_bundle_with_one_CA_per_province_pins_each_of_them()
    {
        var folder = Directory.CreateTempSubdirectory("lt-bundle-").FullName;
        string File(string name) => Path.Combine(folder, name);
        using var chongqingCa = TestCertificates.Authority("重庆 TLS CA", File("cq-ca.pem"));
        using var guizhouCa = TestCertificates.Authority("贵州 TLS CA", File("gz-ca.pem"));
        using var strangerCa = TestCertificates.Authority("Stranger CA", File("stranger-ca.pem"));
        System.IO.File.WriteAllText(File("federation-ca-bundle.pem"), System.IO.File.ReadAllText(File("cq-ca.pem")) + System.IO.File.ReadAllText(File("gz-ca.pem")));
        TestCertificates.Leaf(guizhouCa, "gz client", server: false, File("gz-client.pem"), File("gz-client.key"));
        TestCertificates.Leaf(strangerCa, "gz client", server: false, File("stranger-client.pem"), File("stranger-client.key"));

        var cas = Federation.PeerHttp.LoadCertificates(File("federation-ca-bundle.pem"), "test");
        using var guizhouClient = X509Certificate2.CreateFromPemFile(File("gz-client.pem"), File("gz-client.key"));
        using var strangerClient = X509Certificate2.CreateFromPemFile(File("stranger-client.pem"), File("stranger-client.key"));

        Assert.Equal(2, cas.Count);
        Assert.Null(Federation.PeerHttp.ChainRefusal(cas, guizhouClient));
        Assert.Contains("does not chain to the pinned CA", Federation.PeerHttp.ChainRefusal(cas, strangerClient), StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData("--Node:Peers:0:BaseUrl=https://127.0.0.1:9", "an https BaseUrl needs TlsCaFile")]
    [InlineData("--Node:TlsClientCertificateFile=client.pem", "Node:TlsClientCertificateFile and Node:TlsClientKeyFile go together")]
    [InlineData("--Node:NoticeInboxClientCaFile=/nonexistent/ca.pem", "was not found")]
    public async Task A_node_with_an_incomplete_TLS_setting_does_not_start_and_says_which(string setting, string expected)
    {
        var folder = Directory.CreateTempSubdirectory("lt-tls-config-").FullName;
        try
        {
            var refused = await Programs.NodeRefusalAsync(folder, [.. NodeProcess.SamplePeer("sc", 9), setting]);

            Assert.Contains(expected, refused, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
