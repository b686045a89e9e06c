namespace LicenceTrust.Issuance;

/// <summary>The roles that act on licences (docs/api.md, "Authentication and roles").</summary>
public enum ActorRole
{
    /// <summary>An issuing authority's system: its own licences only.</summary>
    Authority = 1,

    /// <summary>A partner system: verification only.</summary>
    Partner = 2,

    /// <summary>Node administration.</summary>
    Admin = 3,

    /// <summary>
    /// The province's own service app for holders (渝快办, 天府通办): it has identified the holder, and makes their
    /// one-time consent codes and reads their usage log (docs/federation.md §9.2). Nothing else.
    /// </summary>
    HolderApp = 4,
}

/// <summary>Who is acting: role, a display name for the audit log, and the authority code for authorities.</summary>
public sealed record Actor(ActorRole Role, string Name, string? AuthorityCode = null)
{
    /// <summary>The node itself (demo seeding, migrations).</summary>
    public static Actor System { get; } = new(ActorRole.Admin, "system");

    public override string ToString() => AuthorityCode is null ? $"{Role}:{Name}" : $"{Role}:{Name}@{AuthorityCode}";
}
