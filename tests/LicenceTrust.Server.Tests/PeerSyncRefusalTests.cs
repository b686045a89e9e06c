using LicenceTrust.Samples;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Status;
using LicenceTrust.Core.Trust;
using LicenceTrust.Federation;
using LicenceTrust.Storage;
using LicenceTrust.Storage.Sqlite;
using LicenceTrust.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The Chongqing node's sync against a Sichuan peer that misbehaves, over real HTTP with a real SQLite
/// store: bad signatures, rollbacks and a root that does not match the pin are refused and recorded,
/// and the last good copy stays in force — also across a restart.
/// </summary>
public sealed class PeerSyncRefusalTests : IAsyncLifetime
{
    private static readonly KeyStore.ProvinceKeys Sichuan = SampleKeys.Of(SampleProvinces.Sichuan);
    private static readonly KeyStore.ProvinceKeys Chongqing = SampleKeys.Of(SampleProvinces.Chongqing);
    private static readonly string StatusUri = "https://sc.lt.example/api/v1/status-lists/1";

    private readonly string _folder = Directory.CreateTempSubdirectory("lt-sync-").FullName;
    private WebApplication _peer = null!;
    private string _peerUrl = string.Empty;

    // What the rogue peer serves; the tests change it between passes.
    private byte[] _root = Sichuan.Root.Der.ToArray();
    private byte[] _trustList = TrustList(5);
    private byte[] _statusList = StatusListAt(DateTimeOffset.UtcNow.AddMinutes(-1), revoked: false);
    private TimeSpan _delay = TimeSpan.Zero;
    private string? _garbage;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _peer = builder.Build();
        _peer.MapGet("/.well-known/licencetrust", () => _garbage is { } junk
            ? Results.Text(junk, "application/json")
            : Results.Json(new { province = "sc", rootFingerprint = "x", rootCertificate = Convert.ToBase64String(_root) }));
        _peer.MapGet("/api/v1/trust-list", async () =>
        {
            await Task.Delay(_delay);
            return Results.Bytes(_trustList, TrustListToken.MediaType);
        });
        _peer.MapGet("/api/v1/status-lists", () => Results.Json(new { lists = new[] { new { id = 1, uri = StatusUri, version = 1 } } }));
        _peer.MapGet("/api/v1/status-lists/1", () => Results.Bytes(_statusList, StatusListToken.MediaType));
        await _peer.StartAsync();
        _peerUrl = _peer.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        await _peer.StopAsync();
        await _peer.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Bad_signatures_rollbacks_and_a_wrong_root_are_refused_and_the_last_good_copy_stays()
    {
        var (sync, trust) = NewSync();
        Assert.Empty(await sync.SyncOnceAsync(CancellationToken.None));
        Assert.Equal(5, trust.Peer(SampleProvinces.Sichuan)!.List.Sequence);
        Assert.Single(sync.State.StatusLists);

        var tampered = TrustList(6);
        tampered[^10] ^= 0x40;
        _trustList = tampered;
        Assert.Contains(await sync.SyncOnceAsync(CancellationToken.None), p => p.Contains("trust list refused", StringComparison.Ordinal));

        _trustList = TrustList(4);
        Assert.Contains(await sync.SyncOnceAsync(CancellationToken.None), p => p.Contains("rollback", StringComparison.Ordinal));

        _trustList = TrustList(6, signer: Chongqing);
        Assert.Contains(await sync.SyncOnceAsync(CancellationToken.None), p => p.Contains("signing certificate is refused", StringComparison.Ordinal));

        _root = Chongqing.Root.Der.ToArray();
        Assert.Contains(await sync.SyncOnceAsync(CancellationToken.None), p => p.Contains("peer root refused", StringComparison.Ordinal));

        Assert.Equal(5, trust.Peer(SampleProvinces.Sichuan)!.List.Sequence);
        Assert.Equal(4, sync.State.ConsecutiveFailures);
        Assert.Contains("peer root refused", sync.State.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_status_list_with_a_bad_signature_or_older_than_the_one_in_use_is_refused()
    {
        var (sync, _) = NewSync();
        Assert.Empty(await sync.SyncOnceAsync(CancellationToken.None));
        var inUse = sync.State.StatusList(StatusUri)!;

        var forged = StatusListToken.Write(new StatusList(StatusUri, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1), TimeSpan.FromSeconds(1), Bits(revoked: true), DateTimeOffset.UtcNow),
            SigningKey.Generate(SignatureAlgorithm.Sm2Sm3), KeyId.ForCertificate(Sichuan.ListSigner!.CertificateDer));
        _statusList = forged;
        Assert.Contains(await sync.SyncOnceAsync(CancellationToken.None), p => p.Contains("status list 1 refused", StringComparison.Ordinal));

        _statusList = StatusListAt(DateTimeOffset.UtcNow.AddHours(-1), revoked: true);
        Assert.Contains(await sync.SyncOnceAsync(CancellationToken.None), p => p.Contains("rollback", StringComparison.Ordinal));

        Assert.Equal(0, sync.State.StatusList(StatusUri)!.List.Bits.Get(42));
        Assert.Equal(inUse.List.UpdatedAt, sync.State.StatusList(StatusUri)!.List.UpdatedAt);
    }

    [Fact]
    public async Task A_slow_peer_is_cut_off_at_the_timeout_and_a_peer_speaking_garbage_is_refused_and_the_last_good_copy_stays()
    {
        var (sync, trust) = NewSync();
        Assert.Empty(await sync.SyncOnceAsync(CancellationToken.None));

        _delay = TimeSpan.FromSeconds(4);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var slow = await sync.SyncOnceAsync(CancellationToken.None);
        var waited = clock.Elapsed;
        _delay = TimeSpan.Zero;
        _garbage = "{\"province\": \"sc\", \"rootFingerprint\": \"x\", \"rootCertificate\": \"%%% not base64 %%%\"}";
        var garbage = await sync.SyncOnceAsync(CancellationToken.None);
        _garbage = "<html>502 Bad Gateway</html>";
        var html = await sync.SyncOnceAsync(CancellationToken.None);

        Assert.Contains(slow, p => p.Contains("timed out", StringComparison.Ordinal));
        Assert.InRange(waited.TotalSeconds, 1.5, 3.5); // TimeoutSeconds is 2: bounded, not the peer's 4 s
        Assert.Contains(garbage, p => p.Contains("base", StringComparison.OrdinalIgnoreCase));
        Assert.NotEmpty(html);
        Assert.Equal(5, trust.Peer(SampleProvinces.Sichuan)!.List.Sequence);
        Assert.NotNull(sync.State.StatusList(StatusUri));
    }

    [Fact]
    public async Task A_restarted_node_starts_from_the_stored_last_good_copies_without_the_peer()
    {
        var (first, _) = NewSync();
        Assert.Empty(await first.SyncOnceAsync(CancellationToken.None));
        await _peer.StopAsync();

        var (restarted, trust) = NewSync();
        await restarted.LoadAsync(CancellationToken.None);
        var problems = await restarted.SyncOnceAsync(CancellationToken.None);

        Assert.Equal(5, trust.Peer(SampleProvinces.Sichuan)!.List.Sequence);
        Assert.NotNull(restarted.State.StatusList(StatusUri));
        Assert.NotEmpty(problems);
    }

    private (PeerSync Sync, FederatedTrust Trust) NewSync()
    {
        var database = new SqliteDatabase(Path.Combine(_folder, "cq.db"));
        database.Migrate();
        var options = new PeerOptions { Province = "sc", BaseUrl = _peerUrl, RootFingerprint = Sichuan.Root.Fingerprint, TimeoutSeconds = 2 };
        var trust = new FederatedTrust(Chongqing.Root, [.. Chongqing.Issuers.Select(i => i.Certificate)]);
        return (new PeerSync(new PeerState(options, new HttpClient()), trust, new FederationStore(database), TimeProvider.System), trust);
    }

    private static byte[] TrustList(long sequence, KeyStore.ProvinceKeys? signer = null)
    {
        var by = signer ?? Sichuan;
        return TrustListToken.Write(new TrustList(SampleProvinces.Sichuan, sequence, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1), [.. Sichuan.Issuers.Select(i => i.Certificate)]),
            by.ListSigner!.Key, by.ListSigner.CertificateDer);
    }

    private static StatusBits Bits(bool revoked)
    {
        var bits = new StatusBits(131_072);
        bits.Set(42, revoked ? (byte)1 : (byte)0);
        return bits;
    }

    private static byte[] StatusListAt(DateTimeOffset updated, bool revoked) =>
        StatusListToken.Write(new StatusList(StatusUri, updated, DateTimeOffset.UtcNow.AddDays(1), TimeSpan.FromSeconds(1), Bits(revoked), updated),
            Sichuan.ListSigner!.Key, KeyId.ForCertificate(Sichuan.ListSigner.CertificateDer));
}
