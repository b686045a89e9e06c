using System.CommandLine;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Licences;
using LicenceTrust.KeyStore;
using LicenceTrust.QrImages;
using LicenceTrust.Samples;

namespace LicenceTrust.Cli;

/// <summary><c>licencetrust qr …</c>: render QR images and report QR sizes.</summary>
internal static class QrCommands
{
    public static Command Create()
    {
        var text = new Argument<string>("qr-text") { Description = "The QR text to render." };
        var png = new Option<FileInfo?>("--png") { Description = "Write a PNG here." };
        var svg = new Option<FileInfo?>("--svg") { Description = "Write an SVG here." };
        var render = new Command("render", "Render QR text as PNG and/or SVG (ECC level Q).");
        render.Arguments.Add(text);
        render.Options.Add(png);
        render.Options.Add(svg);
        render.SetAction(result =>
        {
            var qr = result.GetValue(text)!;
            if (result.GetValue(png) is { } pngFile)
            {
                File.WriteAllBytes(pngFile.FullName, QrCodeImages.Png(qr));
            }

            if (result.GetValue(svg) is { } svgFile)
            {
                File.WriteAllText(svgFile.FullName, QrCodeImages.Svg(qr));
            }

            Console.WriteLine($"QR version {QrCodeImages.Version(qr)} at ECC level Q, {qr.Length} characters.");
            return 0;
        });

        var keys = new Option<DirectoryInfo>("--keys") { Description = "Key directory with the sample issuer keys.", Required = true };
        var format = FormatOption.Create("Credential format: LT2 (the default, what nodes issue) or LT1.");
        var versions = new Command("versions", "Sign the demo licence of every seeded type in both provinces and report the QR version each needs.");
        versions.Options.Add(keys);
        versions.Options.Add(format);
        var keyOptions = new KeyOptions();
        keyOptions.AddTo(versions);
        versions.SetAction(result =>
        {
            var access = keyOptions.Open(result, out var scope);
            using var token = scope;
            var provinceKeys = KeyDirectory.Load(result.GetValue(keys)!.FullName, access);
            var issuers = provinceKeys.SelectMany(p => p.Issuers).ToList();
            var encoding = FormatOption.ValueOf(result, format);
            Console.WriteLine("| province | licence type | algorithm | payload bytes | COSE bytes | zlib bytes | characters | QR version (ECC Q) |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var province in provinceKeys.Select(p => p.Province))
            {
                foreach (var type in SampleLicenceTypes.All)
                {
                    var licence = DemoLicences.Create(province, type);
                    var issuer = issuers.First(i => i.Certificate.AuthorityCode == licence.AuthorityCode);
                    var claims = CredentialClaims.Create(licence, DateTimeOffset.UtcNow, new StatusReference(123456, $"https://{province.NodeId}.lt.example/s/1", 1));
                    var credential = CredentialWriter.Write(claims, issuer.Key, issuer.Certificate.Kid, encoding);
                    var qr = credential.QrText;
                    var zlibBytes = Base45.DecodedLength(qr.Length - CredentialFormat.PrefixOf(encoding).Length);
                    Console.WriteLine($"| {province.NameZh} | {type.NameZh} | {issuer.Key.Algorithm.Name} | {CredentialWriter.Payload(claims, encoding).Length} | {credential.CoseBytes.Length} | {zlibBytes} | {qr.Length} | {QrCodeImages.Version(qr)} |");
                }
            }

            return 0;
        });

        var command = new Command("qr", "QR images.");
        command.Subcommands.Add(render);
        command.Subcommands.Add(versions);
        return command;
    }
}
