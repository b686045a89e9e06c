using LicenceTrust.Core.Licences;

namespace LicenceTrust.Issuance;

/// <summary>What an authority asks to issue. Validated by <see cref="Lints"/>; the node assigns the identifier.</summary>
public sealed record IssueCommand
{
    public required string TypeCode { get; init; }

    /// <summary>证照名称; defaults to the type name.</summary>
    public string? Name { get; init; }

    public required string Number { get; init; }

    public required string HolderName { get; init; }

    /// <summary>001, 111 or 414.</summary>
    public required string HolderCodeType { get; init; }

    public required string HolderCode { get; init; }

    /// <summary>证照颁发机构; defaults to the authority's certificate name.</summary>
    public string? AuthorityName { get; init; }

    public required string AreaCode { get; init; }

    /// <summary>Defaults to today (China time).</summary>
    public DateOnly? IssueDate { get; init; }

    public required DateOnly ValidFrom { get; init; }

    /// <summary>Null = long-term (长期).</summary>
    public DateOnly? ValidTo { get; init; }

    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>A retried request with the same key returns the first result instead of issuing twice.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The request that would issue this licence (the node assigns a new identifier).</summary>
    public static IssueCommand For(Licence licence)
    {
        ArgumentNullException.ThrowIfNull(licence);
        return new IssueCommand
        {
            TypeCode = licence.TypeCode.Value,
            Name = licence.Name,
            Number = licence.Number,
            HolderName = licence.Holder.Name,
            HolderCodeType = licence.Holder.CodeType.ToCode(),
            HolderCode = licence.Holder.Code,
            AuthorityName = licence.AuthorityName,
            AreaCode = licence.AreaCode,
            IssueDate = licence.IssueDate,
            ValidFrom = licence.ValidFrom,
            ValidTo = licence.ValidTo,
            Attributes = licence.Attributes,
        };
    }
}
