using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Issuance;

/// <summary>What an officer may do in the authority console (docs/console.md, "Roles").</summary>
[Flags]
public enum OfficerRoles
{
    None = 0,

    /// <summary>经办: enter drafts, supersede, suspend, request revocation or cancellation.</summary>
    Clerk = 1,

    /// <summary>审核: approve or reject drafts and requests, reinstate.</summary>
    Approver = 2,

    /// <summary>管理员: officers, API keys, trust; reads every authority's licences.</summary>
    Admin = 4,
}

/// <summary>An issuing authority's officer: one authority, some roles, the password only as a hash.</summary>
public sealed record Officer(string Username, string DisplayName, string AuthorityCode, OfficerRoles Roles, string PasswordHash, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt)
{
    public bool Has(OfficerRoles role) => role != OfficerRoles.None && (Roles & role) == role;

    /// <summary>The officer acting for their authority (issue, change status, read in full).</summary>
    public Actor AsAuthority => new(ActorRole.Authority, "officer:" + Username, AuthorityCode);

    /// <summary>The admin reading across authorities (read-only; every write goes through <see cref="AsAuthority"/>).</summary>
    public Actor AsReader => Has(OfficerRoles.Admin) ? new Actor(ActorRole.Admin, "officer:" + Username) : AsAuthority;

    /// <summary>Refuses (403 <c>OFFICER_ROLE_REQUIRED</c>) unless the officer is active and holds the role.</summary>
    public void Require(OfficerRoles role)
    {
        if (!Has(role) || DisabledAt is not null)
        {
            var name = role switch { OfficerRoles.Clerk => "经办", OfficerRoles.Approver => "审核", _ => "管理员" };
            throw LicenceTrustException.Forbidden("OFFICER_ROLE_REQUIRED", $"此操作需要{name}角色 (this needs the {role.ToString().ToLowerInvariant()} role).");
        }
    }

    /// <summary>Parses "clerk,approver" (or the Chinese names 经办, 审核, 管理员).</summary>
    public static OfficerRoles ParseRoles(string? text)
    {
        var roles = OfficerRoles.None;
        foreach (var part in (text ?? string.Empty).Split([',', ' ', '，', '、'], StringSplitOptions.RemoveEmptyEntries))
        {
            roles |= part.ToLowerInvariant() switch
            {
                "clerk" or "经办" => OfficerRoles.Clerk,
                "approver" or "审核" => OfficerRoles.Approver,
                "admin" or "管理员" => OfficerRoles.Admin,
                _ => throw LicenceTrustException.Validation("ROLE_UNKNOWN", $"未知角色 {Core.Text.TextPolicy.Quote(part, 20)}，可选 clerk、approver、admin (unknown role; use clerk, approver or admin).", "roles"),
            };
        }

        return roles == OfficerRoles.None
            ? throw LicenceTrustException.Validation("ROLE_UNKNOWN", "至少需要一个角色：clerk、approver、admin (give at least one role: clerk, approver, admin).", "roles")
            : roles;
    }
}

/// <summary>Where officers are kept.</summary>
public interface IOfficerStore
{
    Task<Officer?> FindAsync(string username, CancellationToken cancellationToken);

    /// <summary>Stores a new officer; false when the user name is taken.</summary>
    Task<bool> InsertAsync(Officer officer, CancellationToken cancellationToken);

    /// <summary>Every officer, by user name.</summary>
    Task<IReadOnlyList<Officer>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Sets the disabled time (null enables) and, when given, a new password hash; false when there is no such officer.</summary>
    Task<bool> UpdateAsync(string username, DateTimeOffset? disabledAt, string? passwordHash, CancellationToken cancellationToken);
}

/// <summary>
/// Officers of the authority console: created by the CLI or by an admin officer, signed in under the
/// node's <see cref="SignInThrottle"/> (backoff, then lockout, audited), disabled and given new
/// passwords by an admin, each step in the hash-chained audit.
/// </summary>
public sealed class OfficerAccounts(IOfficerStore store, IIssuanceStore issuance, TimeProvider time, SignInThrottle throttle)
{
    /// <summary>The throttle is shared with staff accounts; officers' runs are kept apart by this prefix.</summary>
    private const string ThrottlePrefix = "officer:";

