using System.CommandLine;
using LicenceTrust.Core.Licences;
using LicenceTrust.Issuance;

namespace LicenceTrust.Cli;

/// <summary>
/// <c>licencetrust types check FILE</c>: the catalogue checks a node applies at start, run before a
/// restart, so that an edit that would stop the node is found at the desk (docs/operations.md).
/// </summary>
public static class TypesCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A licence-type catalogue (schemas/licence-types.schema.json)." };
        var check = new Command("check", "Check a licence-type catalogue file as a node would read it; exit 1 naming the entry and the rule it breaks.");
        check.Arguments.Add(file);
        check.SetAction(result =>
        {
            LicenceTypeCatalogue catalogue;
            try
            {
                catalogue = LicenceTypeFiles.Load(result.GetValue(file)!.FullName);
            }
            catch (InvalidDataException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }

            Console.WriteLine($"OK: {catalogue.All.Count} licence types.");
            foreach (var type in catalogue.All)
            {
                Console.WriteLine($"  {type.Code.Value} {type.NameZh} ({type.NameEn}): holders {string.Join("/", type.HolderCodeTypes.Select(h => h.ToCode()))}, attributes {string.Join(", ", type.Attributes.Select(Describe))}");
            }

            return 0;
        });
        var command = new Command("types", "Licence-type catalogue files.");
        command.Subcommands.Add(check);
        return command;
    }

    private static string Describe(AttributeDefinition a) =>
        a.Key + (a.Required ? "*" : string.Empty) + (a.Values is { } values ? $" ∈ {{{string.Join(", ", values)}}}" : a.Pattern is { } pattern ? $" ~ /{pattern}/" : string.Empty);
}
