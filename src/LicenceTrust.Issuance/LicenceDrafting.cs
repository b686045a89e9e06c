using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Issuance;

/// <summary>An issue request that passed every lint: the cleaned command, its type, the key that will sign it, and the licence drafted under a placeholder identifier.</summary>
internal sealed record LintedRequest(IssueCommand Command, LicenceType Type, IssuerSigning Signing, Licence Draft);

/// <summary>
/// Drafting: who may issue what, and the licence a request would become. Every lint of a request runs
/// here, once, before anything is allocated (<see cref="Lint"/>); the same rules build the licence at
/// signing time (<see cref="Draft(LintedRequest, LicenceIdentifier, DateTimeOffset)"/>) and list every
/// problem at once for a form (<see cref="Problems"/>). Pure: no storage. Thread-safe.
/// </summary>
internal sealed class LicenceDrafting(IIssuerKeys keys, IssuanceOptions options, TimeProvider time)
{
    public LicenceTypeCatalogue LicenceTypes => options.LicenceTypes;

    /// <summary>The catalogue's types that a certificate of the authority in force now allows: what it can issue.</summary>
    public IReadOnlyList<LicenceType> TypesFor(string authorityCode) =>
        [.. options.LicenceTypes.All.Where(type => keys.Find(authorityCode, type.Code) is not null)];

    /// <summary>
    /// Every lint of one request for <paramref name="authorityCode"/>: the text policy, the type, the
    /// authority's key for it, and the licence drafted with a placeholder identifier.
    /// </summary>
    /// <exception cref="LicenceTrustException">The first rule the request breaks.</exception>
    public LintedRequest Lint(IssueCommand command, string authorityCode)
    {
        ArgumentNullException.ThrowIfNull(command);
        command = Lints.CleanText(command);
        var type = Lints.KnownType(options.LicenceTypes, command.TypeCode);
        var signing = SigningFor(authorityCode, type);
        var draft = Draft(command, type, Placeholder(type, authorityCode), signing.Certificate.AuthorityName, time.GetUtcNow());
        return new LintedRequest(command, type, signing, draft);
    }

    /// <summary>
    /// The licence as it would be signed now, with a placeholder identifier (the node assigns the real
    /// one at signing): every lint runs, nothing is written. What the console shows before an officer issues.
    /// </summary>
    public Licence Preview(IssueCommand command, Actor actor) => Lint(command, RequireAuthority(actor)).Draft;

    /// <summary>
    /// Every problem of an issue request at once, the first of each field, in the form's order: the same
    /// rules as <see cref="Preview"/> (which stops at the first), each judged on its own, so a form can show
    /// them all. Empty when <see cref="Preview"/> would succeed.
    /// </summary>
    public IReadOnlyList<LicenceTrustError> Problems(IssueCommand command, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(command);
        var problems = new List<LicenceTrustError>();
        bool Check(Action rule)
        {
            try
            {
                rule();
                return true;
            }
            catch (LicenceTrustException e)
            {
                if (!problems.Any(p => p.Field == e.Error.Field))
                {
                    problems.Add(e.Error);
                }

                return false;
            }
        }

        string authorityCode = string.Empty;
        LicenceType? type = null;
        if (!Check(() => authorityCode = RequireAuthority(actor)) || !Check(() => type = Lints.KnownType(options.LicenceTypes, Lints.CleanText(command.TypeCode, "typeCode") ?? string.Empty))
            || !Check(() => SigningFor(authorityCode, type!)))
        {
            return problems;
        }

        // The text policy field by field, then each rule on the fields it judges; a field already refused is not judged again.
        var clean = command with { Attributes = command.Attributes ?? new Dictionary<string, string>() };
        Check(() => clean = clean with { Number = Lints.CleanText(command.Number, "number") ?? string.Empty });
        Check(() => clean = clean with { HolderName = Lints.CleanText(command.HolderName, "holder.name") ?? string.Empty });
        Check(() => clean = clean with { HolderCodeType = Lints.CleanText(command.HolderCodeType, "holder.codeType") ?? string.Empty });
        Check(() => clean = clean with { HolderCode = Lints.CleanText(command.HolderCode, "holder.code") ?? string.Empty });
        Check(() => clean = clean with { AreaCode = Lints.CleanText(command.AreaCode, "areaCode") ?? string.Empty });
        Check(() => clean = clean with { Name = Lints.CleanText(command.Name, "name"), AuthorityName = Lints.CleanText(command.AuthorityName, "authorityName") });
        foreach (var (key, value) in clean.Attributes)
        {
            Check(() => Lints.CleanText(value, $"attributes.{key}"));
        }

        bool Open(string field) => problems.All(p => p.Field != field);
        var now = time.GetUtcNow();
        if (Open("holder.codeType") && Check(() => Lints.HolderCodeTypeAllowed(type!, clean.HolderCodeType)) && Open("holder.code"))
        {
            // A refused name stands aside for a placeholder, so the code is judged too.
            Check(() => Lints.Holder(Open("holder.name") ? clean.HolderName : "持证主体", Lints.HolderCodeTypeAllowed(type!, clean.HolderCodeType), clean.HolderCode));
        }

        if (Open("areaCode"))
        {
            Check(() => Lints.AreaInProvince(clean.AreaCode, options.Province));
        }

        Check(() => Lints.Attributes(type!, clean.Attributes));
        Check(() => Lints.Validity(clean.IssueDate ?? ChinaDate(now), clean.ValidFrom, clean.ValidTo, ChinaDate(now)));
        if (Open("number"))
        {
            Check(() => Lints.Text(clean.Number, Licence.MaxNumberLength, "number", "证照编号"));
        }

        if (problems.Count == 0)
        {
            // Anything the rules above do not reach (the licence's own invariants) is found as Preview finds it.
            Check(() => Preview(command, actor));
        }

        return problems;
    }

