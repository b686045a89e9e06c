using LicenceTrust.Server.Hosting;
using Microsoft.Extensions.Options;

// "--both-provinces" starts the demo pair in one process: the Chongqing node (127.0.0.1:5050) and the
// Sichuan node (127.0.0.1:5051), each with its own database and demo licences. Without it, one node.
const string BothProvinces = "--both-provinces";
var nodes = args.Contains(BothProvinces)
    ? new[] { "cq", "sc" }.Select(province => args.Where(a => a != BothProvinces).Append($"--Node:Province={province}").ToArray()).ToList()
    : [args];

try
{
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
