using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using LicenceTrust.Core.Licences;
using LicenceTrust.Federation;
using LicenceTrust.KeyStore;
using LicenceTrust.Status;
using LicenceTrust.Storage;
using Microsoft.Extensions.Options;

namespace LicenceTrust.Server.Hosting;

/// <summary>One line of the check: what was checked, whether it holds, and the detail or what to do.</summary>
public sealed record CheckItem(bool Ok, string What, string Detail)
{
    public override string ToString() => $"  [{(Ok ? "ok" : "FAIL")}] {What}: {Detail}";
}

/// <summary>
/// <c>LicenceTrust.Server --check</c> (docs/deploy.md, "Before the first start"): composes the node from the
/// same settings it would run with and checks each part without serving and without writing anything:
/// the settings, the keys (opened with the passphrase or token), the licence-type catalogue, the TLS files,
/// the database (reachable, migrations pending), each peer (agreement, pinned root, reachable over its
/// TLS pin), and the database against what the peers hold of it. Prints a checklist; exit 0 only when
/// every line is ok. A part that cannot be checked because an earlier one failed says so.
/// </summary>
public static class NodeCheck
{
    /// <summary>The command-line flag.</summary>
    public const string Flag = "--check";

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var items = new List<CheckItem>();
        WebApplication app;
        NodeOptions options;
        try
        {
            app = NodeHost.Build([.. args, "--Logging:LogLevel:Default=None"]);
            options = app.Services.GetRequiredService<IOptions<NodeOptions>>().Value;
            items.Add(new(true, "settings", $"province {options.Province}, {options.DatabaseProvider} database, {options.Peers.Count} peer(s), no unknown names"));
        }
        catch (Exception e)
        {
            items.Add(new(false, "settings", OneLine(e)));
            return Print(output, items, "the rest needs the settings");
        }

        await using (app)
        {
            var services = app.Services;
            var keys = Step(items, "keys", () =>
            {
                var province = services.GetRequiredService<ProvinceKeys>();
                var signer = province.ListSigner ?? throw new InvalidDataException("the key folder has no list-signing key (licencetrust keys list-signer)");
                var soonest = province.Issuers.Select(i => i.Certificate.NotAfter).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
                return (province, $"{province.Province.NameZh} root {province.Root.Fingerprint[..16]}…, list signer, {province.Issuers.Count} issuer key(s) opened" +
                    (province.Issuers.Count > 0 ? $", the first to expire on {soonest:yyyy-MM-dd}" : string.Empty));
            });
            Step(items, "licence types", () => (0, $"{services.GetRequiredService<LicenceTypeCatalogue>().All.Count} types from {options.LicenceTypes ?? "the shipped catalogue"}"));
            Step(items, "TLS", () => (0, Tls(app.Configuration, options, path => NodeHost.FromHome(app.Environment.ContentRootPath, path))));
            var pending = await StepAsync(items, "database", async () =>
            {
                if (options.DatabaseProvider == "sqlite" && options.SqliteFile(path => NodeHost.FromHome(app.Environment.ContentRootPath, path)) is var file && !File.Exists(file))
                {
                    // Opening it would create it: the check writes nothing.
                    return ((IReadOnlyList<string>?)["all"], $"SQLite {file} does not exist yet: the node creates it at start");
                }

                var db = services.GetRequiredService<IDatabase>();
                var migrations = await db.PendingMigrationsAsync(cancellationToken);
                return (migrations, migrations.Count == 0 ? $"{db.Description} answers, schema up to date" : $"{db.Description} answers; {migrations.Count} migration(s) will be applied at start ({string.Join(", ", migrations)})");
            });

            var peers = keys is null ? null : Step(items, "peers", () =>
            {
                var configured = services.GetRequiredService<FederationPeers>();
                return (configured, configured.States.Count == 0 ? "none configured: this node recognises only its own province" : $"{configured.States.Count} agreement(s) signed under this province's root");
            });
            foreach (var (province, state) in peers?.States ?? new Dictionary<Core.Identifiers.Province, PeerState>())
            {
                await StepAsync(items, $"peer {province.NodeId}", async () => (0, await ReachAsync(state, cancellationToken)));
            }

            if (pending is { Count: 0 } && peers is { States.Count: > 0 })
            {
                await StepAsync(items, "database against the peers", async () =>
                {
                    var lists = (await services.GetRequiredService<IStatusListStore>().StatusListsAsync(cancellationToken)).ToDictionary(l => l.Id, l => l.Version);
                    var check = await services.GetRequiredService<RestoreGuard>().CheckAsync(lists, accept: false,
                        (_, _) => throw new InvalidOperationException("the check never accepts a restore"), cancellationToken);
                    return (0, check.Checked ? check.Found : check.Found + " (compare again once a peer answers)");
                });
            }
        }

