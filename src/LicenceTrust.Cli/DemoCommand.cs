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
        var command = new Command("demo", "Sign a SAMPLE demo licence and print its QR text (LT2:…, what nodes issue).");
        command.Options.Add(keys);
        command.Options.Add(province);
        command.Options.Add(type);
        var keyOptions = new KeyOptions();
        keyOptions.AddTo(command);
        command.Subcommands.Add(Csv());
        command.SetAction(result =>
        {
            if (!Province.TryFromNodeId(result.GetValue(province), out var where) || !SampleProvinces.All.Contains(where))
            {
                Console.Error.WriteLine("--province: use cq or sc (the demo's sample provinces).");
                return 2;
            }

            var wanted = result.GetValue(type)!;
            if (!LicenceTypeCatalogue.Shipped.TryFind(wanted, out var licenceType))
            {
                Console.Error.WriteLine($"--type: unknown licence type '{wanted}'. Known: {string.Join(", ", SampleLicenceTypes.All.Select(t => t.NameZh))}.");
                return 2;
            }

            var licence = DemoLicences.Create(where, licenceType);
            var access = keyOptions.Open(result, out var scope);
            using var token = scope;
            var issuer = KeyDirectory.Load(result.GetValue(keys)!.FullName, where, access).Issuers.First(i => i.Certificate.AuthorityCode == licence.AuthorityCode);
            var claims = CredentialClaims.Create(licence, DateTimeOffset.UtcNow, new StatusReference(0, $"https://{where.NodeId}.lt.example/s/1", 1));
            Console.WriteLine(CredentialWriter.Write(claims, issuer.Key, issuer.Certificate.Kid, CredentialEncoding.Lt2).QrText);
            return 0;
        });
        return command;
    }

    /// <summary><c>licencetrust demo csv</c>: a batch-issue input file of distinct demo licences.</summary>
    private static Command Csv()
    {
        var province = new Option<string>("--province") { Description = "cq or sc.", DefaultValueFactory = _ => "cq" };
        var count = new Option<int>("--count") { Description = "Rows (1-1,000,000).", DefaultValueFactory = _ => 1000 };
        var output = new Option<FileInfo>("--out") { Description = "The CSV file to write.", Required = true };
        var typeOption = new Option<string>("--type") { Description = "Licence type: code, Chinese or English name.", DefaultValueFactory = _ => "营业执照" };
        // A demo node's own licences are sequences 1 to 3 of each type: a batch file starting there would name
        // numbers already live, and one live licence per number refuses them.
        var from = new Option<int>("--from") { Description = "The first demo sequence (its number follows from it); default 1000, past the demo node's own licences.", DefaultValueFactory = _ => DemoLicences.FirstBatchSequence };
        var command = new Command("csv", "Write a CSV of distinct SAMPLE licences of one type for batch issue by the authority that issues that type.");
        command.Options.Add(province);
        command.Options.Add(typeOption);
        command.Options.Add(count);
        command.Options.Add(from);
        command.Options.Add(output);
        command.SetAction(result =>
        {
            if (!Province.TryFromNodeId(result.GetValue(province), out var where) || !SampleProvinces.All.Contains(where) || result.GetValue(count) is < 1 or > 1_000_000
                || result.GetValue(from) is < 1 or > 1_000_000)
            {
                Console.Error.WriteLine("--province must be cq or sc (the demo's sample provinces); --count 1-1,000,000; --from 1-1,000,000.");
                return 2;
            }

            var wanted = result.GetValue(typeOption)!;
            if (!LicenceTypeCatalogue.Shipped.TryFind(wanted, out var type))
            {
                Console.Error.WriteLine($"--type: unknown licence type '{wanted}'.");
                return 2;
            }

            using var writer = new StreamWriter(result.GetValue(output)!.FullName);
            using var csv = new CsvHelper.CsvWriter(writer, System.Globalization.CultureInfo.InvariantCulture);
            string[] header = ["typeCode", "number", "holderName", "holderCodeType", "holderCode", "areaCode", "issueDate", "validFrom", "validTo", .. type.Attributes.Select(a => "attr." + a.Key)];
            foreach (var column in header)
            {
                csv.WriteField(column);
            }

            csv.NextRecord();
            for (var i = result.GetValue(from); i < result.GetValue(from) + result.GetValue(count); i++)
            {
                var licence = DemoLicences.Create(where, type, i);
                csv.WriteField(licence.TypeCode.Value);
                csv.WriteField(licence.Number);
                csv.WriteField(licence.Holder.Name);
                csv.WriteField(licence.Holder.CodeType.ToCode());
                csv.WriteField(licence.Holder.Code);
                csv.WriteField(licence.AreaCode);
                csv.WriteField(licence.IssueDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                csv.WriteField(licence.ValidFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                csv.WriteField(licence.ValidTo?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
                foreach (var attribute in type.Attributes)
                {
                    csv.WriteField(licence.Attributes.TryGetValue(attribute.Key, out var value) ? value : string.Empty);
                }

                csv.NextRecord();
            }

            Console.WriteLine($"{result.GetValue(count)} rows for {SampleAuthorities.For(where, type).Code.Value} written to {result.GetValue(output)!.FullName}");
            return 0;
        });
        return command;
    }
}
