using System.Collections.Frozen;
using System.Text.Json;

namespace LicenceTrust.Core.Identifiers;

/// <summary>
/// A provincial-level division of GB/T 2260, from the province registry (<c>provinces.json</c> beside
/// this file, built into Core): all 34, each with its 2-digit code, node id, names and abbreviation.
/// Which provinces a node federates with is configuration (its own province and its peers); the code
/// names none. <c>default</c> is invalid.
/// </summary>
public readonly record struct Province
{
    private Province(int code, string node, string nameZh, string nameEn, string shortZh)
    {
        Code = code;
        NodeId = node;
        NameZh = nameZh;
        NameEn = nameEn;
        ShortZh = shortZh;
    }

    /// <summary>The 2-digit division prefix, e.g. 50 for 重庆市.</summary>
    public int Code { get; }

    /// <summary>The node identifier, e.g. <c>cq</c>: the ISO 3166-2:CN code in lower case.</summary>
    public string NodeId { get; }

    public string NameZh { get; }

    public string NameEn { get; }

    /// <summary>The one-character abbreviation, e.g. 渝.</summary>
    public string ShortZh { get; }

    /// <summary>Every province of the registry, by code.</summary>
    public static IReadOnlyList<Province> All => Registry.All;

    /// <summary>The province of a division code (2 or 6 digits), if the registry has it.</summary>
    public static bool TryFromDivision(string? division, out Province province)
    {
        province = default;
        if (division is null || division.Length < 2 || !int.TryParse(division.AsSpan(0, 2), out var prefix))
        {
            return false;
        }

        return TryFromCode(prefix, out province);
    }

    public static bool TryFromCode(int code, out Province province) => Registry.ByCode.TryGetValue(code, out province);

    /// <exception cref="ArgumentException">Not a code of the registry.</exception>
    public static Province FromCode(int code) =>
        TryFromCode(code, out var province) ? province : throw new ArgumentException($"{code} is not the code of a province in the registry.", nameof(code));

    /// <exception cref="ArgumentException">Not a known node id.</exception>
    public static Province FromNodeId(string node) =>
        TryFromNodeId(node, out var province) ? province : throw new ArgumentException($"'{node}' is not a province node id of the registry (e.g. cq, sc, gz).", nameof(node));

    public static bool TryFromNodeId(string? node, out Province province)
    {
        province = default;
        return node is not null && Registry.ByNode.TryGetValue(node, out province);
    }

    public override string ToString() => NodeId ?? string.Empty;

    /// <summary>The registry, read once from the embedded <c>provinces.json</c>; a broken file fails loudly at first use.</summary>
    private static class Registry
    {
        public static readonly IReadOnlyList<Province> All = Load();
        public static readonly FrozenDictionary<int, Province> ByCode = All.ToFrozenDictionary(p => p.Code);
        public static readonly FrozenDictionary<string, Province> ByNode = All.ToFrozenDictionary(p => p.NodeId, StringComparer.Ordinal);

        private sealed record Entry(int Code, string NodeId, string NameZh, string NameEn, string ShortZh);

        private sealed record File(IReadOnlyList<Entry> Provinces);

        private static List<Province> Load()
        {
            using var stream = typeof(Province).Assembly.GetManifestResourceStream("LicenceTrust.Core.Identifiers.provinces.json")
                ?? throw new InvalidOperationException("The province registry is not built into Core.");
            var file = JsonSerializer.Deserialize<File>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
                ?? throw new InvalidDataException("The province registry is empty.");
            var provinces = file.Provinces.Select(e => new Province(e.Code, e.NodeId, e.NameZh, e.NameEn, e.ShortZh)).OrderBy(p => p.Code).ToList();
            foreach (var p in provinces)
            {
                if (p.Code is < 11 or > 82 || p.NodeId is not { Length: 2 } || !p.NodeId.All(char.IsAsciiLetterLower)
                    || string.IsNullOrWhiteSpace(p.NameZh) || string.IsNullOrWhiteSpace(p.NameEn) || p.ShortZh is not { Length: 1 })
                {
                    throw new InvalidDataException($"The province registry's entry {p.Code} ({p.NodeId}) is malformed.");
                }
            }

            if (provinces.Select(p => p.Code).Distinct().Count() != provinces.Count || provinces.Select(p => p.NodeId).Distinct().Count() != provinces.Count)
            {
                throw new InvalidDataException("The province registry repeats a code or a node id.");
            }

            return provinces;
        }
    }
}
