using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;

namespace LicenceTrust.Sharing;

/// <summary>A licence type a matter needs, and whether the holder's consent is needed to fetch it.</summary>
public sealed record MatterLicence(LicenceType Type, bool Consent);

/// <summary>A matter (事项) of the joint service: its code, its name, and the licences a window may fetch for it.</summary>
public sealed record Matter(string Code, string NameZh, string NameEn, IReadOnlyList<MatterLicence> Licences)
{
    /// <summary>The entry of that type, or null when the matter does not need it.</summary>
    public MatterLicence? For(string typeCode) => Licences.FirstOrDefault(l => l.Type.Code.Value == typeCode);
}

/// <summary>
/// The matter catalogue (事项清单, <c>schemas/matters.schema.json</c>): which licences a window may fetch from another
/// province for which matter, and which of them need the holder's consent. Both provinces ship the same file: the
/// requesting node names a matter, the home node checks the request against its own copy. Loaded once at start; a
/// file that breaks a rule stops the node naming the entry and the rule. Immutable; thread-safe.
/// </summary>
public sealed class MatterCatalogue
{
    private const string ShippedResource = "LicenceTrust.Sharing.matters.json";

    // Letters, digits and hyphens: a code travels in signed requests and usage logs.
    private static readonly Regex CodePattern = new("^[A-Z0-9][A-Z0-9-]{2,39}$", RegexOptions.CultureInvariant);

    private static readonly JsonSerializerOptions FileOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    private readonly Dictionary<string, Matter> _byCode;

    private MatterCatalogue(IReadOnlyList<Matter> matters)
    {
        All = matters;
        _byCode = matters.ToDictionary(m => m.Code, StringComparer.Ordinal);
    }

    /// <summary>Every matter, in the file's order.</summary>
    public IReadOnlyList<Matter> All { get; }

    /// <summary>The catalogue built into this release (<c>src/LicenceTrust.Sharing/matters.json</c>), against the node's licence types.</summary>
    public static MatterCatalogue Shipped(LicenceTypeCatalogue types)
    {
        using var stream = typeof(MatterCatalogue).Assembly.GetManifestResourceStream(ShippedResource)
            ?? throw new InvalidOperationException("The shipped matter catalogue is not built into Sharing.");
        return Read(stream, "the shipped matter catalogue", types);
    }

    /// <summary>Reads a catalogue file, as the node does at start (<c>Node:Matters</c>).</summary>
    /// <exception cref="InvalidDataException">The file breaks a rule.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static MatterCatalogue Load(string path, LicenceTypeCatalogue types)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"matter catalogue {path}: file not found.", path);
        }

        using var stream = File.OpenRead(path);
        return Read(stream, $"matter catalogue {path}", types);
    }

    /// <summary>Reads and checks a catalogue against the node's licence types; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The catalogue breaks a rule.</exception>
    public static MatterCatalogue Read(Stream json, string source, LicenceTypeCatalogue types)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(types);
        CatalogueFile file;
        try
        {
            file = JsonSerializer.Deserialize<CatalogueFile>(json, FileOptions) ?? throw new JsonException("the file is null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }

        var matters = new List<Matter>();
        for (var i = 0; i < file.Matters.Count; i++)
        {
            matters.Add(ToMatter(file.Matters[i], $"{source}: matters[{i}]", types));
        }

        if (matters.Count == 0)
        {
            throw new InvalidDataException($"{source}: the catalogue lists no matter.");
        }

        if (matters.GroupBy(m => m.Code, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InvalidDataException($"{source}: the matter code {twice.Key} is listed twice.");
        }

        return new MatterCatalogue(matters);
    }

    /// <summary>The matter of that code, or null (a usage log may name a matter a later catalogue dropped).</summary>
    public Matter? Find(string? code) => code is not null && _byCode.TryGetValue(code, out var matter) ? matter : null;

    /// <summary>The matter of that code.</summary>
    /// <exception cref="Core.Results.LicenceTrustException"><c>MATTER_UNKNOWN</c>.</exception>
    public Matter Get(string? code) => Find(code)
        ?? throw Core.Results.LicenceTrustException.Validation("MATTER_UNKNOWN", $"事项清单中没有事项“{code}” (no matter {code} in the matter catalogue).", "matter");

    private static Matter ToMatter(MatterEntry entry, string where, LicenceTypeCatalogue types)
    {
        if (!CodePattern.IsMatch(entry.Code))
        {
            throw new InvalidDataException($"{where}.code '{entry.Code}': 3 to 40 capital letters, digits and hyphens.");
        }

        where = $"{where} ({entry.Code})";
        if (entry.NameZh.Length is 0 or > 60 || entry.NameEn.Length is 0 or > 100)
        {
            throw new InvalidDataException($"{where}: a name is empty or too long (60 characters in Chinese, 100 in English).");
        }

        if (entry.Licences.Count == 0)
        {
            throw new InvalidDataException($"{where}.licences: a matter needs at least one licence type.");
        }

        var licences = new List<MatterLicence>();
        foreach (var licence in entry.Licences)
        {
            if (!LicenceTypeCode.TryParse(licence.Type, out var code, out _) || !types.TryGet(code, out var type))
            {
                throw new InvalidDataException($"{where}.licences: '{licence.Type}' is not a licence type of the node's catalogue.");
            }

            // A person's licence is personal data: it leaves its province only with the holder's consent.
            if (type.PersonalHolder && !licence.Consent)
            {
                throw new InvalidDataException($"{where}.licences: {type.NameZh} is a personal licence and needs \"consent\": true.");
            }

            if (licences.Any(l => l.Type == type))
            {
                throw new InvalidDataException($"{where}.licences: {type.NameZh} is listed twice.");
            }

            licences.Add(new MatterLicence(type, licence.Consent));
        }

        return new Matter(entry.Code, entry.NameZh, entry.NameEn, licences);
    }

    private sealed record CatalogueFile(IReadOnlyList<MatterEntry> Matters);

    private sealed record MatterEntry(string Code, string NameZh, string NameEn, IReadOnlyList<LicenceEntry> Licences);

    private sealed record LicenceEntry(string Type, bool Consent);
}
