using System.CommandLine;
using LicenceTrust.Cli;
using LicenceTrust.KeyStore;

// Keys, databases, backups and reports the tool writes are its user's alone (0600, folders 0700).
OwnerOnlyFiles.ForThisProcess();

var root = new RootCommand("LicenceTrust — 川渝电子证照互认 command-line tool: keys, QR codes, offline verification.");
root.Subcommands.Add(KeysCommands.Create());
root.Subcommands.Add(VerifyCommand.Create());
root.Subcommands.Add(QrCommands.Create());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(ReceiptCommand.Create());
root.Subcommands.Add(TypesCommand.Create());
foreach (var command in NodeCommands.Create())
{
    root.Subcommands.Add(command);
}
try
{
    return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException or ArgumentException)
{
    // A bad file or argument is the user's to fix: say what it is, without a stack trace.
    Console.Error.WriteLine($"licencetrust: {e.Message}");
    return 2;
}
catch (System.Data.Common.DbException e)
{
    Console.Error.WriteLine($"licencetrust: the database cannot be opened or refused the command: {e.Message.ReplaceLineEndings(" ")}");
    return 2;
}
