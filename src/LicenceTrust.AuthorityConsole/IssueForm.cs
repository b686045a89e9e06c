using System.Globalization;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Issuance;
using Microsoft.AspNetCore.Http;

namespace LicenceTrust.AuthorityConsole;

/// <summary>
/// The issue form as posted: one input per field of the <see cref="IssueCommand"/>, and one per
/// attribute of the licence type's definition (<c>attr.&lt;key&gt;</c>). The form is built from the
/// type, never written per type; the rules are the services' own.
/// </summary>
public sealed record IssueForm(IReadOnlyDictionary<string, string> Values)
{
    public const string AttributePrefix = "attr.";

    public static IssueForm From(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return new IssueForm(form.Where(f => f.Key != "__RequestVerificationToken" && !f.Key.StartsWith('_'))
            .ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal));
    }

    /// <summary>The form filled with a licence's fields: a new version starts from the licence it replaces.</summary>
    public static IssueForm Of(Licence licence)
    {
        ArgumentNullException.ThrowIfNull(licence);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["typeCode"] = licence.TypeCode.Value,
            ["number"] = licence.Number,
            ["holderName"] = licence.Holder.Name,
            ["holderCodeType"] = licence.Holder.CodeType.ToCode(),
            ["holderCode"] = licence.Holder.Code,
            ["areaCode"] = licence.AreaCode,
            ["validFrom"] = Date(licence.ValidFrom),
            ["validTo"] = licence.ValidTo is { } to ? Date(to) : string.Empty,
        };
        foreach (var (key, value) in licence.Attributes)
        {
            values[AttributePrefix + key] = value;
        }

        return new IssueForm(values);
    }

    public string this[string name] => Values.TryGetValue(name, out var value) ? value : string.Empty;

    /// <summary>The command, or a validation error naming the form's field.</summary>
    public IssueCommand ToCommand(LicenceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return ToCommandWithDates(type, OptionalDate("issueDate"),
            OptionalDate("validFrom") ?? throw LicenceTrustException.Validation("FIELD_REQUIRED", "请填写有效期起始日期 (give the first day of validity).", "validFrom"), OptionalDate("validTo"));
    }

    private IssueCommand ToCommandWithDates(LicenceType type, DateOnly? issueDate, DateOnly validFrom, DateOnly? validTo)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in type.Attributes)
        {
            if (this[AttributePrefix + attribute.Key] is { Length: > 0 } value)
            {
                attributes[attribute.Key] = value;
            }
        }

        return new IssueCommand
        {
            TypeCode = type.Code.Value,
            Number = this["number"],
            HolderName = this["holderName"],
            HolderCodeType = this["holderCodeType"] is { Length: > 0 } codeType ? codeType : type.HolderCodeTypes[0].ToCode(),
            HolderCode = this["holderCode"],
            AreaCode = this["areaCode"],
            IssueDate = issueDate,
            ValidFrom = validFrom,
            ValidTo = validTo,
            Attributes = attributes,
            IdempotencyKey = this["requestKey"] is { Length: > 0 } key ? key : null,
        };
    }

    /// <summary>
    /// Every problem of the form at once, the first of each field (<see cref="OfficerWorkflow.Problems"/>), for
    /// the refused page and the live check alike. A date the form cannot read (or a missing first day) is a
    /// problem of its own and stands in the command as absent or as today, so the service's rules judge the
    /// other fields; the validity rules, judging that stand-in, then say nothing of the other dates.
    /// </summary>
    public IReadOnlyList<LicenceTrustError> Problems(LicenceType type, OfficerWorkflow workflow, Officer officer)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(workflow);
        var dates = new List<LicenceTrustError>();
        DateOnly? Read(string name)
        {
            try
            {
                return OptionalDate(name);
            }
            catch (LicenceTrustException e)
            {
                dates.Add(e.Error);
                return null;
            }
        }

        var issueDate = Read("issueDate");
        var validFrom = Read("validFrom");
        if (validFrom is null && dates.All(p => p.Field != "validFrom"))
        {
            dates.Add(new LicenceTrustError(ErrorKind.Validation, "FIELD_REQUIRED", "请填写有效期起始日期 (give the first day of validity).", "validFrom"));
        }

        var validTo = Read("validTo");
        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(Core.Codec.CredentialClaims.ChinaOffset).DateTime);
        var command = ToCommandWithDates(type, issueDate, validFrom ?? today, validTo);
        static bool IsDate(string? field) => field is "issueDate" or "validFrom" or "validTo";
        var rules = workflow.Problems(command, officer).Where(p => dates.All(d => d.Field != p.Field && !(IsDate(d.Field) && IsDate(p.Field))));
        return [.. dates, .. rules];
    }

    /// <summary>The form's input of a service error's field (<c>holder.code</c> → <c>holderCode</c>, <c>attributes.x</c> → <c>attr.x</c>).</summary>
    public static string? InputOf(string? field) => field switch
    {
        null => null,
        "holder.name" => "holderName",
        "holder.code" => "holderCode",
        "holder.codeType" => "holderCodeType",
        _ when field.StartsWith("attributes.", StringComparison.Ordinal) => AttributePrefix + field["attributes.".Length..],
        _ => field,
    };

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private DateOnly? OptionalDate(string name)
    {
        var text = this[name].Trim();
        if (text.Length == 0)
        {
            return null;
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw LicenceTrustException.Validation("DATE_INVALID", "日期格式应为 YYYY-MM-DD (a date is written YYYY-MM-DD).", name);
    }
}
