using LicenceTrust.Core.Licences;
using LicenceTrust.Issuance;

namespace LicenceTrust.AuthorityConsole;

/// <summary>What the console shows of a licence, a preview or a draft, field by field (one table layout for all three).</summary>
public sealed record LicenceSummary(
    string TypeCode, string Number, string HolderName, string HolderCode, string HolderCodeType, string? AuthorityName, string? AuthorityCode,
    string AreaCode, DateOnly? IssueDate, DateOnly ValidFrom, DateOnly? ValidTo, IReadOnlyDictionary<string, string> Attributes)
{
    public static LicenceSummary Of(Licence licence)
    {
        ArgumentNullException.ThrowIfNull(licence);
        return new(licence.TypeCode.Value, licence.Number, licence.Holder.Name, licence.Holder.Code, licence.Holder.CodeType.ToCode(), licence.AuthorityName,
            licence.AuthorityCode, licence.AreaCode, licence.IssueDate, licence.ValidFrom, licence.ValidTo, licence.Attributes);
    }

    /// <summary>A draft as the clerk entered it (the authority's name and the issue date are set at signing unless given).</summary>
    public static LicenceSummary Of(IssueCommand draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return new(draft.TypeCode, draft.Number, draft.HolderName, draft.HolderCode, draft.HolderCodeType, draft.AuthorityName, null,
            draft.AreaCode, draft.IssueDate, draft.ValidFrom, draft.ValidTo, draft.Attributes);
    }
}
