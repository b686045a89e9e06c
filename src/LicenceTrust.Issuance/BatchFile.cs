using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using LicenceTrust.Issuance;

namespace LicenceTrust.Issuance;

/// <summary>
/// A batch file read into issue requests: CSV with a header row, or JSON Lines (one object per line),
/// with the columns / properties typeCode, name, number, holderName, holderCodeType, holderCode,
/// authorityName, areaCode, issueDate, validFrom, validTo and attr.&lt;key&gt; for attributes (JSON Lines:
/// an "attributes" object). Each row's idempotency key is the file's SHA-256 plus its line number, so
/// issuing the same file again, after an interruption or from the CLI and the console alike, issues
/// nothing twice. The one reader of batch files: the CLI's <c>issue batch</c> and the console's batch
/// upload share it (docs/console.md, "Batch issue").
/// </summary>
/// <param name="Sha256">The file's SHA-256 (hex), whose first 16 characters key its rows.</param>
/// <param name="Rows">The rows read as requests, in file order.</param>
/// <param name="Unreadable">The rows that could not even be read as a request (code <c>ROW_UNREADABLE</c>).</param>
public sealed record BatchFile(string Sha256, IReadOnlyList<BatchRow> Rows, IReadOnlyList<BatchRowError> Unreadable)
{
    /// <summary>Whether a file of this name is read as JSON Lines (.jsonl, .ndjson); anything else is CSV.</summary>
    public static bool IsJsonLines(string fileName) =>
        fileName.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase);

    public static BatchFile Read(string path) => Read(Path.GetFileName(path), File.ReadAllBytes(path));

    /// <summary>Reads a file's bytes (UTF-8, with or without a byte order mark); the name chooses CSV or JSON Lines.</summary>
    public static BatchFile Read(string fileName, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(content);
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        var fileKey = sha[..16];
        var rows = new List<BatchRow>();
        var unreadable = new List<BatchRowError>();
        var records = IsJsonLines(fileName) ? ReadJsonLines(content) : ReadCsv(content);
        foreach (var (line, fields, error) in records)
        {
            if (error is not null)
            {
                unreadable.Add(new BatchRowError(line, UnreadableCode, "line", error));
                continue;
            }

            try
            {
                rows.Add(new BatchRow(line, ToCommand(fields!) with { IdempotencyKey = $"batch:{fileKey}:{line}" }));
            }
            catch (FormatException e)
            {
                var parts = e.Message.Split(':', 2);
                unreadable.Add(new BatchRowError(line, UnreadableCode, parts[0], parts.Length > 1 ? parts[1].Trim() : e.Message));
            }
        }

        return new BatchFile(sha, rows, unreadable);
    }

    /// <summary>
    /// The rows refused, as the CLI writes them next to the file and the console serves them: CSV with the
    /// columns line, code, field, detail, UTF-8 with a byte order mark (so a spreadsheet reads the Chinese),
    /// and CsvHelper's injection escaping (a cell a spreadsheet would run as a formula gets a <c>'</c>).
    /// </summary>
    public static async Task WriteErrorsAsync(Stream output, IEnumerable<BatchRowError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true);
        await using var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape });
        await csv.WriteRecordsAsync(errors.Select(e => new { line = e.Line, code = e.Code, field = e.Field, detail = e.Detail }));
    }

    private const string UnreadableCode = "ROW_UNREADABLE";

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

    private static IEnumerable<(int Line, Dictionary<string, string>? Fields, string? Error)> ReadCsv(byte[] content)
    {
        using var reader = new StreamReader(new MemoryStream(content), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
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

    private static IEnumerable<(int Line, Dictionary<string, string>? Fields, string? Error)> ReadJsonLines(byte[] content)
    {
        using var reader = new StreamReader(new MemoryStream(content), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var line = 0;
        while (reader.ReadLine() is { } text)
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
