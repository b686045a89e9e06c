using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Issuance;

/// <summary>
/// What an officer may do in the authority console (docs/console.md, "Roles"). The business roles (clerk,
/// approver) and the three administrators (三员: system, security, auditor) are apart: see <see cref="DutySeparation"/>.
/// </summary>
[Flags]
public enum OfficerRoles
{
    None = 0,

    /// <summary>经办: enter drafts, supersede, suspend, request revocation or cancellation.</summary>
    Clerk = 1,

    /// <summary>审核: approve or reject drafts and requests, reinstate.</summary>
    Approver = 2,

    /// <summary>系统管理员: officers' accounts (asks for them; another system administrator approves).</summary>
    SystemAdmin = 4,

    /// <summary>安全管理员: API keys (asks for them; another security administrator approves) and the emergency withdrawal of an issuer.</summary>
    SecurityAdmin = 8,

    /// <summary>安全审计员: reads the audit log and the sign-in log and checks the chain; changes nothing.</summary>
    Auditor = 16,
}

/// <summary>An issuing authority's officer: one authority, some roles, the password only as a hash.</summary>
/// <param name="SessionEpoch">Moves on whenever the officer signs out, their password, roles or state change: a session made under an older epoch has ended.</param>
/// <param name="MustChangePassword">Set by a reset or an account an administrator made: every page but the password page sends the officer there until they choose their own.</param>
public sealed record Officer(string Username, string DisplayName, string AuthorityCode, OfficerRoles Roles, string PasswordHash, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt,
    long SessionEpoch = 0, bool MustChangePassword = false)
{
    /// <summary>
    /// Whether the officer holds the role. A business role held together with an administrator's (an account
    /// made before the roles were separated) counts for nothing: an administrator never gets a licence signed.
    /// </summary>
    public bool Has(OfficerRoles role) =>
        role != OfficerRoles.None && (Roles & role) == role && !((role & DutySeparation.Business) != 0 && IsAdministrator);

    /// <summary>Whether the officer holds any of the three administrators' roles (reads every authority's licences, read-only).</summary>
    public bool IsAdministrator => (Roles & DutySeparation.Administrators) != 0;

    /// <summary>The officer acting for their authority (issue, change status, read in full).</summary>
    public Actor AsAuthority => new(ActorRole.Authority, "officer:" + Username, AuthorityCode);

    /// <summary>An administrator reading across authorities (read-only; every write goes through <see cref="AsAuthority"/>).</summary>
    public Actor AsReader => IsAdministrator ? new Actor(ActorRole.Admin, "officer:" + Username) : AsAuthority;

    /// <summary>Refuses (403 <c>OFFICER_ROLE_REQUIRED</c>) unless the officer is active and holds the role.</summary>
    public void Require(OfficerRoles role)
    {
        if (!Has(role) || DisabledAt is not null)
        {
            var (zh, en) = DutySeparation.Name(role);
            throw LicenceTrustException.Forbidden("OFFICER_ROLE_REQUIRED", $"此操作需要{zh}角色 (this needs the {en} role).");
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
                "admin" or "sysadmin" or "系统管理员" or "管理员" => OfficerRoles.SystemAdmin,
                "security" or "secadmin" or "安全管理员" => OfficerRoles.SecurityAdmin,
                "auditor" or "安全审计员" or "审计员" => OfficerRoles.Auditor,
                _ => throw LicenceTrustException.Validation("ROLE_UNKNOWN", $"未知角色 {Core.Text.TextPolicy.Quote(part, 20)}，可选 clerk、approver、sysadmin、security、auditor (unknown role; use clerk, approver, sysadmin, security or auditor).", "roles"),
            };
        }

        return roles == OfficerRoles.None
            ? throw LicenceTrustException.Validation("ROLE_UNKNOWN", "至少需要一个角色：clerk、approver、sysadmin、security、auditor (give at least one role).", "roles")
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

    /// <summary>
    /// Sets the disabled time (null enables) and, when given, a new password hash and whether it must be changed;
    /// every update ends the officer's sessions (<see cref="Officer.SessionEpoch"/>). False when there is no such officer.
    /// </summary>
    Task<bool> UpdateAsync(string username, DateTimeOffset? disabledAt, string? passwordHash, bool? mustChangePassword, CancellationToken cancellationToken);

    /// <summary>Ends every session of the officer (<see cref="Officer.SessionEpoch"/> moves on); false when there is no such officer.</summary>
    Task<bool> EndSessionsAsync(string username, CancellationToken cancellationToken);
}

