using LicenceTrust.Core.Identifiers;
using LicenceTrust.KeyStore;
using LicenceTrust.Server.Hosting;
using Microsoft.Extensions.Options;

// "--both-provinces" starts the demo pair in one process: the Chongqing node (127.0.0.1:5050) and the
// Sichuan node (127.0.0.1:5051), each with its own database and demo licences, federated with each
// other (each pins the other's sample root). Without it, one node, federated as configured.
const string BothProvinces = "--both-provinces";

try
{
    var nodes = args.Contains(BothProvinces) ? DemoPair(args.Where(a => a != BothProvinces).ToArray()) : [args];
    var apps = new List<WebApplication>();
    foreach (var nodeArgs in nodes)
    {
        var app = NodeHost.Build(nodeArgs);
        await app.InitialiseNodeAsync();
        apps.Add(app);
    }

    await Task.WhenAll(apps.Select(app => app.RunAsync()));
    return 0;
}
catch (Exception e) when (e is InvalidDataException or OptionsValidationException or IOException)
{
    // A wrong key folder, setting or file is the operator's to fix: say which, without a stack trace.
    Console.Error.WriteLine($"LicenceTrust node cannot start: {e.Message}");
    return 1;
}

static List<string[]> DemoPair(string[] args)
{
    var keysArg = args.LastOrDefault(a => a.StartsWith("--Node:KeysDirectory=", StringComparison.Ordinal));
    var keys = KeyDirectory.Load(NodeHost.FromHome(Directory.GetCurrentDirectory(), keysArg?.Split('=', 2)[1] ?? "keys-sample"));
    return [.. keys.Select(k => k.Province).Select(own =>
    {
        var peer = keys.Single(k => k.Province != own);
        return args.Concat(
        [
            $"--Node:Province={own.NodeId}",
            $"--Node:Peers:0:Province={peer.Province.NodeId}",
            $"--Node:Peers:0:BaseUrl={NodeOptions.DefaultUrl(peer.Province.NodeId)}",
            $"--Node:Peers:0:RootFingerprint={peer.Root.Fingerprint}",
            "--Node:Peers:0:SyncIntervalSeconds=5",
        ]).ToArray();
    })];
}
