using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Text;

namespace LicenceTrust.Core.Licences;

/// <summary>
/// The licence types a node issues and labels: a JSON file (<c>schemas/licence-types.schema.json</c>),
/// loaded once at start. <see cref="Shipped"/> is the catalogue built into the release
/// (<c>src/LicenceTrust.Core/Licences/licence-types.json</c>); a deployment may replace it with its own
/// file (docs/operations.md, "Adding a licence type"), read by <c>LicenceTypeFiles</c> in Issuance. The catalogue labels types and checks what an
/// authority fills in; it never decides whether a credential is genuine: the issuer certificate's
/// allowed-types extension does (docs/format.md §5.2). Immutable; thread-safe.
/// </summary>
public sealed class LicenceTypeCatalogue
{
    private const string ShippedResource = "LicenceTrust.Core.Licences.licence-types.json";
    private const int MaxAttributes = 20;

    // A key is a short identifier because it travels in every credential of the type (docs/format.md §5).
    private static readonly Regex AttributeKey = new("^[a-z][A-Za-z0-9]{0,19}$", RegexOptions.CultureInvariant);

    private static readonly JsonSerializerOptions FileOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    private static readonly Lazy<LicenceTypeCatalogue> ShippedCatalogue = new(() =>
    {
        using var stream = typeof(LicenceTypeCatalogue).Assembly.GetManifestResourceStream(ShippedResource)
            ?? throw new InvalidOperationException("The shipped licence-type catalogue is not built into Core.");
        return Read(stream, "the shipped licence-type catalogue");
    });

    private readonly Dictionary<string, LicenceType> _byCode;

    private LicenceTypeCatalogue(IReadOnlyList<LicenceType> types)
    {
        All = types;
        _byCode = types.ToDictionary(t => t.Code.Value, StringComparer.Ordinal);
    }

    /// <summary>The catalogue built into this release: the five types of docs/format.md §5.1.</summary>
    public static LicenceTypeCatalogue Shipped => ShippedCatalogue.Value;

    /// <summary>Every type, in the file's order.</summary>
    public IReadOnlyList<LicenceType> All { get; }

    /// <summary>Reads and checks a catalogue; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="InvalidDataException">The catalogue breaks a rule.</exception>
    public static LicenceTypeCatalogue Read(Stream json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        CatalogueFile file;
        try
        {
            file = JsonSerializer.Deserialize<CatalogueFile>(json, FileOptions) ?? throw new JsonException("the file is null");
        }
        catch (JsonException e)
        {
            // System.Text.Json names the path ($.types[2].attributes[0].maxLength) and the line.
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }

        var types = new List<LicenceType>();
        for (var i = 0; i < file.Types.Count; i++)
        {
            types.Add(ToType(file.Types[i], $"{source}: types[{i}]"));
        }

        if (types.Count == 0)
        {
            throw new InvalidDataException($"{source}: the catalogue lists no type.");
        }

        Unique(types.Select(t => t.Code.Value), source, "type code");
        Unique(types.Select(t => t.NameZh), source, "Chinese name");
        Unique(types.Select(t => t.NameEn.ToUpperInvariant()), source, "English name");
        return new LicenceTypeCatalogue(types);
    }

    public bool TryGet(LicenceTypeCode code, out LicenceType type) =>
        _byCode.TryGetValue(code.Value ?? string.Empty, out type!);

    /// <summary>Finds a type by its code, Chinese name or English name (case-insensitive), as people type them.</summary>
    public bool TryFind(string? codeOrName, out LicenceType type)
    {
        type = All.FirstOrDefault(t => t.Code.Value == codeOrName || t.NameZh == codeOrName
            || string.Equals(t.NameEn, codeOrName, StringComparison.OrdinalIgnoreCase))!;
        return type is not null;
    }

    /// <exception cref="KeyNotFoundException">The code is not in the catalogue.</exception>
    public LicenceType Get(LicenceTypeCode code) =>
        TryGet(code, out var type) ? type : throw new KeyNotFoundException($"Unknown licence type {code}.");

