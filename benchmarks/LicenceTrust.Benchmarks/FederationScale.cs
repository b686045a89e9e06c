using System.Diagnostics;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Status;
using LicenceTrust.Core.Trust;
using LicenceTrust.Federation;
using LicenceTrust.Samples;
using LicenceTrust.Storage;
using LicenceTrust.Storage.Sqlite;
using LicenceTrust.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LicenceTrust.Benchmarks;

/// <summary>
/// One Chongqing node federated with 2, 8 and 33 peers (issue 35; docs/performance.md). Each peer is an in-process
/// server on loopback serving real signed documents of its own province (its own SM2 root and list signer, a trust
/// list, one status list of 131,072 entries with 200 revoked, details included). The node's side is the product's:
/// <see cref="FederationPeers"/> with its agreements and SQLite store, its <see cref="PeerSync"/>s, and its
/// <see cref="ChangeAnnouncer"/>. Per size, in rounds interleaved across the sizes: a full first pass of every peer
/// at once (as the sync service starts them), a quiet pass (nothing changed), the node's memory after the first
/// pass, and the fan-out of one change notice to every peer.
///   dotnet run -c Release --project benchmarks/LicenceTrust.Benchmarks -- federation-scale [rounds]
/// </summary>
internal static class FederationScale
{
    private static readonly Province Own = SampleProvinces.Chongqing;

