using System.Reflection;
using LicenceTrust.Federation;

namespace LicenceTrust.Server.Hosting;

/// <summary>
/// The names a node reads under its own sections (<c>Node</c> and <c>Issuance</c>), so that a misspelt
/// one stops the start instead of being ignored: <c>Node:SeedDemos</c> would otherwise leave the default in
/// force without a word. The names come from the option classes themselves, so a new setting is known
/// as soon as it exists. Configuration names are case-insensitive, as .NET reads them.
/// </summary>
public static class NodeSettings
{
    /// <summary>Settings that existed once, with what replaced them.</summary>
    private static readonly Dictionary<string, string> Retired = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Node:SeedDemo"] = "the demo is started with the --demo flag (or --both-provinces), never by a setting, so a production node cannot seed demo licences by accident",
    };

    /// <summary>The settings under <c>Node</c> and <c>Issuance</c> that no option reads, each with what to do; empty when all are known.</summary>
    public static IReadOnlyList<string> Unknown(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        Check(configuration.GetSection(NodeOptions.Section), Properties<NodeOptions>(), problems, (name, child) => name switch
        {
            nameof(NodeOptions.Peers) => child.GetChildren().SelectMany(peer => int.TryParse(peer.Key, out _)
                ? Unknown(peer, Properties<PeerOptions>())
                : [$"{peer.Path}: peers are numbered (Node:Peers:0:Province, Node:Peers:1:…), not named"]),
            nameof(NodeOptions.Pkcs11) => Unknown(child, Properties<Pkcs11Options>()),
            _ => null,
        });
        Check(configuration.GetSection("Issuance"), ["CredentialFormat", "Authorities", "Batch"], problems, (name, child) => name switch
        {
            "Authorities" => child.GetChildren().SelectMany(authority => Unknown(authority, ["IssueApproval", "RevocationApproval"])),
            "Batch" => Unknown(child, ["ChunkSize", "PauseMilliseconds"]),
            _ => null,
        });
        return problems;
    }

    /// <summary>Stops the start on the first unknown setting.</summary>
    /// <exception cref="InvalidDataException">A setting under <c>Node</c> or <c>Issuance</c> that nothing reads.</exception>
    public static void ThrowIfUnknown(IConfiguration configuration)
    {
        if (Unknown(configuration) is [var first, ..] all)
        {
            throw new InvalidDataException(all.Count == 1 ? first : $"{first} (and {all.Count - 1} more: {string.Join("; ", all.Skip(1))})");
        }
    }

    private static void Check(IConfigurationSection section, IReadOnlyList<string> known, List<string> problems, Func<string, IConfigurationSection, IEnumerable<string>?> nested)
    {
        foreach (var child in section.GetChildren())
        {
            var name = known.FirstOrDefault(k => string.Equals(k, child.Key, StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                problems.Add(Describe(child, known));
            }
            else if (nested(name, child) is { } inner)
            {
                problems.AddRange(inner);
            }
        }
    }

    private static IEnumerable<string> Unknown(IConfigurationSection section, IReadOnlyList<string> known) =>
        section.GetChildren().Where(c => !known.Contains(c.Key, StringComparer.OrdinalIgnoreCase)).Select(c => Describe(c, known));

    private static string Describe(IConfigurationSection unknown, IReadOnlyList<string> known)
    {
        if (Retired.TryGetValue(unknown.Path, out var instead))
        {
            return $"{unknown.Path} is no longer a setting: {instead}.";
        }

        var parent = unknown.Path[..^unknown.Key.Length];
        var nearest = known.MinBy(k => Distance(k.ToLowerInvariant(), unknown.Key.ToLowerInvariant()));
        return nearest is not null && Distance(nearest.ToLowerInvariant(), unknown.Key.ToLowerInvariant()) <= Math.Max(2, nearest.Length / 3)
            ? $"{unknown.Path} is not a setting: did you mean {parent}{nearest}? (docs/deploy.md lists the settings)"
            : $"{unknown.Path} is not a setting (the settings under {parent.TrimEnd(':')} are {string.Join(", ", known)}).";
    }

    private static string[] Properties<T>() =>
        [.. typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic).Select(p => p.Name)];

    /// <summary>Levenshtein distance: edits (insert, delete, replace) from one name to the other.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