    /// <summary>
    /// The linted draft under its real identifier (same type and authority), its rules not run again: the
    /// lints ran once, in <see cref="Lint"/>, before anything was allocated.
    /// </summary>
    public static Licence Named(Licence draft, LicenceIdentifier identifier)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return Licence.Create(identifier, draft.Name, draft.Number, draft.Holder, draft.AuthorityName, draft.AreaCode, draft.IssueDate, draft.ValidFrom, draft.ValidTo, draft.Attributes);
    }

    private Licence Draft(IssueCommand command, LicenceType type, LicenceIdentifier identifier, string certificateAuthorityName, DateTimeOffset now)
    {
        var codeType = Lints.HolderCodeTypeAllowed(type, command.HolderCodeType);
        var holder = Lints.Holder(command.HolderName, codeType, command.HolderCode);
        Lints.AreaInProvince(command.AreaCode, options.Province);
        Lints.Attributes(type, command.Attributes);
        var issueDate = command.IssueDate ?? ChinaDate(now);
        Lints.Validity(issueDate, command.ValidFrom, command.ValidTo, ChinaDate(now));
        Lints.Text(command.Number, Licence.MaxNumberLength, "number", "证照编号");
        var name = command.Name ?? type.NameZh;
        Lints.Text(name, Licence.MaxNameLength, "name", "证照名称");
        var authorityName = command.AuthorityName ?? certificateAuthorityName;
        Lints.Text(authorityName, Licence.MaxNameLength, "authorityName", "证照颁发机构");
        return Licence.Create(identifier, name, command.Number, holder, authorityName, command.AreaCode, issueDate, command.ValidFrom, command.ValidTo, command.Attributes);
    }

    /// <summary>The identifier of serial <paramref name="serial"/> of the authority, in the year of <paramref name="now"/> (China time).</summary>
    public static LicenceIdentifier Identifier(LicenceType type, string authorityCode, long serial, DateTimeOffset now) =>
        LicenceIdentifier.Create(type.Code, UnifiedSocialCreditCode.Parse(authorityCode), $"{ChinaDate(now).Year}{serial:D8}");

    /// <summary>A well-formed identifier used only to lint a draft before anything is allocated.</summary>
    private static LicenceIdentifier Placeholder(LicenceType type, string authorityCode) =>
        LicenceIdentifier.Create(type.Code, UnifiedSocialCreditCode.Parse(authorityCode), "0");

    private static DateOnly ChinaDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(CredentialClaims.ChinaOffset).DateTime);

    /// <summary>The authority's key whose certificate is in force and allows the type (the newest, after a rotation); 403 when there is none.</summary>
    public IssuerSigning SigningFor(string authorityCode, LicenceType type) =>
        keys.Find(authorityCode, type.Code)
            ?? throw LicenceTrustException.Forbidden("TYPE_NOT_ALLOWED_FOR_AUTHORITY", $"本机构没有在有效期内且允许签发{type.NameZh}的签发证书 (no issuer certificate of yours in force now allows {type.NameEn}).");

    /// <summary>The authority code of an issuing authority whose key this node holds; 403 for anyone else.</summary>
    public string RequireAuthority(Actor actor)
    {
        if (actor.Role != ActorRole.Authority || actor.AuthorityCode is null)
        {
            throw LicenceTrustException.Forbidden("ROLE_NOT_ALLOWED", "只有颁发机构可以执行此操作 (only an issuing authority may do this).");
        }

        return keys.Knows(actor.AuthorityCode)
            ? actor.AuthorityCode
            : throw LicenceTrustException.Forbidden("AUTHORITY_UNKNOWN", "本节点没有该颁发机构的签发密钥 (this node holds no key of your authority).");
    }
}
