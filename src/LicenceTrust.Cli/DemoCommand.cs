using System.CommandLine;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;

namespace LicenceTrust.Cli;

/// <summary><c>licencetrust demo</c>: sign a demo licence with the sample keys and print its QR text.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var keys = new Option<DirectoryInfo>("--keys") { Description = "Key directory with the issuer keys (e.g. keys-sample).", Required = true };
        var province = new Option<string>("--province") { Description = "cq (重庆) or sc (四川).", DefaultValueFactory = _ => "sc" };
        var type = new Option<string>("--type") { Description = "Licence type: its code, Chinese name or English name.", DefaultValueFactory = _ => "营业执照" };
        var command = new Command("demo", "Sign a SAMPLE demo licence and print its QR text (LT1:…).");
        command.Options.Add(keys);
        command.Options.Add(province);
        command.Options.Add(type);
        command.SetAction(result =>
        {
            if (!Province.TryFromNodeId(result.GetValue(province), out var where))
            {
                Console.Error.WriteLine("--province: use cq or sc.");
                return 2;
            }

            var wanted = result.GetValue(type)!;
            var licenceType = LicenceTypeCatalogue.All.FirstOrDefault(t =>
                t.Code.Value == wanted || t.NameZh == wanted || string.Equals(t.NameEn, wanted, StringComparison.OrdinalIgnoreCase));
            if (licenceType is null)
            {
                Console.Error.WriteLine($"--type: unknown licence type '{wanted}'. Known: {string.Join(", ", LicenceTypeCatalogue.All.Select(t => t.NameZh))}.");
                return 2;
            }

            var licence = DemoLicences.Create(where, licenceType);
            var issuer = KeyDirectory.Load(result.GetValue(keys)!.FullName, where).Issuers.First(i => i.Certificate.AuthorityCode == licence.AuthorityCode);
            var claims = CredentialClaims.Create(licence, DateTimeOffset.UtcNow, new StatusReference(0, $"https://{where.NodeId}.lt.example/s/1"));
            Console.WriteLine(CredentialWriter.Write(claims, issuer.Key, issuer.Certificate.Kid).QrText);
            return 0;
        });
        return command;
    }
}
