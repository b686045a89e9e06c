using LicenceTrust.Server.Hosting;
using Microsoft.Extensions.Options;

try
{
    var app = NodeHost.Build(args);
    await app.InitialiseNodeAsync();
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is InvalidDataException or OptionsValidationException or IOException)
{
    // A wrong key folder, setting or file is the operator's to fix: say which, without a stack trace.
    Console.Error.WriteLine($"LicenceTrust node cannot start: {e.Message}");
    return 1;
}
