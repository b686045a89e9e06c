using System.CommandLine;
using System.Globalization;
using LicenceTrust.Core.Json;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Trust;
using LicenceTrust.KeyStore;
using LicenceTrust.QrImages;

namespace LicenceTrust.Cli;

/// <summary>
/// <c>licencetrust verify</c>: offline verification of QR text, or of every QR code in a photo or scanned
/// PDF, against a trust bundle exported by a node (or a key directory). Signature, chain, issuer, type
/// and validity are checked; status is not (that needs a node).
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The QR text (LT2:… or LT1:…), - to read it from standard input, or a PNG/JPEG/PDF file." };
        var bundle = new Option<FileInfo?>("--bundle") { Description = "Trust bundle exported by a node (GET /api/v1/trust-bundle)." };
        var pins = new Option<string[]>("--pin") { Description = "Root fingerprint(s) the bundle's roots must match (SHA-256, hex). Repeatable.", AllowMultipleArgumentsPerToken = true };
        var keys = new Option<DirectoryInfo?>("--keys") { Description = "Key directory holding the trusted roots and issuer certificates (instead of --bundle)." };
        var at = new Option<string?>("--at") { Description = "Verify as at this ISO 8601 time instead of now." };
        var json = new Option<bool>("--json") { Description = "Print the full results as JSON." };
        var command = new Command("verify", "Verify credentials offline (signature, chain, issuer, type, validity; no status).");
        command.Arguments.Add(input);
        command.Options.Add(bundle);
        command.Options.Add(pins);
        command.Options.Add(keys);
        command.Options.Add(at);
        command.Options.Add(json);
        command.SetAction(result =>
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            if (result.GetValue(at) is { } atText && !DateTimeOffset.TryParse(atText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out now))
            {
                Console.Error.WriteLine($"--at: '{atText}' is not an ISO 8601 time.");
                return 2;
            }

            if (!TryTrust(result.GetValue(bundle), result.GetValue(pins) ?? [], result.GetValue(keys), out var store))
            {
                return 2;
            }

            if (!TryTexts(result.GetValue(input)!, out var texts))
            {
                return 2;
            }

            var verifier = new CredentialVerifier(store!);
            var outcomes = texts.Select(t => verifier.Verify(t, now)).ToList();
            foreach (var outcome in outcomes)
            {
                Console.WriteLine(result.GetValue(json) ? JsonViews.Serialize(outcome.ToView(Disclosure.Full, LicenceTypeCatalogue.Shipped)) : Describe(outcome));
            }

            return outcomes.All(o => o.Verdict == Verdict.Valid) ? 0 : 1;
        });
        return command;
    }

    private static bool TryTrust(FileInfo? bundle, string[] pins, DirectoryInfo? keys, out TrustStore? store)
    {
        store = null;
        if ((bundle is null) == (keys is null))
        {
            Console.Error.WriteLine("Give exactly one of --bundle FILE (exported by a node) or --keys DIR.");
            return false;
        }

        try
        {
            if (keys is not null)
            {
                store = KeyDirectory.LoadTrustStore(keys.FullName);
                return true;
            }

            store = TrustBundle.FromJson(File.ReadAllText(bundle!.FullName)).Open(pins, out var problems);
            foreach (var problem in problems)
            {
                Console.Error.WriteLine($"{bundle.Name}: {problem}");
            }

            if (pins.Length == 0)
            {
                Console.Error.WriteLine($"{bundle.Name}: roots not pinned (use --pin); trusting {string.Join(", ", store.Roots.Select(r => $"{r.Province.NodeId} {r.Fingerprint}"))}");
            }

            return true;
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException)
        {
            Console.Error.WriteLine(e.Message);
            return false;
        }
    }

    private static bool TryTexts(string input, out IReadOnlyList<string> texts)
    {
        if (input == "-")
        {
            // As read, untrimmed: the reader removes exactly what a node removes (space, tab, CR, LF; docs/format.md
            // §1), so a no-break space or another Unicode space is refused here as at a node.
            texts = [Console.In.ReadToEnd()];
            return true;
        }

        if (!File.Exists(input))
        {
            // A QR text starts with its prefix; anything else that names no file is most likely a mistyped
            // path, and "file not found" helps more than an UNREADABLE verdict on the path's characters.
            if (!Core.Codec.CredentialFormat.TryReadPrefix(input.TrimStart(), out _))
            {
                Console.Error.WriteLine($"{input}: file not found (a QR text starts with {string.Join(" or ", Core.Codec.CredentialFormat.Prefixes)}).");
                texts = [];
                return false;
            }

            texts = [input];
            return true;
        }

        var scan = QrImageReader.Scan(File.ReadAllBytes(input));
        texts = scan.Texts;
        if (scan.Error != ImageScanError.None || scan.Texts.Count == 0)
        {
            Console.Error.WriteLine($"{input}: {(scan.Error == ImageScanError.None ? "no QR code found" : scan.Detail)}");
            return false;
        }

        return true;
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
