using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using CsvHelper;
using LicenceTrust.Issuance;

namespace LicenceTrust.Cli;

/// <summary>A row of a batch file that could not even be read as a request.</summary>
public sealed record UnreadableRow(int Line, string Field, string Detail);

/// <summary>
/// Reads batch files: CSV with a header row, or JSON Lines (one object per line), with the columns /
/// properties typeCode, name, number, holderName, holderCodeType, holderCode, authorityName, areaCode,
/// issueDate, validFrom, validTo and attr.&lt;key&gt; for attributes (JSON Lines: an "attributes" object).
/// Each row's idempotency key is the file's SHA-256 plus its line number, so re-running a file after
/// an interruption issues nothing twice.
/// </summary>
public static class BatchInput
{
    public static (IReadOnlyList<BatchRow> Rows, IReadOnlyList<UnreadableRow> Unreadable) Read(string path)
    {
        var fileKey = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))[..16];
        var rows = new List<BatchRow>();
        var unreadable = new List<UnreadableRow>();
        var records = path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)
            ? ReadJsonLines(path)
            : ReadCsv(path);
        foreach (var (line, fields, error) in records)
        {
            if (error is not null)
            {
                unreadable.Add(new UnreadableRow(line, "line", error));
                continue;
            }

            try
            {
                rows.Add(new BatchRow(line, ToCommand(fields!) with { IdempotencyKey = $"batch:{fileKey}:{line}" }));
            }
            catch (FormatException e)
            {
                var parts = e.Message.Split(':', 2);
                unreadable.Add(new UnreadableRow(line, parts[0], parts.Length > 1 ? parts[1].Trim() : e.Message));
            }
        }

        return (rows, unreadable);
    }

    private static IssueCommand ToCommand(IReadOnlyDictionary<string, string> f)
    {
        string Required(string name) => f.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v : throw new FormatException($"{name}: 缺少字段{name} ({name} is required).");
        string? Optional(string name) => f.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v : null;
        DateOnly? Date(string name) => Optional(name) is { } v
            ? DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : throw new FormatException($"{name}: 日期应为yyyy-MM-dd ({name} must be yyyy-MM-dd).")
            : null;

        return new IssueCommand
        {
            TypeCode = Required("typeCode"),
            Name = Optional("name"),
            Number = Required("number"),
            HolderName = Required("holderName"),
            HolderCodeType = Required("holderCodeType"),
            HolderCode = Required("holderCode"),
            AuthorityName = Optional("authorityName"),
            AreaCode = Required("areaCode"),
            IssueDate = Date("issueDate"),
            ValidFrom = Date("validFrom") ?? throw new FormatException("validFrom: 缺少字段validFrom (validFrom is required)."),
            ValidTo = Date("validTo"),
            Attributes = f.Where(kv => kv.Key.StartsWith("attr.", StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(kv.Value))
                .ToDictionary(kv => kv.Key[5..], kv => kv.Value),
        };
    }

    private static IEnumerable<(int Line, Dictionary<string, string>? Fields, string? Error)> ReadCsv(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        if (!csv.Read() || !csv.ReadHeader())
        {
            yield break;
        }

        var header = csv.HeaderRecord ?? [];
        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                fields[header[i]] = csv.TryGetField<string>(i, out var value) ? value ?? string.Empty : string.Empty;
            }

            yield return (line, fields, null);
        }
    }

    private static IEnumerable<(int Line, Dictionary<string, string>? Fields, string? Error)> ReadJsonLines(string path)
    {
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            Dictionary<string, string>? fields = null;
            string? error = null;
            try
            {
                using var document = JsonDocument.Parse(text);
                fields = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Name == "attributes" && property.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var attribute in property.Value.EnumerateObject())
                        {
                            fields["attr." + attribute.Name] = attribute.Value.ToString();
                        }
                    }
                    else
                    {
                        fields[property.Name] = property.Value.ValueKind == JsonValueKind.Null ? string.Empty : property.Value.ToString();
                    }
                }
            }
            catch (JsonException e)
            {
                error = $"不是有效的JSON (not valid JSON: {e.Message})";
            }
            catch (InvalidOperationException)
            {
                error = "每行应为一个JSON对象 (each line must be a JSON object)";
            }

            yield return (line, fields, error);
        }
    }
}
