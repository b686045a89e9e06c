using System.CommandLine;
using System.Text.Json;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Results;
using LicenceTrust.KeyStore;

namespace LicenceTrust.Cli;

/// <summary><c>licencetrust receipt verify</c>: check a signed verification receipt offline.</summary>
internal static class ReceiptCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The receipt: base64 text (as the API returns it) or raw COSE bytes." };
        var keys = new Option<DirectoryInfo>("--keys") { Description = "Key directory with the provinces' root and list-signing certificates.", Required = true };
        var verify = new Command("verify", "Check that a receipt was signed by a node of a trusted province and print what it says. Exit 0 if genuine, 1 if not.");
        verify.Arguments.Add(file);
        verify.Options.Add(keys);
        verify.SetAction(result =>
        {
            var bytes = File.ReadAllBytes(result.GetValue(file)!.FullName);
            var text = System.Text.Encoding.ASCII.GetString(bytes).Trim();
            var decoded = new byte[text.Length];
            var receipt = Convert.TryFromBase64String(text, decoded, out var length) ? decoded[..length] : bytes;
            // Certificates only: checking a receipt needs no private key, so encrypted or token keys need no passphrase or PIN.
            var signers = KeyDirectory.LoadCertificates(result.GetValue(keys)!.FullName)
                .Where(p => p.ListSignerCertificateDer is not null)
                .Select(p => ListSignerCertificate.Parse(p.ListSignerCertificateDer!, p.Root))
                .ToList();
            var payload = Receipt.TryVerify(receipt, signers, out var signedBy, out var error);
            if (payload is null)
            {
                Console.WriteLine($"NOT GENUINE: {error}");
                return 1;
            }

            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            var verdict = root.GetProperty("result").GetProperty("verdict").GetString();
            var at = root.GetProperty("checkedAgainst").GetProperty("at").GetString();
            Console.WriteLine($"GENUINE receipt of the {signedBy!.Province.NameZh} node: verdict {verdict} at {at}");
            Console.WriteLine(JsonSerializer.Serialize(root, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            return 0;
        });
        var command = new Command("receipt", "Signed verification receipts.");
        command.Subcommands.Add(verify);
        return command;
    }
}
