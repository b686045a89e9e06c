using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Core.Json;

/// <summary>
/// The JSON views of licences, trust-list entries and verification results. Their shapes are the
/// schemas in <c>schemas/</c>; a test validates every view against its schema.
/// </summary>
public static class JsonViews
{
    /// <summary>Web defaults (camelCase), Chinese kept readable, nulls written.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static string Serialize<T>(T view) => JsonSerializer.Serialize(view, Options);

    /// <summary>
    /// The licence in full. <paramref name="types"/> names the type and its defining department; a type it
    /// does not list (or null, where only the licence's own fields are kept) leaves those names null.
    /// </summary>
    public static LicenceView ToView(this Licence licence, LicenceTypeCatalogue? types)
    {
        ArgumentNullException.ThrowIfNull(licence);
        LicenceType? type = null;
        var known = types?.TryGet(licence.TypeCode, out type) == true;
        return new LicenceView(
            licence.Identifier.Value,
            licence.Name,
            licence.TypeCode.Value,
            known ? type!.NameZh : null,
            licence.Number,
            new HolderView(licence.Holder.Name, licence.Holder.CodeType.ToCode(), licence.Holder.Code, licence.Holder.IsMasked),
            new PartyView(licence.AuthorityName, licence.AuthorityCode),
            new PartyView(known ? type!.DefiningDepartmentName : null, licence.TypeCode.DefiningDepartmentCode),
            licence.AreaCode,
            licence.Province.NodeId,
            Date(licence.IssueDate),
            Date(licence.ValidFrom),
            licence.ValidTo is { } to ? Date(to) : null,
            new SortedDictionary<string, string>(licence.Attributes.ToDictionary(), StringComparer.Ordinal));
    }

