using System.CommandLine;
using LicenceTrust.Samples;

namespace LicenceTrust.Cli;

/// <summary><c>licencetrust keys …</c>: key and certificate management.</summary>
internal static class KeysCommands
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory to write (its cq/ and sc/ folders are replaced).", Required = true };
        var sample = new Command("sample", "Regenerate the SAMPLE roots, issuer certificates and list signers of both provinces (keys-sample/).");
        sample.Options.Add(output);
        sample.SetAction(result =>
        {
            var directory = result.GetValue(output)!;
            directory.Create();
            SampleKeyGenerator.Generate(directory.FullName);
            Console.WriteLine($"Sample keys written to {directory.FullName}. Regenerate tests/vectors too (see docs/format.md).");
            return 0;
        });

        var keys = new Command("keys", "Keys and certificates.");
        keys.Subcommands.Add(sample);
        return keys;
    }
}