/// <summary>
/// Officers of the authority console: created by the node's operator at the CLI (or, in the console, through
/// <see cref="AdminRequests"/>), signed in under the node's <see cref="SignInThrottle"/> (backoff, then lockout),
/// signed out everywhere at once, changing their own passwords, disabled by a system administrator; every
/// step in the hash-chained audit.
/// </summary>
public sealed class OfficerAccounts(IOfficerStore store, IIssuanceTransactions issuance, TimeProvider time, SignInThrottle throttle)
{
    /// <summary>The throttle is shared with staff accounts; officers' runs are kept apart by this prefix.</summary>
    private const string ThrottlePrefix = "officer:";

    /// <summary>
    /// The node's operator creates an officer at the command line (the first administrators of a node): the
    /// operator holds the database and the keys already. In the console an officer is asked for by one system
    /// administrator and made when a second approves (<see cref="AdminRequests"/>).
    /// </summary>
    public async Task<Officer> CreateAsync(string username, string displayName, string authorityCode, OfficerRoles roles, string password, CancellationToken cancellationToken = default)
    {
        var (name, display, code) = CheckNew(username, displayName, authorityCode, roles);
        PasswordPolicy.Check(password, name);
        var officer = new Officer(name, display, code, roles, PasswordHasher.Hash(password), time.GetUtcNow(), null);
        if (!await store.InsertAsync(officer, cancellationToken))
        {
            throw LicenceTrustException.Conflict("USERNAME_TAKEN", $"用户名 {name} 已被使用 (the user name is taken).");
        }

        await Audit(AuditEvents.OfficerCreated, "officer.created", null, name, $"authority={code};roles={roles}", cancellationToken);
        return officer;
    }

    /// <summary>Checks a new officer's user name, name (the text policy), authority code and roles (<see cref="DutySeparation"/>); returns them clean.</summary>
    public static (string Username, string DisplayName, string AuthorityCode) CheckNew(string? username, string? displayName, string? authorityCode, OfficerRoles roles)
    {
        try
        {
            PasswordHasher.CheckUsername(username ?? string.Empty);
        }
        catch (ArgumentException e)
        {
            throw LicenceTrustException.Validation("USERNAME_INVALID", "用户名为1-64位字母、数字或 . - _ (" + e.Message + ")", "username");
        }

        var display = Lints.CleanText(displayName ?? string.Empty, "displayName").Trim();
        if (display.Length is 0 or > 50)
        {
            throw LicenceTrustException.Validation("FIELD_REQUIRED", "请填写1-50字的姓名 (give a name of 1-50 characters).", "displayName");
        }

        var code = (authorityCode ?? string.Empty).Trim().ToUpperInvariant();
        if (!UnifiedSocialCreditCode.TryParse(code, out _, out var codeError))
        {
            throw LicenceTrustException.Validation("AUTHORITY_CODE_INVALID", codeError, "authorityCode");
        }

        DutySeparation.Check(roles);
        return (username!, display, code);
    }

    /// <summary>Checks a password under the throttle (<see cref="SignInThrottle.AttemptAsync"/>); the failure that locks an existing officer is audited.</summary>
    /// <remarks>
    /// Every attempt is audited: <c>officer.signed_in</c>, or <c>officer.sign_in_failed</c> with why (a wrong
    /// password, backoff, lockout). An attempt under a name that is no officer's is audited as <c>(unknown)</c>:
    /// what was typed there may be a password typed in the wrong field, and it is not kept.
    /// </remarks>
    public async Task<SignInOutcome<Officer>> SignInAsync(string? username, string? password, CancellationToken cancellationToken = default)
    {
        var name = username is { Length: > 0 and <= 64 } ? username : string.Empty;
        Officer? known = null;
        var outcome = await throttle.AttemptAsync(ThrottlePrefix + name, password, async () => known = name.Length == 0 ? null : await store.FindAsync(name, cancellationToken),
            officer => officer.PasswordHash, officer => officer.DisabledAt is null,
            officer => Audit(AuditEvents.OfficerLockedOut, "officer.locked_out", null, officer.Username,
                $"failures={throttle.Options.LockoutAfter};minutes={throttle.Options.LockoutDuration.TotalMinutes}", cancellationToken),
            cancellationToken);
        if (outcome.Account is { } signedIn)
        {
            await Audit(AuditEvents.OfficerSignedIn, "officer.signed_in", signedIn, signedIn.Username, string.Empty, cancellationToken);
        }
        else
        {
            var why = outcome.LockedNow || outcome.Refused.Locked ? "locked" : !outcome.Refused.Allowed ? "backoff" : known is { DisabledAt: not null } ? "disabled" : "wrong_password";
            await Audit(AuditEvents.OfficerSignInFailed, "officer.sign_in_failed", null, known?.Username ?? "(unknown)", $"reason={why}", cancellationToken);
        }

        return outcome;
    }

    /// <summary>The officer as stored now (a session re-reads it, so a disabled officer's session ends).</summary>
    public Task<Officer?> FindAsync(string username, CancellationToken cancellationToken = default) => store.FindAsync(username, cancellationToken);

