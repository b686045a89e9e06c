using LicenceTrust.KeyStore;
using LicenceTrust.Server.Hosting;

// A node is production unless told otherwise: no demo licences, no SAMPLE API keys, plaintext keys refused.
//   --demo              one demo node: demo licences and SAMPLE API keys in an empty database (sample keys only)
//   --both-provinces    the demo pair in one process: the Chongqing node (127.0.0.1:5050) and the Sichuan node
//                       (127.0.0.1:5051), each a demo node with its own database, federated with each other
//   --demo-ports=P,Q    with --both-provinces: the two nodes' ports instead of 5050 and 5051 (when those are taken)
//   --check             check the configuration (settings, keys, TLS files, database, peers) and exit, serving nothing
const string BothProvinces = "--both-provinces";
const string DemoPorts = "--demo-ports=";

// The database, its WAL, the demo's key file and backups made from here are the node's user's alone (0600, folders 0700).
OwnerOnlyFiles.ForThisProcess();

if (args.Contains(NodeCheck.Flag))
{
    return await NodeCheck.RunAsync([.. args.Where(a => a != NodeCheck.Flag)], Console.Out, CancellationToken.None);
}

var apps = new List<WebApplication>();
try
{
    var nodes = args.Contains(BothProvinces) ? DemoPair([.. args.Where(a => a != BothProvinces)]) : [args];
    foreach (var nodeArgs in nodes)
    {
        var app = NodeHost.Build(nodeArgs);
        await app.InitialiseNodeAsync();
        apps.Add(app);
    }
}
catch (Exception e) when (e is not OperationCanceledException)
{
    // Whatever stops a start (a wrong key folder, setting, file, database or peer) is the operator's to fix:
    // one line that names it, never a stack trace. `--check` lists every problem at once.
    Console.Error.WriteLine($"LicenceTrust node cannot start: {NodeHost.Describe(e)}");
    foreach (var app in apps)
    {
        await app.DisposeAsync();
    }

    return 1;
}

await Task.WhenAll(apps.Select(app => app.RunAsync()));
return 0;

static List<string[]> DemoPair(string[] args)
{
    var keysArg = args.LastOrDefault(a => a.StartsWith("--Node:KeysDirectory=", StringComparison.Ordinal));
    var keys = KeyDirectory.Load(NodeHost.FromHome(Directory.GetCurrentDirectory(), keysArg?.Split('=', 2)[1] ?? "keys-sample"));
    var ports = args.LastOrDefault(a => a.StartsWith(DemoPorts, StringComparison.Ordinal)) is { } given
        ? given[DemoPorts.Length..].Split(',').Select(p => int.TryParse(p, out var port) && port is > 0 and < 65536 ? port : throw new InvalidDataException($"{given}: give two ports, e.g. {DemoPorts}6050,6051.")).ToArray()
        : null;
    if (ports is not null && ports.Length != keys.Count)
    {
        throw new InvalidDataException($"{DemoPorts}: give {keys.Count} ports, one per province of the key folder.");
    }

    var provinces = keys.Select(k => k.Province).ToList();
    string UrlOf(LicenceTrust.Core.Identifiers.Province province) =>
        ports is null ? NodeOptions.DefaultUrl(province.NodeId) : $"http://127.0.0.1:{ports[provinces.IndexOf(province)]}";

    return [.. provinces.Select(own =>
    {
        var peer = keys.Single(k => k.Province != own);
        return args.Where(a => a != NodeMode.DemoFlag && !a.StartsWith(DemoPorts, StringComparison.Ordinal)).Concat(
        [
            NodeMode.DemoFlag,
            $"--Node:Province={own.NodeId}",
            $"--urls={UrlOf(own)}",
            $"--Node:PublicBaseUrl={UrlOf(own)}",
            $"--Node:Peers:0:Province={peer.Province.NodeId}",
            $"--Node:Peers:0:BaseUrl={UrlOf(peer.Province)}",
            $"--Node:Peers:0:RootFingerprint={peer.Root.Fingerprint}",
            "--Node:Peers:0:SyncIntervalSeconds=5",
        ]).ToArray();
    })];
}