    /// <summary>Creates an officer. <paramref name="by"/> is the admin officer, or null for the CLI (the node's operator).</summary>
    public async Task<Officer> CreateAsync(string username, string displayName, string authorityCode, OfficerRoles roles, string password, Officer? by, CancellationToken cancellationToken = default)
    {
        RequireAdmin(by);
        try
        {
            PasswordHasher.CheckUsername(username);
        }
        catch (ArgumentException e)
        {
            throw LicenceTrustException.Validation("USERNAME_INVALID", "用户名为1-64位字母、数字或 . - _ (" + e.Message + ")", "username");
        }

        displayName = Lints.CleanText(displayName ?? string.Empty, "displayName").Trim();
        if (displayName.Length is 0 or > 50)
        {
            throw LicenceTrustException.Validation("FIELD_REQUIRED", "请填写1-50字的姓名 (give a name of 1-50 characters).", "displayName");
        }

        if (!UnifiedSocialCreditCode.TryParse(authorityCode, out _, out var codeError))
        {
            throw LicenceTrustException.Validation("AUTHORITY_CODE_INVALID", codeError, "authorityCode");
        }

        if (roles == OfficerRoles.None || roles > (OfficerRoles.Clerk | OfficerRoles.Approver | OfficerRoles.Admin))
        {
            throw LicenceTrustException.Validation("ROLE_UNKNOWN", "至少需要一个角色 (give at least one role).", "roles");
        }

        var hash = HashOf(password);

        var now = time.GetUtcNow();
        var officer = new Officer(username, displayName, authorityCode, roles, hash, now, null);
        if (!await store.InsertAsync(officer, cancellationToken))
        {
            throw LicenceTrustException.Conflict("USERNAME_TAKEN", $"用户名 {username} 已被使用 (the user name is taken).");
        }

        await Audit(AuditEvents.OfficerCreated, "officer.created", by, username, $"authority={authorityCode};roles={roles}", cancellationToken);
        return officer;
    }

    /// <summary>Checks a password under the throttle (<see cref="SignInThrottle.AttemptAsync"/>); the failure that locks an existing officer is audited.</summary>
    public Task<SignInOutcome<Officer>> SignInAsync(string? username, string? password, CancellationToken cancellationToken = default)
    {
        var name = username is { Length: > 0 and <= 64 } ? username : string.Empty;
        return throttle.AttemptAsync(ThrottlePrefix + name, password, () => name.Length == 0 ? Task.FromResult<Officer?>(null) : store.FindAsync(name, cancellationToken),
            officer => officer.PasswordHash, officer => officer.DisabledAt is null,
            officer => Audit(AuditEvents.OfficerLockedOut, "officer.locked_out", null, officer.Username,
                $"failures={throttle.Options.LockoutAfter};minutes={throttle.Options.LockoutDuration.TotalMinutes}", cancellationToken),
            cancellationToken);
    }

    /// <summary>The officer as stored now (a session re-reads it, so a disabled officer's session ends).</summary>
    public Task<Officer?> FindAsync(string username, CancellationToken cancellationToken = default) => store.FindAsync(username, cancellationToken);

    public async Task<IReadOnlyList<Officer>> ListAsync(Officer by, CancellationToken cancellationToken = default)
    {
        RequireAdmin(by);
        return await store.ListAsync(cancellationToken);
    }

    /// <summary>Disables or enables an officer; an admin cannot disable themselves (a node must keep one admin who can act).</summary>
    public async Task SetDisabledAsync(string username, bool disabled, Officer by, CancellationToken cancellationToken = default)
    {
        RequireAdmin(by);
        if (disabled && string.Equals(username, by.Username, StringComparison.OrdinalIgnoreCase))
        {
            throw LicenceTrustException.Conflict("OFFICER_SELF_DISABLE", "不能停用自己的账户 (you cannot disable your own account).");
        }

        if (!await store.UpdateAsync(username, disabled ? time.GetUtcNow() : null, null, cancellationToken))
        {
            throw OfficerNotFound();
        }

        await Audit(disabled ? AuditEvents.OfficerDisabled : AuditEvents.OfficerEnabled, disabled ? "officer.disabled" : "officer.enabled", by, username, string.Empty, cancellationToken);
    }

    /// <summary>Sets a new password (an admin resetting it); a lockout in progress ends.</summary>
    public async Task ResetPasswordAsync(string username, string password, Officer by, CancellationToken cancellationToken = default)
    {
        RequireAdmin(by);
        var hash = HashOf(password);

        var officer = await store.FindAsync(username, cancellationToken) ?? throw OfficerNotFound();
        await store.UpdateAsync(username, officer.DisabledAt, hash, cancellationToken);
        throttle.Succeeded(ThrottlePrefix + username);
        await Audit(AuditEvents.OfficerPasswordReset, "officer.password_reset", by, username, string.Empty, cancellationToken);
    }

    /// <summary>An admin officer, or nobody (the CLI: the node's operator).</summary>
    private static void RequireAdmin(Officer? by) => by?.Require(OfficerRoles.Admin);

    private static string HashOf(string password)
    {
        try
        {
            return PasswordHasher.Hash(password);
        }
        catch (ArgumentException)
        {
            throw LicenceTrustException.Validation("PASSWORD_TOO_SHORT", $"密码需{PasswordHasher.MinPasswordLength}-{PasswordHasher.MaxPasswordLength}个字符 (the password needs {PasswordHasher.MinPasswordLength}-{PasswordHasher.MaxPasswordLength} characters).", "password");
        }
    }

    private static LicenceTrustException OfficerNotFound() =>
        LicenceTrustException.NotFound("OFFICER_NOT_FOUND", "未找到该账户 (no such officer).");

    private Task Audit(int eventId, string name, Officer? by, string subject, string data, CancellationToken cancellationToken) =>
        AuditChain.AppendAsync(issuance, new AuditDraft(eventId, name, by?.AsAuthority.ToString() ?? Actor.System.ToString(), subject, data, time.GetUtcNow()), cancellationToken);
}