        return Print(output, items, null);
    }

    private static int Print(TextWriter output, List<CheckItem> items, string? stopped)
    {
        output.WriteLine("LicenceTrust node check");
        foreach (var item in items)
        {
            output.WriteLine(item);
        }

        var failed = items.Count(i => !i.Ok);
        output.WriteLine(stopped is null
            ? $"{items.Count - failed} ok, {failed} failed"
            : $"{items.Count - failed} ok, {failed} failed; stopped: {stopped}");
        return failed == 0 && stopped is null ? 0 : 1;
    }

    private static T? Step<T>(List<CheckItem> items, string what, Func<(T Value, string Detail)> check)
    {
        try
        {
            var (value, detail) = check();
            items.Add(new(true, what, detail));
            return value;
        }
        catch (Exception e)
        {
            items.Add(new(false, what, OneLine(e)));
            return default;
        }
    }

    private static async Task<T?> StepAsync<T>(List<CheckItem> items, string what, Func<Task<(T Value, string Detail)>> check)
    {
        try
        {
            var (value, detail) = await check();
            items.Add(new(true, what, detail));
            return value;
        }
        catch (Exception e)
        {
            items.Add(new(false, what, OneLine(e)));
            return default;
        }
    }

    /// <summary>The TLS files the node would read: Kestrel's server certificates, this node's client certificate, the notice inbox's client CA, each peer's pinned CA.</summary>
    private static string Tls(IConfiguration configuration, NodeOptions options, Func<string, string> resolve)
    {
        var checkedFiles = new List<string>();
        foreach (var certificate in configuration.GetSection("Kestrel").AsEnumerable()
            .Where(p => p.Key.EndsWith(":Certificate:Path", StringComparison.OrdinalIgnoreCase) || p.Key.Equals("Kestrel:Certificates:Default:Path", StringComparison.OrdinalIgnoreCase))
            .Where(p => p.Value is { Length: > 0 }))
        {
            var keyPath = configuration[certificate.Key[..^"Path".Length] + "KeyPath"];
            var path = resolve(certificate.Value!);
            using var loaded = keyPath is { Length: > 0 } ? X509Certificate2.CreateFromPemFile(path, resolve(keyPath)) : X509CertificateLoader.LoadCertificateFromFile(path);
            if (!loaded.HasPrivateKey && keyPath is { Length: > 0 })
            {
                throw new InvalidDataException($"{certificate.Key}: {path} has no private key");
            }

            if (loaded.NotAfter < DateTime.Now)
            {
                throw new InvalidDataException($"{certificate.Key}: {path} expired on {loaded.NotAfter:yyyy-MM-dd}");
            }

            checkedFiles.Add($"server certificate until {loaded.NotAfter:yyyy-MM-dd}");
        }

        if (NodeTls.ClientCertificate(options, resolve) is { } client)
        {
            checkedFiles.Add($"client certificate until {client.NotAfter:yyyy-MM-dd}");
            client.Dispose();
        }

        if (options.NoticeInboxClientCaFile is { } inbox)
        {
            checkedFiles.Add($"the notice inbox's client CA bundle of {PeerHttp.LoadCertificates(resolve(inbox), "Node:NoticeInboxClientCaFile").Count} certificate(s)");
        }

        foreach (var peer in options.Peers.Where(p => p.TlsCaFile is not null))
        {
            checkedFiles.Add($"{peer.Province}'s TLS CA bundle of {PeerHttp.LoadCertificates(resolve(peer.TlsCaFile!), $"Node:Peers ({peer.Province}) TlsCaFile").Count} certificate(s)");
        }

        return checkedFiles.Count == 0 ? "no TLS file configured (plain HTTP: loopback or behind a terminating proxy)" : string.Join("; ", checkedFiles);
    }

    /// <summary>Fetches the peer's metadata over its pinned TLS and checks its province and root against the pin.</summary>
    private static async Task<string> ReachAsync(PeerState state, CancellationToken cancellationToken)
    {
        var peer = state.Options;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(peer.TimeoutSeconds, 5)));
        try
        {
            var metadata = await state.Http.GetFromJsonAsync<NodeMetadata>(new Uri(new Uri(peer.BaseUrl.TrimEnd('/') + "/"), ".well-known/licencetrust"), JsonSerializerOptions.Web, timeout.Token)
                ?? throw new InvalidDataException("the node metadata is empty");
            if (metadata.Province != peer.Province)
            {
                throw new InvalidDataException($"{peer.BaseUrl} says it is {metadata.Province}, not {peer.Province}");
            }

            if (!string.Equals(metadata.RootFingerprint, peer.RootFingerprint, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"{peer.BaseUrl} serves root {metadata.RootFingerprint[..16]}…, but the pin is {peer.RootFingerprint[..16]}…: check the fingerprint with the province");
            }

            return $"{peer.BaseUrl} answers, root matches the pin";
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException or NotSupportedException && !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidDataException($"{peer.BaseUrl} cannot be reached: {state.Describe(e)}", e);
        }
    }

    private static string OneLine(Exception e) => (e is OptionsValidationException or InvalidDataException or IOException ? e.Message : $"{e.GetType().Name}: {e.Message}").ReplaceLineEndings(" ");
}
