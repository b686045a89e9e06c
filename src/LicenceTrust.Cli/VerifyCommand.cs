using System.CommandLine;
using System.Globalization;
using LicenceTrust.Core.Json;
using LicenceTrust.Core.Results;
using LicenceTrust.KeyStore;

namespace LicenceTrust.Cli;

/// <summary><c>licencetrust verify</c>: offline verification of QR text against a key directory.</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var text = new Argument<string>("qr-text") { Description = "The QR text (LT1:…), or - to read it from standard input." };
        var keys = new Option<DirectoryInfo>("--keys") { Description = "Key directory holding the trusted roots and issuer certificates.", Required = true };
        var at = new Option<string?>("--at") { Description = "Verify as at this ISO 8601 time instead of now." };
        var json = new Option<bool>("--json") { Description = "Print the full result as JSON." };
        var command = new Command("verify", "Verify a credential offline (signature, chain, issuer, type, validity; no status).");
        command.Arguments.Add(text);
        command.Options.Add(keys);
        command.Options.Add(at);
        command.Options.Add(json);
        command.SetAction(result =>
        {
            var qr = result.GetValue(text)!;
            if (qr == "-")
            {
                qr = Console.In.ReadToEnd().Trim();
            }

            DateTimeOffset now = DateTimeOffset.UtcNow;
            if (result.GetValue(at) is { } atText && !DateTimeOffset.TryParse(atText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out now))
            {
                Console.Error.WriteLine($"--at: '{atText}' is not an ISO 8601 time.");
                return 2;
            }

            LicenceTrust.Core.Pki.TrustStore store;
            try
            {
                store = KeyDirectory.LoadTrustStore(result.GetValue(keys)!.FullName);
            }
            catch (InvalidDataException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }

            var outcome = new CredentialVerifier(store).Verify(qr, now);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonViews.Serialize(outcome.ToView(Disclosure.Full)));
            }
            else
            {
                Console.WriteLine(Describe(outcome));
            }

            return outcome.Verdict == Verdict.Valid ? 0 : 1;
        });
        return command;
    }

    private static string Describe(VerificationResult result)
    {
        var lines = new List<string> { $"{result.Verdict.ToString().ToUpperInvariant()}" };
        lines.AddRange(result.Reasons.Select(ReasonCatalogue.Get).Select(r => $"  {r.Name}: {r.MessageZh} {r.MessageEn}"));
        if (result.Licence is { } licence)
        {
            lines.Add($"  {licence.Name} {licence.Number} — {licence.Holder.Name} ({licence.Holder.Code})");
            lines.Add($"  {licence.AuthorityName}, {licence.ValidFrom:yyyy-MM-dd} – {(licence.ValidTo is { } to ? to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "长期")}");
        }

        return string.Join(Environment.NewLine, lines);
    }

}
