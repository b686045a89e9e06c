using System.Runtime.InteropServices;
using LicenceTrust.Federation;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Primitives;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// Peers are data (docs/federation.md §2): when the settings are reloaded — a JSON settings file changed
/// (<c>Node:SettingsFile</c>, or appsettings.json beside the node), or the process got SIGHUP
/// (<c>systemctl reload</c>) — the node puts the new <c>Node:Peers</c> in force without a restart
/// (<see cref="FederationPeers.Reconfigure"/>). A bad new list is refused whole, logged, and the peers in
/// force stay; unknown setting names met on a reload are logged, not fatal (the node is already serving).
/// </summary>
public sealed class PeerSettingsReload(IConfiguration configuration, FederationPeers peers, ILogger<PeerSettingsReload> logger) : IHostedService
{
    private IDisposable? _watch;
    private PosixSignalRegistration? _hangUp;

    /// <summary>
    /// Adds <c>Node:SettingsFile</c> (when set) as a JSON source watched for changes, below the environment and
    /// the command line (as appsettings.json is), so a value given there still wins.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file named does not exist.</exception>
    public static void AddSettingsFile(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration[$"{NodeOptions.Section}:{nameof(NodeOptions.SettingsFile)}"] is not { Length: > 0 } file)
        {
            return;
        }

        var path = NodeHost.FromContentRoot(builder, file);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Node:SettingsFile: {path} was not found.", path);
        }

        var source = new JsonConfigurationSource { Path = Path.GetFileName(path), Optional = false, ReloadOnChange = true, ReloadDelay = 100 };
        source.FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.GetDirectoryName(path)!);
        var sources = builder.Configuration.Sources;
        var afterJson = sources.Select((s, i) => (s, i)).LastOrDefault(x => x.s is JsonConfigurationSource).i + 1;
        sources.Insert(Math.Min(afterJson, sources.Count), source);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _watch = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
        if (!OperatingSystem.IsWindows() && configuration is IConfigurationRoot root)
        {
            _hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                // SIGHUP means "read the settings again", not "end": the process stays.
                context.Cancel = true;
                logger.LogInformation("SIGHUP: reading the settings again");
                root.Reload();
            });
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _watch?.Dispose();
        _hangUp?.Dispose();
        return Task.CompletedTask;
    }

    private void Reload()
    {
        foreach (var unknown in NodeSettings.Unknown(configuration))
        {
            logger.LogError("Settings reloaded with a name that is not a setting, ignored: {Problem}", unknown);
        }

        try
        {
            var list = configuration.GetSection($"{NodeOptions.Section}:{nameof(NodeOptions.Peers)}").Get<List<PeerOptions>>() ?? [];
            if (peers.Reconfigure(list) is { Length: > 0 } changes)
            {
                logger.LogWarning("Peers reloaded: {Changes}; {Count} peer(s) in force", changes, list.Count);
            }
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or FileNotFoundException or System.Security.Cryptography.CryptographicException)
        {
            logger.LogError("Peers not reloaded, the peers in force stay: {Problem}", e.Message);
        }
    }
}
