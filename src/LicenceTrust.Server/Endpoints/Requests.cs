using LicenceTrust.Core.Results;
using LicenceTrust.Issuance;

namespace LicenceTrust.Server.Endpoints;

/// <summary>The body of POST /api/v1/licences. Every field is checked; a missing one is named.</summary>
public sealed record IssueRequest(
    string? TypeCode,
    string? Name,
    string? Number,
    HolderRequest? Holder,
    string? AuthorityName,
    string? AreaCode,
    DateOnly? IssueDate,
    DateOnly? ValidFrom,
    DateOnly? ValidTo,
    Dictionary<string, string>? Attributes)
{
    public IssueCommand ToCommand(string? idempotencyKey) => new()
    {
        TypeCode = Required(TypeCode, "typeCode"),
        Name = Name,
        Number = Required(Number, "number"),
        HolderName = Required(Holder?.Name, "holder.name"),
        HolderCodeType = Required(Holder?.CodeType, "holder.codeType"),
        HolderCode = Required(Holder?.Code, "holder.code"),
        AuthorityName = AuthorityName,
        AreaCode = Required(AreaCode, "areaCode"),
        IssueDate = IssueDate,
        ValidFrom = ValidFrom ?? throw Missing("validFrom"),
        ValidTo = ValidTo,
        Attributes = Attributes ?? [],
        IdempotencyKey = idempotencyKey,
    };

    private static string Required(string? value, string field) => value ?? throw Missing(field);

    private static LicenceTrustException Missing(string field) =>
        LicenceTrustException.Validation("FIELD_REQUIRED", $"缺少字段{field} ({field} is required).", field);
}

public sealed record HolderRequest(string? Name, string? CodeType, string? Code);

/// <summary>The body of suspend, reinstate, revoke and cancel.</summary>
public sealed record StatusChangeRequest(string? Reason);

/// <summary>The body of supersede: the reason and the replacement licence.</summary>
public sealed record SupersedeRequest(string? Reason, IssueRequest? Licence);
