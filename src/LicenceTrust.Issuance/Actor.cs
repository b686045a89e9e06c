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
}

/// <summary>Who is acting: role, a display name for the audit log, and the authority code for authorities.</summary>
public sealed record Actor(ActorRole Role, string Name, string? AuthorityCode = null)
{
    /// <summary>The node itself (demo seeding, migrations).</summary>
    public static Actor System { get; } = new(ActorRole.Admin, "system");

    public override string ToString() => AuthorityCode is null ? $"{Role}:{Name}" : $"{Role}:{Name}@{AuthorityCode}";
}
