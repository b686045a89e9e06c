using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace LicenceTrust.Federation;

/// <summary>
/// The HTTP client of one peer. Over HTTPS the peer's server certificate must chain to a CA pinned in
/// its <see cref="PeerOptions.TlsCaFile"/> (a PEM bundle of one or more CA certificates; the machine's trust
/// store plays no part) and name the host of its BaseUrl; this node presents its own client certificate
/// when it has one (mTLS, for the peer's notice inbox). A refused certificate's reason goes to the caller
/// (<c>refused</c>), since .NET's own exception says only that the check refused it. docs/deploy.md, "Network".
/// </summary>
public static class PeerHttp
{
    /// <param name="options">The peer.</param>
    /// <param name="resolve">Turns a configured path into a file path (relative paths are from the node's home).</param>
    /// <param name="clientCertificate">This node's client certificate with its key, or null.</param>
    /// <param name="refused">Told why a server certificate was refused (each time one is).</param>
    /// <exception cref="InvalidDataException">Plain HTTP to another machine without <see cref="PeerOptions.AllowHttp"/>, an https peer with no pinned CA, or a CA file with no certificate.</exception>
    public static HttpClient Create(PeerOptions options, Func<string, string> resolve, X509Certificate2? clientCertificate, Action<string>? refused = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resolve);
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = TimeSpan.FromSeconds(3) };
        var https = options.BaseUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        if (!https && !options.AllowHttp && !IsLoopback(options.BaseUrl))
        {
            throw new InvalidDataException($"Node:Peers ({options.Province}): {options.BaseUrl} is plain HTTP to another machine. Use https with TlsCaFile (docs/deploy.md, \"Network\"), or set AllowHttp=true on this peer for a closed test network.");
        }

        if (https && options.TlsCaFile is null)
        {
            throw new InvalidDataException($"Node:Peers ({options.Province}): an https BaseUrl needs TlsCaFile, the CA certificate (PEM) that issues the peer's server certificate.");
        }

        if (options.TlsCaFile is { } file)
        {
            var cas = LoadCertificates(resolve(file), $"Node:Peers ({options.Province}) TlsCaFile");
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (Refusal(cas, certificate, chain, errors) is not { } reason)
                {
                    return true;
                }

                refused?.Invoke(reason);
                return false;
            };
        }

        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return new HttpClient(handler);
    }

    /// <summary>Whether the URL's host is this machine (127.0.0.0/8, ::1, localhost): plain HTTP there never crosses a network.</summary>
    public static bool IsLoopback(string baseUrl) =>
        Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && uri.IsLoopback;

    /// <summary>Whether <paramref name="certificate"/> chains to one of <paramref name="cas"/> alone and is in force; the reason when not, null when it does.</summary>
    /// <param name="presented">The chain the other side sent, for its intermediate certificates.</param>
    public static string? ChainRefusal(X509Certificate2Collection cas, X509Certificate2 certificate, X509Chain? presented = null)
    {
        ArgumentNullException.ThrowIfNull(cas);
        ArgumentNullException.ThrowIfNull(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(cas);
        // Revocation of TLS certificates is the CA operator's; a pinned private CA publishes no CRL here.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate)
            ? null
            : $"the certificate '{certificate.Subject}' does not chain to the pinned CA ({string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct())})";
    }

    /// <summary>Whether <paramref name="certificate"/> chains to one of <paramref name="cas"/> alone and is in force.</summary>
    public static bool ChainsTo(X509Certificate2Collection cas, X509Certificate2 certificate, X509Chain? presented = null) =>
        ChainRefusal(cas, certificate, presented) is null;

    /// <summary>Every certificate of a PEM file: one CA, or a bundle of several (one per province).</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file holds no PEM certificate.</exception>
    public static X509Certificate2Collection LoadCertificates(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{what}: the certificate file {path} was not found.", path);
        }

        var certificates = new X509Certificate2Collection();
        try
        {
            // A bundle made by concatenating files that lack a final newline has "-----END …----------BEGIN"
            // on one line, which a PEM reader takes for one broken block: every block starts on a line of its own here.
            var text = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(path), "(-----END [A-Z0-9 ]+-----)(?=-----BEGIN )", "$1\n");
            certificates.ImportFromPem(text);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InvalidDataException($"{what}: {path} is not a PEM certificate bundle ({e.Message}).", e);
        }

        return certificates.Count > 0 ? certificates : throw new InvalidDataException($"{what}: {path} holds no PEM certificate.");
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

    private static string? Refusal(X509Certificate2Collection cas, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return "the peer presented no server certificate";
        }

        var presented = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        // The name must match the BaseUrl's host; chain errors are judged against the pinned CAs only.
        return (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0
            ? $"the certificate '{presented.Subject}' does not name the host of the peer's BaseUrl"
            : ChainRefusal(cas, presented, chain);
    }
}
