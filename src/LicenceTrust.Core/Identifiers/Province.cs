namespace LicenceTrust.Core.Identifiers;

/// <summary>
/// A province taking part in mutual recognition, by its GB/T 2260 division prefix.
/// Only Chongqing (50) and Sichuan (51) are defined; <c>default</c> is invalid.
/// </summary>
public readonly record struct Province
{
    public static readonly Province Chongqing = new(50, "cq", "重庆市", "Chongqing", "渝");
    public static readonly Province Sichuan = new(51, "sc", "四川省", "Sichuan", "川");

    private Province(int code, string node, string nameZh, string nameEn, string shortZh)
    {
        Code = code;
        NodeId = node;
        NameZh = nameZh;
        NameEn = nameEn;
        ShortZh = shortZh;
    }

    /// <summary>The 2-digit division prefix: 50 or 51.</summary>
    public int Code { get; }

    /// <summary>The node identifier: <c>cq</c> or <c>sc</c>.</summary>
    public string NodeId { get; }

    public string NameZh { get; }

    public string NameEn { get; }

    /// <summary>The one-character abbreviation: 渝 or 川.</summary>
    public string ShortZh { get; }

    public static IReadOnlyList<Province> All { get; } = [Chongqing, Sichuan];

    /// <summary>The province of a division code (2 or 6 digits), if it is one of ours.</summary>
    public static bool TryFromDivision(string? division, out Province province)
    {
        province = default;
        if (division is null || division.Length < 2 || !int.TryParse(division.AsSpan(0, 2), out var prefix))
        {
            return false;
        }

        return TryFromCode(prefix, out province);
    }

    public static bool TryFromCode(int code, out Province province)
    {
        province = code switch { 50 => Chongqing, 51 => Sichuan, _ => default };
        return province.Code != 0;
    }

    /// <exception cref="ArgumentException">Not a known node id.</exception>
    public static Province FromNodeId(string node) =>
        TryFromNodeId(node, out var province) ? province : throw new ArgumentException($"'{node}' is not a province node id (cq, sc).", nameof(node));

    public static bool TryFromNodeId(string? node, out Province province)
    {
        province = node switch { "cq" => Chongqing, "sc" => Sichuan, _ => default };
        return province.Code != 0;
    }

    public override string ToString() => NodeId ?? string.Empty;
}
