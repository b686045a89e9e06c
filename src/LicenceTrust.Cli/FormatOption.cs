using System.CommandLine;
using LicenceTrust.Core.Codec;

namespace LicenceTrust.Cli;

/// <summary><c>--format LT2|LT1</c> of the commands that write credentials, read as the node reads <c>Issuance:CredentialFormat</c>.</summary>
internal static class FormatOption
{
    public static Option<string> Create(string description)
    {
        var format = new Option<string>("--format") { Description = description, DefaultValueFactory = _ => "LT2" };
        format.AcceptOnlyFromAmong("LT2", "LT1");
        return format;
    }

    public static CredentialEncoding ValueOf(ParseResult result, Option<string> format) =>
        CredentialFormat.TryParseEncoding(result.GetValue(format), out var encoding) ? encoding : CredentialEncoding.Lt2;
}
