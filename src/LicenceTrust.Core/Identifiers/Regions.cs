using System.Collections.Frozen;

namespace LicenceTrust.Core.Identifiers;

/// <summary>
/// The names of China's administrative divisions by their six-digit code (GB/T 2260; the National Bureau
/// of Statistics' 2023 table of county-level divisions), so an officer reads 重庆市渝中区 beside 500103.
/// A name is shown, never checked: a code missing here (a division made after the table) is still a
/// licence's area, shown by its code alone. The table is <c>regions.csv</c>, written by scripts/regions.py.
/// </summary>
public static class Regions
{
    private static readonly Lazy<FrozenDictionary<string, string>> Table = new(Load);

    /// <summary>The division's full name (province, prefecture, county), or null for a code not in the table.</summary>
    public static string? NameOf(string? areaCode) =>
        areaCode is { Length: 6 } && Table.Value.TryGetValue(areaCode, out var name) ? name : null;

    /// <summary>Divisions in the table.</summary>
    public static int Count => Table.Value.Count;

    private static FrozenDictionary<string, string> Load()
    {
        using var stream = typeof(Regions).Assembly.GetManifestResourceStream("LicenceTrust.Core.Identifiers.regions.csv")
            ?? throw new InvalidOperationException("The region table is not embedded.");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        reader.ReadLine();
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            var comma = line.IndexOf(',', StringComparison.Ordinal);
            names[line[..comma]] = line[(comma + 1)..];
        }

        return names.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