    public static async Task RunAsync(int rounds)
    {
        int[] sizes = [2, 8, 33];
        var peers = new List<PeerServer>();
        foreach (var province in Province.All.Where(p => p != Own).Take(sizes.Max()))
        {
            peers.Add(await PeerServer.StartAsync(province));
        }

        var results = sizes.ToDictionary(n => n, _ => new List<(double Full, double Quiet, double MemoryMb, double FanOut, long QuietRequests)>());
        for (var round = 0; round < rounds; round++)
        {
            // Interleaved, and the order turned each round, so no size always runs on a warmer or colder machine.
            foreach (var n in round % 2 == 0 ? sizes : [.. sizes.Reverse()])
            {
                results[n].Add(await MeasureAsync(peers.Take(n).ToList()));
            }
        }

        Console.WriteLine($"| peers | full first pass | quiet pass | requests in the quiet pass | node memory after the first pass | fan-out of one change |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var n in sizes)
        {
            static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
            var r = results[n];
            Console.WriteLine($"| {n} | {Median(r.Select(x => x.Full)):F0} ms | {Median(r.Select(x => x.Quiet)):F1} ms | {r[0].QuietRequests} | {Median(r.Select(x => x.MemoryMb)):F1} MB | {Median(r.Select(x => x.FanOut)):F1} ms |");
        }

        Console.WriteLine($"medians of {rounds} rounds; each round: a new node (store, trust, syncs) for each size, sizes interleaved");
        foreach (var peer in peers)
        {
            await peer.DisposeAsync();
        }
    }

    private static async Task<(double Full, double Quiet, double MemoryMb, double FanOut, long QuietRequests)> MeasureAsync(List<PeerServer> servers)
    {
        var folder = Directory.CreateTempSubdirectory("lt-fedscale-").FullName;
        try
        {
            var chongqing = SampleKeys.Of(Own);
            var database = new SqliteDatabase(Path.Combine(folder, "cq.db"));
            database.Migrate();
            var store = new FederationStore(database);
            var options = servers.Select(s => new PeerOptions { Province = s.Province.NodeId, BaseUrl = s.BaseUrl, RootFingerprint = s.Root.Fingerprint, SyncIntervalSeconds = 300 }).ToList();
            foreach (var server in servers)
            {
                var agreement = new RecognitionAgreement(Own, server.Province, new HashSet<string>([SampleLicenceTypes.BusinessLicence.Code.Value]), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow);
                await File.WriteAllBytesAsync(Path.Combine(folder, server.Province.NodeId + ".cose"), agreement.Sign(chongqing.ListSigner!.Key, chongqing.ListSigner.CertificateDer));
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var trust = new FederatedTrust(chongqing.Root, [.. chongqing.Issuers.Select(i => i.Certificate)]);
            var peers = new FederationPeers(options, Own, chongqing.Root, o => Path.Combine(folder, o.Province + ".cose"), trust, store,
                (_, _) => new HttpClient(), TimeProvider.System);

            var clock = Stopwatch.StartNew();
            var first = await Task.WhenAll(peers.Syncs.Select(s => s.SyncOnceAsync(CancellationToken.None)));
            var full = clock.Elapsed.TotalMilliseconds;
            var problems = first.SelectMany(p => p).ToList();
            if (problems.Count > 0 || peers.States.Values.Any(s => s.StatusLists.Count != 1))
            {
                throw new InvalidOperationException("a first pass did not take everything: " + string.Join("; ", problems));
            }

            var memory = (GC.GetTotalMemory(forceFullCollection: true) - before) / 1024.0 / 1024.0;
            var requests = servers.Sum(s => s.Requests);
            clock.Restart();
            await Task.WhenAll(peers.Syncs.Select(s => s.SyncOnceAsync(CancellationToken.None)));
            var quiet = clock.Elapsed.TotalMilliseconds;
            var quietRequests = servers.Sum(s => s.Requests) - requests;

            var signal = new PublicationSignal();
            var authority = new TrustAuthority(trust, store, chongqing.ListSigner!.Key, chongqing.ListSigner.CertificateDer, TimeProvider.System, TimeSpan.FromHours(24),
                StatusUriTemplate.FromBase("http://127.0.0.1/api/v1/status-lists/"), signal);
            var site = new FederationSite(chongqing.Root, [.. chongqing.Issuers.Select(i => i.Certificate)], chongqing.ListSigner.Key, chongqing.ListSigner.CertificateDer,
                TimeSpan.FromHours(24), "http://127.0.0.1/api/v1/status-lists/");
            using var lifetime = new Lifetime();
            var announcer = new ChangeAnnouncer(peers, authority, new OneList(), site, signal, lifetime, TimeProvider.System, NullLogger<ChangeAnnouncer>.Instance);
            clock.Restart();
            var deliveries = await announcer.AnnounceAsync(CancellationToken.None);
            var fanOut = clock.Elapsed.TotalMilliseconds;
            if (deliveries.Any(d => !d.Delivered))
            {
                throw new InvalidOperationException("a peer did not take the notice");
            }

            GC.KeepAlive(peers);
            return (full, quiet, memory, fanOut, quietRequests);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class OneList : IStatusListIndex
    {
        public Task<IReadOnlyList<StatusListIndexEntry>> IndexAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<StatusListIndexEntry>>([new StatusListIndexEntry(1, "http://127.0.0.1/api/v1/status-lists/1", 1)]);
    }

    private sealed class Lifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _never = new();

        public CancellationToken ApplicationStarted => _never.Token;

        public CancellationToken ApplicationStopping => _never.Token;

        public CancellationToken ApplicationStopped => _never.Token;

        public void StopApplication()
        {
        }

        public void Dispose() => _never.Dispose();
    }

    /// <summary>A peer province on loopback: its own root and list signer, serving its signed trust list and one status list.</summary>
    private sealed class PeerServer : IAsyncDisposable
    {
        private long _requests;
        private WebApplication _app = null!;

        public Province Province { get; private init; }

        public TrustAnchor Root { get; private init; } = null!;

        public string BaseUrl { get; private set; } = string.Empty;

        public long Requests => Interlocked.Read(ref _requests);

        public static async Task<PeerServer> StartAsync(Province province)
        {
            var now = DateTimeOffset.UtcNow;
            var rootKey = SigningKey.Generate(SignatureAlgorithm.Sm2Sm3);
            var rootDer = CertificateFactory.CreateRoot(province, rootKey, $"{province.NameZh} root", now.AddDays(-1), now.AddYears(10));
            var signerKey = SigningKey.Generate(SignatureAlgorithm.Sm2Sm3);
            var signerDer = CertificateFactory.CreateListSigner(province, rootDer, rootKey, signerKey, $"{province.NameZh} list signer", now.AddDays(-1), now.AddYears(2));
            var server = new PeerServer { Province = province, Root = TrustAnchor.Create(rootDer) };

            var port = FreePorts.Next();
            server.BaseUrl = $"http://127.0.0.1:{port}";
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseUrls(server.BaseUrl);
            builder.Logging.ClearProviders();
            var app = builder.Build();
            server._app = app;
            app.Use((context, next) =>
            {
                Interlocked.Increment(ref server._requests);
                return next(context);
            });

            var listUri = server.BaseUrl + "/api/v1/status-lists/1";
            var trustList = TrustListToken.Write(new TrustList(province, 1, now, now.AddDays(1), [], StatusUriTemplate: server.BaseUrl + "/api/v1/status-lists/{list}"), signerKey, signerDer);
            var bits = new StatusBits(131_072);
            var details = new List<StatusDetail>();
            for (var i = 0; i < 200; i++)
            {
                bits.Set(i * 600, 1);
                details.Add(new StatusDetail(i * 600, $"{province.NodeId}-licence-{i}", LicenceStatus.Revoked, now.AddDays(-i), "吊销：测量"));
            }

            var statusList = StatusListToken.Write(new StatusList(listUri, now, now.AddDays(1), TimeSpan.FromMinutes(5), bits, now, details), signerKey, KeyId.ForCertificate(signerDer));
            var index = new StatusListIndex([new StatusListIndexEntry(1, listUri, 1)], 1);
            var indexETag = PeerProtocol.StatusListIndexETag(1, index.Lists);
            IResult Conditional(HttpContext http, string etag, Func<IResult> body)
            {
                http.Response.Headers.ETag = etag;
                return http.Request.Headers.IfNoneMatch.Contains(etag) ? Results.StatusCode(304) : body();
            }

            app.MapGet("/.well-known/licencetrust", () => Results.Json(new { province = province.NodeId, rootFingerprint = server.Root.Fingerprint, rootCertificate = Convert.ToBase64String(rootDer) }));
            app.MapGet(PeerProtocol.TrustListPath, (HttpContext http) => Conditional(http, PeerProtocol.TrustListETag(1), () => Results.Bytes(trustList, PeerProtocol.TrustListMediaType)));
            app.MapGet(PeerProtocol.StatusListIndexPath, (HttpContext http) => Conditional(http, indexETag, () => Results.Json(index)));
            app.MapGet(PeerProtocol.StatusListPath(1), (HttpContext http) => Conditional(http, PeerProtocol.StatusListETag(1, 1), () => Results.Bytes(statusList, PeerProtocol.StatusListMediaType)));
            app.MapPost(PeerProtocol.ChangesPath, () => Results.Accepted());
            await app.StartAsync();
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
