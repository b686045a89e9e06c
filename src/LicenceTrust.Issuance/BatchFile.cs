using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

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
/// <param name="Refused">The rows refused on reading: not readable as a request (code <c>ROW_UNREADABLE</c>), or repeating the
/// type and number of an earlier row of the file (<c>LICENCE_NUMBER_REPEATED</c>, naming that line: one live licence per number).</param>
public sealed record BatchFile(string Sha256, IReadOnlyList<BatchRow> Rows, IReadOnlyList<BatchRowError> Refused)
{
    /// <summary>Whether a file of this name is read as JSON Lines (.jsonl, .ndjson); anything else is CSV.</summary>
    public static bool IsJsonLines(string fileName) =>
        fileName.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase);

    public static BatchFile Read(string path) => Read(Path.GetFileName(path), File.ReadAllBytes(path));

    /// <summary>
    /// Reads a file's bytes (UTF-8, with or without a byte order mark; or GB 18030, which GBK is part of: what
    /// Excel writes by default on a Chinese Windows); the name chooses CSV or JSON Lines. The rows' keys come
    /// from the file as it is.
    /// </summary>
    public static BatchFile Read(string fileName, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(content);
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        content = AsUtf8(content);
        var fileKey = sha[..16];
        var rows = new List<BatchRow>();
        var refused = new List<BatchRowError>();
        var firstLines = new Dictionary<(string Type, string Number), int>();
        var records = IsJsonLines(fileName) ? ReadJsonLines(content) : ReadCsv(content);
        foreach (var (line, fields, error) in records)
        {
            if (error is not null)
            {
                refused.Add(new BatchRowError(line, UnreadableCode, "line", error));
                continue;
            }

            IssueCommand command;
            try
            {
                command = ToCommand(fields!) with { IdempotencyKey = $"batch:{fileKey}:{line}" };
            }
            catch (FormatException e)
            {
                var parts = e.Message.Split(':', 2);
                refused.Add(new BatchRowError(line, UnreadableCode, parts[0], parts.Length > 1 ? parts[1].Trim() : e.Message));
                continue;
            }

            // One live licence per number: a file that names a number twice would sign it twice.
            if (firstLines.TryGetValue((command.TypeCode, command.Number.Trim()), out var first))
            {
                refused.Add(new BatchRowError(line, RepeatedCode, "number",
                    $"第{line}行与第{first}行的证照类型和编号相同，同一编号只能签发一张在用证照 (line {line} has the type and number of line {first}: one live licence per number)."));
                continue;
            }

            firstLines[(command.TypeCode, command.Number.Trim())] = line;
            rows.Add(new BatchRow(line, command));
        }

        return new BatchFile(sha, rows, refused);
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

    /// <summary>
    /// The content as UTF-8. Bytes that are not UTF-8 are read as GB 18030 (a superset of GBK and GB 2312), the
    /// only other encoding a Chinese office's spreadsheet writes; every byte sequence decodes in GB 18030, so
    /// nothing is guessed beyond that, and the text policy still judges every field.
    /// </summary>
    private static byte[] AsUtf8(byte[] content)
    {
        try
        {
            StrictUtf8.GetCharCount(content);
            return content;
        }
        catch (DecoderFallbackException)
        {
            return Encoding.UTF8.GetBytes(Gb18030.Value.GetString(content));
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly Lazy<Encoding> Gb18030 = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030");
    });

    private const string UnreadableCode = "ROW_UNREADABLE";

    private const string RepeatedCode = "LICENCE_NUMBER_REPEATED";

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
