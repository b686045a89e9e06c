using System.Security.Cryptography.X509Certificates;
using LicenceTrust.Core.Results;
using LicenceTrust.Federation;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// TLS between provinces (docs/deploy.md, "Network"): this node's client certificate for its peers, and
/// the notice inbox's mTLS check. The server certificate itself is Kestrel's configuration
/// (<c>Kestrel:Certificates:Default:Path</c> and <c>KeyPath</c>, PEM).
/// </summary>
public static class NodeTls
{
    /// <summary>This node's client certificate with its key, or null when none is configured.</summary>
    /// <exception cref="InvalidDataException">Only one of the two files is set, or they do not hold a certificate and its key.</exception>
    public static X509Certificate2? ClientCertificate(NodeOptions options, Func<string, string> resolve)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resolve);
        return (options.TlsClientCertificateFile, options.TlsClientKeyFile) switch
        {
            (null, null) => null,
            ({ } certificate, { } key) => Load(resolve(certificate), resolve(key)),
            _ => throw new InvalidDataException("Node:TlsClientCertificateFile and Node:TlsClientKeyFile go together: set both or neither."),
        };
    }

    /// <summary>With Node:NoticeInboxClientCaFile, Kestrel asks every HTTPS client for a certificate; the inbox judges it, other endpoints ignore it.</summary>
    public static void AddNoticeInboxMutualTls(this WebApplicationBuilder builder)
    {
        var file = builder.Configuration.GetSection(NodeOptions.Section)[nameof(NodeOptions.NoticeInboxClientCaFile)];
        if (file is not { Length: > 0 })
        {
            builder.Services.AddSingleton(new NoticeInboxGate(null));
            return;
        }

        // Read when the node initialises (NodeHost.InitialiseNodeAsync), so a missing bundle stops the start and `--check` lists it.
        var path = NodeHost.FromContentRoot(builder, file);
        builder.Services.AddSingleton(sp => new NoticeInboxGate(PeerHttp.LoadCertificates(path, "Node:NoticeInboxClientCaFile"), sp.GetRequiredService<ILogger<NoticeInboxGate>>()));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            // Judged by the inbox against the pinned CAs; a browser or partner without one still reaches the rest of the API.
            https.ClientCertificateValidation = (_, _, _) => true;
        }));
    }

    private static X509Certificate2 Load(string certificate, string key)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certificate, key);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidDataException($"Node:TlsClientCertificateFile {certificate} with its key {key}: {e.Message}", e);
        }
    }
}

/// <summary>
/// Whether the notice inbox takes a connection: any, or (with pinned client CAs: one per province, in one
/// PEM bundle) only one whose client certificate chains to one of them. Each refusal is logged with its reason.
/// </summary>
public sealed class NoticeInboxGate(X509Certificate2Collection? clientCas, ILogger<NoticeInboxGate>? logger = null)
{
    /// <exception cref="LicenceTrustException">403 CLIENT_CERTIFICATE_REQUIRED.</exception>
    public void Check(X509Certificate2? presented, string? from = null)
    {
        if (clientCas is null)
        {
            return;
        }

        if ((presented is null ? "no client certificate was presented" : PeerHttp.ChainRefusal(clientCas, presented)) is { } refusal)
        {
            logger?.LogWarning("Notice inbox refused a connection from {Address}: {Reason}", from ?? "?", refusal);
            throw LicenceTrustException.Forbidden("CLIENT_CERTIFICATE_REQUIRED",
                "通知收件箱只接受持有省际互认客户端证书的连接 (the notice inbox takes only connections with a client certificate of the federation's CA).");
        }
    }
}