    private static LicenceType ToType(TypeEntry entry, string where)
    {
        if (!LicenceTypeCode.TryParse(entry.Code, out var code, out var error))
        {
            throw new InvalidDataException($"{where}.code '{entry.Code}': {error}");
        }

        // GB/T 36903: the first 18 characters are the defining department's credit code, check character included.
        if (!UnifiedSocialCreditCode.TryParse(code.DefiningDepartmentCode, out _, out var departmentError))
        {
            throw new InvalidDataException($"{where}.code '{entry.Code}': the defining department's code is not a valid credit code ({departmentError})");
        }

        where = $"{where} ({entry.Code})";
        var nameZh = Label(entry.NameZh, Licence.MaxNameLength, $"{where}.nameZh");
        var nameEn = Label(entry.NameEn, 100, $"{where}.nameEn");
        var department = Label(entry.DefiningDepartment, Licence.MaxNameLength, $"{where}.definingDepartment");

        var holderTypes = new List<HolderCodeType>();
        foreach (var text in entry.HolderCodeTypes)
        {
            if (!HolderCodeTypes.TryParse(text, out var holderType))
            {
                throw new InvalidDataException($"{where}.holderCodeTypes: '{text}' is not a holder code type (001, 111 or 414).");
            }

            holderTypes.Add(holderType);
        }

        if (holderTypes.Count == 0)
        {
            throw new InvalidDataException($"{where}.holderCodeTypes: at least one holder code type is needed.");
        }

        Unique(holderTypes.Select(h => h.ToCode()), $"{where}.holderCodeTypes", "holder code type");
        // A type is either for persons (their codes are masked in every credential) or for organisations;
        // a mix would leave the masking rule undecided for the type.
        if (holderTypes.Any(h => h.IsPersonal() != entry.PersonalHolder))
        {
            throw new InvalidDataException($"{where}.personalHolder is {entry.PersonalHolder.ToString().ToLowerInvariant()}, but holder code types {string.Join("/", holderTypes.Select(h => h.ToCode()))} are {(entry.PersonalHolder ? "not all personal (111, 414)" : "not all organisational (001)")}.");
        }

        if (entry.Attributes.Count > MaxAttributes)
        {
            throw new InvalidDataException($"{where}.attributes: at most {MaxAttributes} attributes (each one costs QR space).");
        }

        var attributes = entry.Attributes.Select((a, i) => ToAttribute(a, $"{where}.attributes[{i}]")).ToList();
        Unique(attributes.Select(a => a.Key), $"{where}.attributes", "key");
        return new LicenceType(code, nameZh, nameEn, department, holderTypes, attributes, entry.PersonalHolder);
    }

    private static AttributeDefinition ToAttribute(AttributeEntry entry, string where)
    {
        if (!AttributeKey.IsMatch(entry.Key))
        {
            throw new InvalidDataException($"{where}.key '{entry.Key}': a key is 1-20 ASCII letters and digits, starting with a lower-case letter.");
        }

        where = $"{where} ({entry.Key})";
        var nameZh = Label(entry.NameZh, 20, $"{where}.nameZh");
        var nameEn = Label(entry.NameEn, 60, $"{where}.nameEn");
        if (entry.MaxLength is < 1 or > 200)
        {
            throw new InvalidDataException($"{where}.maxLength {entry.MaxLength}: must be 1-200 characters.");
        }

        AttributeDefinition definition;
        try
        {
            definition = new AttributeDefinition(entry.Key, nameZh, nameEn, entry.Required, entry.MaxLength, entry.Pattern, entry.Values);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{where}.pattern: not a valid regular expression ({e.Message})", e);
        }

        if (entry.Values is { } values)
        {
            if (values.Count == 0)
            {
                throw new InvalidDataException($"{where}.values: an enumeration lists at least one value (leave it out for free text).");
            }

            Unique(values, $"{where}.values", "value");
            foreach (var value in values)
            {
                // An enumerated value is signed into credentials as it stands: it must pass the rules a clerk's text passes.
                Label(value, entry.MaxLength, $"{where}.values: '{TextPolicy.Quote(value)}'");
                if (!definition.MatchesPattern(value))
                {
                    throw new InvalidDataException($"{where}.values: '{value}' does not match the attribute's pattern.");
                }
            }
        }

        return definition;
    }

    /// <summary>A name or value that will be shown or signed: present, NFC, within the text policy and the length.</summary>
    private static string Label(string text, int max, string where)
    {
        if (string.IsNullOrWhiteSpace(text) || TextPolicy.Length(text) > max)
        {
            throw new InvalidDataException($"{where}: must be 1-{max} characters.");
        }

        if (TextPolicy.Normalise(text) != text || TextPolicy.FindViolation(text) is not null)
        {
            throw new InvalidDataException($"{where} '{TextPolicy.Quote(text)}': not in NFC or contains a character the text policy refuses (docs/api.md, \"Text policy\").");
        }

        return text;
    }

    private static void Unique(IEnumerable<string> values, string where, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (!seen.Add(value))
            {
                throw new InvalidDataException($"{where}: {what} '{value}' appears twice.");
            }
        }
    }

    private sealed record CatalogueFile(IReadOnlyList<TypeEntry> Types);

    private sealed record TypeEntry(
        string Code, string NameZh, string NameEn, string DefiningDepartment, IReadOnlyList<string> HolderCodeTypes, bool PersonalHolder, IReadOnlyList<AttributeEntry> Attributes);

    private sealed record AttributeEntry(string Key, string NameZh, string NameEn, bool Required, int MaxLength, string? Pattern = null, IReadOnlyList<string>? Values = null);
}
