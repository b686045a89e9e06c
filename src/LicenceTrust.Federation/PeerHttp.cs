using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace LicenceTrust.Federation;

/// <summary>
/// The HTTP client of one peer. Over HTTPS the peer's server certificate must chain to the CA pinned in
/// its <see cref="PeerOptions.TlsCaFile"/> (the machine's trust store plays no part) and name the host of
/// its BaseUrl; this node presents its own client certificate when it has one (mTLS, for the peer's
/// notice inbox). docs/deploy.md, "Network".
/// </summary>
public static class PeerHttp
{
    /// <param name="options">The peer.</param>
    /// <param name="resolve">Turns a configured path into a file path (relative paths are from the node's home).</param>
    /// <param name="clientCertificate">This node's client certificate with its key, or null.</param>
    /// <exception cref="InvalidDataException">An https peer has no pinned CA, or its CA file is not a certificate.</exception>
    public static HttpClient Create(PeerOptions options, Func<string, string> resolve, X509Certificate2? clientCertificate)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resolve);
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = TimeSpan.FromSeconds(3) };
        var https = options.BaseUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        if (https && options.TlsCaFile is null)
        {
            throw new InvalidDataException($"Node:Peers ({options.Province}): an https BaseUrl needs TlsCaFile, the CA certificate (PEM) that issues the peer's server certificate.");
        }

        if (options.TlsCaFile is { } file)
        {
            var ca = LoadCertificate(resolve(file), options.Province);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => IsPinned(ca, certificate, chain, errors);
        }

        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return new HttpClient(handler);
    }

    /// <summary>Whether <paramref name="certificate"/> chains to <paramref name="ca"/> alone, is in force and names the host.</summary>
    public static bool ChainsTo(X509Certificate2 ca, X509Certificate2 certificate, X509Chain? presented = null)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        // Revocation of TLS certificates is the CA operator's; a pinned private CA publishes no CRL here.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate);
    }

    /// <exception cref="InvalidDataException">The file holds no PEM certificate.</exception>
    public static X509Certificate2 LoadCertificate(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{what}: the certificate file {path} was not found.", path);
        }

        try
        {
            return X509Certificate2.CreateFromPem(File.ReadAllText(path));
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InvalidDataException($"{what}: {path} is not a PEM certificate ({e.Message}).", e);
        }
    }

    /// <summary>
    /// What went wrong with a request to a peer, in one line: the exception and each inner one (a TLS
    /// refusal says why only in an inner exception), never a stack trace.
    /// </summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is OperationCanceledException)
        {
            return "timed out";
        }

        var parts = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (!parts.Contains(e.Message))
            {
                parts.Add(e.Message);
            }
        }

        return string.Join(" → ", parts);
    }

    private static bool IsPinned(X509Certificate2 ca, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null
        // The name must match the BaseUrl's host; chain errors are judged below against the pinned CA only.
        && (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) == 0
        && ChainsTo(ca, certificate as X509Certificate2 ?? new X509Certificate2(certificate), chain);
}