    /// <summary>Every officer's name by user name (any case), so pages show people by name, not by user name.</summary>
    public async Task<IReadOnlyDictionary<string, string>> NamesAsync(CancellationToken cancellationToken = default) =>
        (await store.ListAsync(cancellationToken)).ToDictionary(o => o.Username, o => o.DisplayName, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every officer, for an administrator (the system administrator manages them, the others read).</summary>
    public async Task<IReadOnlyList<Officer>> ListAsync(Officer by, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        if (!by.IsAdministrator)
        {
            by.Require(OfficerRoles.SystemAdmin);
        }

        return await store.ListAsync(cancellationToken);
    }

    /// <summary>
    /// A system administrator disables or enables an officer, alone: disabling takes power away, and enabling
    /// gives back an account whose password the administrator does not know. Not oneself (a node keeps an
    /// administrator who can act).
    /// </summary>
    public async Task SetDisabledAsync(string username, bool disabled, Officer by, CancellationToken cancellationToken = default)
    {
        RequireAdmin(by);
        if (disabled && string.Equals(username, by.Username, StringComparison.OrdinalIgnoreCase))
        {
            throw LicenceTrustException.Conflict("OFFICER_SELF_DISABLE", "不能停用自己的账户 (you cannot disable your own account).");
        }

        if (!await store.UpdateAsync(username, disabled ? time.GetUtcNow() : null, null, null, cancellationToken))
        {
            throw OfficerNotFound();
        }

        await Audit(disabled ? AuditEvents.OfficerDisabled : AuditEvents.OfficerEnabled, disabled ? "officer.disabled" : "officer.enabled", by, username, string.Empty, cancellationToken);
    }

    /// <summary>Ends a lockout in progress (a password was just reset).</summary>
    public void EndLockout(string username) => throttle.Succeeded(ThrottlePrefix + username);

    /// <summary>
    /// The officer changes their own password: the current one is checked, the new one must meet
    /// <see cref="PasswordPolicy"/> and differ from it. Every session of the officer ends (the caller signs the
    /// current one in again) and a pending forced change is done.
    /// </summary>
    /// <exception cref="LicenceTrustException">PASSWORD_WRONG (401), PASSWORD_TOO_SHORT, PASSWORD_WEAK or PASSWORD_UNCHANGED (400).</exception>
    public async Task<Officer> ChangeOwnPasswordAsync(Officer officer, string? current, string? password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(officer);
        if (!await PasswordHasher.MatchesAsync(current, officer.PasswordHash, cancellationToken))
        {
            throw new LicenceTrustException(new LicenceTrustError(ErrorKind.Unauthenticated, "PASSWORD_WRONG", "当前密码不正确 (the current password is wrong).", "current"));
        }

        PasswordPolicy.Check(password, officer.Username);
        if (string.Equals(current, password, StringComparison.Ordinal))
        {
            throw LicenceTrustException.Validation("PASSWORD_UNCHANGED", "新密码不能与当前密码相同 (the new password must differ from the current one).", "password");
        }

        await store.UpdateAsync(officer.Username, officer.DisabledAt, PasswordHasher.Hash(password), mustChangePassword: false, cancellationToken);
        await Audit(AuditEvents.OfficerPasswordChanged, "officer.password_changed", officer, officer.Username, string.Empty, cancellationToken);
        return await store.FindAsync(officer.Username, cancellationToken) ?? throw OfficerNotFound();
    }

    /// <summary>Signs the officer out everywhere: every session of theirs ends at once, on every replica.</summary>
    public async Task SignOutEverywhereAsync(Officer officer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(officer);
        await store.EndSessionsAsync(officer.Username, cancellationToken);
        await Audit(AuditEvents.OfficerSignedOut, "officer.signed_out", officer, officer.Username, string.Empty, cancellationToken);
    }

    /// <summary>Whether a session made at <paramref name="epoch"/> (its cookie says) is still the officer's current one.</summary>
    public static bool IsCurrent(Officer officer, long epoch) => officer is { DisabledAt: null } && officer.SessionEpoch == epoch;

    /// <summary>A system administrator.</summary>
    private static void RequireAdmin(Officer by)
    {
        ArgumentNullException.ThrowIfNull(by);
        by.Require(OfficerRoles.SystemAdmin);
    }

    internal static LicenceTrustException OfficerNotFound() =>
        LicenceTrustException.NotFound("OFFICER_NOT_FOUND", "未找到该账户 (no such officer).");

    private Task Audit(int eventId, string name, Officer? by, string subject, string data, CancellationToken cancellationToken) =>
        AuditChain.AppendAsync(issuance, new AuditDraft(eventId, name, by?.AsAuthority.ToString() ?? Actor.System.ToString(), subject, data, time.GetUtcNow()), cancellationToken);
}