    /// <summary>Rebuilds a licence from its view, checking every rule again.</summary>
    /// <exception cref="FormatException">The view breaks a rule; the message names the field.</exception>
    public static Licence ToLicence(this LicenceView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (!HolderCodeTypes.TryParse(view.Holder.CodeType, out var codeType))
        {
            throw new FormatException("holder.codeType: unknown holder code type.");
        }

        var holder = view.Holder.Masked
            ? LicenceHolder.FromCredential(view.Holder.Name, codeType, view.Holder.Code)
            : LicenceHolder.Create(view.Holder.Name, codeType, view.Holder.Code);
        return Licence.Create(
            Identifiers.LicenceIdentifier.Parse(view.Identifier),
            view.Name,
            view.Number,
            holder,
            view.Authority.Name ?? throw new FormatException("authority.name is required."),
            view.AreaCode,
            DateOnly.ParseExact(view.IssueDate, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateOnly.ParseExact(view.ValidFrom, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            view.ValidTo is null ? null : DateOnly.ParseExact(view.ValidTo, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            view.Attributes);
    }

    public static TrustListEntryView ToView(this IssuerCertificate issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        return new TrustListEntryView(
            issuer.Kid.ToString(),
            issuer.Fingerprint,
            issuer.AuthorityCode,
            issuer.AuthorityName,
            issuer.Province.NodeId,
            issuer.Algorithm.Name,
            [.. issuer.AllowedLicenceTypes.Order(StringComparer.Ordinal)],
            issuer.NotBefore,
            issuer.NotAfter,
            Convert.ToBase64String(issuer.Der.Span));
    }

    /// <summary>
    /// The public summary of a licence (docs/api.md, "Disclosure"): type, number, holder, issuer and
    /// validity. A person's name is masked to its first character and their code stays masked;
    /// an organisation's name and credit code are public register data and are shown.
    /// </summary>
    public static LicenceSummaryView ToSummary(this Licence licence, LicenceTypeCatalogue types)
    {
        ArgumentNullException.ThrowIfNull(licence);
        ArgumentNullException.ThrowIfNull(types);
        var known = types.TryGet(licence.TypeCode, out var type);
        var personal = licence.Holder.CodeType.IsPersonal();
        return new LicenceSummaryView(
            licence.Name,
            licence.TypeCode.Value,
            known ? type.NameZh : null,
            licence.Number,
            new HolderView(personal ? Identifiers.PersonalDataMask.MaskPersonName(licence.Holder.Name) : licence.Holder.Name, licence.Holder.CodeType.ToCode(), licence.Holder.Code, licence.Holder.IsMasked || personal),
            new PartyView(licence.AuthorityName, licence.AuthorityCode),
            licence.Province.NodeId,
            Date(licence.ValidFrom),
            licence.ValidTo is { } to ? Date(to) : null);
    }

    /// <summary>A result as a caller with <paramref name="disclosure"/> may see it: the summary always, the licence's fields only in full.</summary>
    public static VerificationResultView ToView(this VerificationResult result, Disclosure disclosure, LicenceTypeCatalogue types)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(result);
        return new VerificationResultView(
            VerdictNames[(int)result.Verdict],
            [.. result.Reasons.Select(ReasonViewOf)],
            [.. result.Checks.Select(CheckViewOf)],
            [.. result.Warnings.Select(ReasonViewOf)],
            result.Licence?.ToSummary(types),
            disclosure == Disclosure.Full ? result.Licence?.ToView(types) : null,
            result.Issuer is { } issuer ? IssuerViews.GetValue(issuer, NewIssuerView) : null,
            result.Algorithm?.Name,
            result.CheckedAt,
            result.Licence?.Identifier.Value,
            result.PayloadSha256);
    }

    // The parts of an answer that are the same in every answer are built once (issue 15: no
    // per-request rebuilding of static parts). Views are immutable records, so sharing them is safe.
    private static readonly string[] VerdictNames = [.. Enum.GetValues<Verdict>().OrderBy(v => (int)v).Select(v => v.ToString().ToUpperInvariant())];
    private static readonly ConcurrentDictionary<ReasonCode, ReasonView> ReasonViews = new();
    private static readonly ConcurrentDictionary<(string Name, CheckOutcome Outcome, ReasonCode Reason), CheckView> CheckViews = new();
    private static readonly ConditionalWeakTable<IssuerCertificate, IssuerView> IssuerViews = new();

    private static ReasonView ReasonViewOf(ReasonCode code) => ReasonViews.GetOrAdd(code, static c =>
    {
        var reason = ReasonCatalogue.Get(c);
        return new ReasonView(reason.Name, reason.MessageZh, reason.MessageEn);
    });

    private static CheckView CheckViewOf(VerificationCheck check) => CheckViews.GetOrAdd((check.Name, check.Outcome, check.Reason), static key =>
        new CheckView(key.Name, key.Outcome.ToString().ToUpperInvariant(), key.Reason == ReasonCode.None ? null : ReasonCatalogue.WireName(key.Reason)));

    private static IssuerView NewIssuerView(IssuerCertificate issuer) =>
        new(issuer.AuthorityCode, issuer.AuthorityName, issuer.Province.NodeId, issuer.Kid.ToString(), issuer.Algorithm.Name);

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>A licence in JSON. Chinese element names (GB/T 36903) are in the schema's titles.</summary>
public sealed record LicenceView(
    string Identifier,
    string Name,
    string TypeCode,
    string? TypeName,
    string Number,
    HolderView Holder,
    PartyView Authority,
    PartyView DefiningDepartment,
    string AreaCode,
    string Province,
    string IssueDate,
    string ValidFrom,
    string? ValidTo,
    IReadOnlyDictionary<string, string> Attributes);

public sealed record HolderView(string Name, string CodeType, string Code, bool Masked);

public sealed record PartyView(string? Name, string Code);

public sealed record TrustListEntryView(
    string Kid,
    string Fingerprint,
    string AuthorityCode,
    string AuthorityName,
    string Province,
    string Algorithm,
    IReadOnlyList<string> AllowedLicenceTypes,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string Certificate);

/// <summary>Who may see what of a verified licence (docs/api.md, "Disclosure").</summary>
public enum Disclosure
{
    /// <summary>Anyone: the verdict and the licence summary.</summary>
    Public,

    /// <summary>Partner systems, signed-in staff, admins: every field the credential carries (personal codes stay masked).</summary>
    Full,
}

/// <summary>What anyone may see of a verified licence.</summary>
public sealed record LicenceSummaryView(
    string Name,
    string TypeCode,
    string? TypeName,
    string Number,
    HolderView Holder,
    PartyView Authority,
    string Province,
    string ValidFrom,
    string? ValidTo);

/// <summary>
/// A verification result; <see cref="Licence"/> is present only for full disclosure. <see cref="Identifier"/>
/// (the licence identifier) and <see cref="PayloadSha256"/> (the signed payload's SHA-256) are present
/// whenever the credential was readable: a relying party deduplicates on them (docs/format.md §1).
/// </summary>
public sealed record VerificationResultView(
    string Verdict,
    IReadOnlyList<ReasonView> Reasons,
    IReadOnlyList<CheckView> Checks,
    IReadOnlyList<ReasonView> Warnings,
    LicenceSummaryView? Summary,
    LicenceView? Licence,
    IssuerView? Issuer,
    string? Algorithm,
    DateTimeOffset CheckedAt,
    string? Identifier,
    string? PayloadSha256);

public sealed record ReasonView(string Code, string MessageZh, string MessageEn);

public sealed record CheckView(string Name, string Outcome, string? Reason);

public sealed record IssuerView(string AuthorityCode, string AuthorityName, string Province, string Kid, string Algorithm);
