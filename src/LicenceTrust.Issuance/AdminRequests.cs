using System.Security.Cryptography;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Issuance;

/// <summary>What one administrator asks and a second one decides (双人复核).</summary>
public enum AdminRequestKind
{
    /// <summary>A new officer: approving it makes the account, with a first password shown once to the approver.</summary>
    NewOfficer = 1,

    /// <summary>A new password for an officer: approving it sets one, shown once to the approver, and ends the officer's sessions.</summary>
    PasswordReset = 2,

    /// <summary>A new API key: approving it makes the key, shown once to the approver.</summary>
    NewApiKey = 3,

    /// <summary>New roles for an officer: approving sets them and ends the officer's sessions (no secret is made).</summary>
    RoleChange = 4,
}

/// <summary>What is asked for: an officer's user name, name, authority and roles; or a key's role, name and authority.</summary>
public sealed record AdminRequestDetails(
    string? Username = null,
    string? DisplayName = null,
    string? AuthorityCode = null,
    OfficerRoles Roles = OfficerRoles.None,
    ActorRole? KeyRole = null,
    string? KeyName = null);

/// <summary>An administrator's request waiting for a second administrator of the same kind.</summary>
/// <param name="Id">Assigned by the store.</param>
/// <param name="Result">What approving it made: the officer's user name or the key's id.</param>
public sealed record AdminRequest(
    long Id,
    AdminRequestKind Kind,
    AdminRequestDetails Details,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    ApprovalState State = ApprovalState.Pending,
    string? DecidedBy = null,
    DateTimeOffset? DecidedAt = null,
    string? DecisionReason = null,
    string? Result = null)
{
    /// <summary>Who decides it: a second system administrator for accounts, a second security administrator for keys.</summary>
    public OfficerRoles DecidedByRole => Kind == AdminRequestKind.NewApiKey ? OfficerRoles.SecurityAdmin : OfficerRoles.SystemAdmin;

    /// <summary>The officer or key it is about, for lists and the audit log.</summary>
    public string Subject => Details.Username ?? Details.KeyName ?? string.Empty;
}

/// <summary>An approved request and the secret it made (a first password or an API key), shown once, to the approver only; empty for a role change.</summary>
public sealed record AdminDecision(AdminRequest Request, string Secret);

/// <summary>
/// No administrator acts alone (docs/console.md, "No one acts alone"). A system administrator asks for an
/// officer or a new password, a security administrator for an API key; a second administrator of the same
/// kind, never the one who asked nor (for a password) its owner, approves it. Only then is the account, the
/// password or the key made, in the same transaction as the decision and their audit entries, and the secret
/// is shown to the approver alone: the one who asked never sees it, the one who sees it could not have asked.
/// An officer's first password must be changed at the first sign-in. Thread-safe.
/// </summary>
public sealed class AdminRequests(IIssuanceStore store, OfficerAccounts officers, IIssuerKeys keys, TimeProvider time)
{
    /// <summary>A system administrator asks for a new officer. Checked in full now; the password is made on approval.</summary>
    public async Task<AdminRequest> AskForOfficerAsync(string? username, string? displayName, string? authorityCode, OfficerRoles roles, Officer by, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        by.Require(OfficerRoles.SystemAdmin);
        var (name, display, code) = OfficerAccounts.CheckNew(username, displayName, authorityCode, roles);
        if ((roles & DutySeparation.Business) != 0 && !keys.Knows(code))
        {
            throw LicenceTrustException.Validation("AUTHORITY_CODE_INVALID", "本节点没有该机构的签发密钥：经办和审核只能属于本节点签发证照的机构 (this node holds no key of that authority: clerks and approvers belong to an authority that issues here).", "authorityCode");
        }

        if (await officers.FindAsync(name, cancellationToken) is not null)
        {
            throw UsernameTaken(name);
        }

        return await AskAsync(AdminRequestKind.NewOfficer, new AdminRequestDetails(name, display, code, roles), by, cancellationToken);
    }

    /// <summary>A system administrator asks for a new password for another officer.</summary>
    public async Task<AdminRequest> AskForPasswordResetAsync(string? username, Officer by, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        by.Require(OfficerRoles.SystemAdmin);
        var officer = await officers.FindAsync(username ?? string.Empty, cancellationToken) ?? throw OfficerAccounts.OfficerNotFound();
        if (string.Equals(officer.Username, by.Username, StringComparison.OrdinalIgnoreCase))
        {
            throw SelfReset();
        }

        return await AskAsync(AdminRequestKind.PasswordReset, new AdminRequestDetails(officer.Username, officer.DisplayName, officer.AuthorityCode, officer.Roles), by, cancellationToken);
    }

    /// <summary>
    /// A system administrator asks for new roles for another officer: checked now as a new account's roles
    /// (<see cref="DutySeparation"/>, business roles only at an authority this node issues for). A role
    /// change can give signing power (a clerk made approver), so it waits for a second system
    /// administrator like a new account; on approval the officer's sessions end.
    /// </summary>
    public async Task<AdminRequest> AskForRoleChangeAsync(string? username, OfficerRoles roles, Officer by, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        by.Require(OfficerRoles.SystemAdmin);
        var officer = await officers.FindAsync(username ?? string.Empty, cancellationToken) ?? throw OfficerAccounts.OfficerNotFound();
        if (string.Equals(officer.Username, by.Username, StringComparison.OrdinalIgnoreCase))
        {
            throw SelfRoleChange();
        }

        DutySeparation.Check(roles);
        if (roles == officer.Roles)
        {
            throw LicenceTrustException.Validation("ROLES_UNCHANGED", "所选角色与该账户现有角色相同 (the officer holds these roles already).", "roles");
        }

        if ((roles & DutySeparation.Business) != 0 && !keys.Knows(officer.AuthorityCode))
        {
            throw LicenceTrustException.Validation("AUTHORITY_CODE_INVALID", "本节点没有该机构的签发密钥：经办和审核只能属于本节点签发证照的机构 (this node holds no key of that authority: clerks and approvers belong to an authority that issues here).", "roles");
        }

        return await AskAsync(AdminRequestKind.RoleChange, new AdminRequestDetails(officer.Username, officer.DisplayName, officer.AuthorityCode, roles), by, cancellationToken);
    }

    /// <summary>A security administrator asks for an API key (an authority key needs the code of an authority whose key this node holds).</summary>
    public Task<AdminRequest> AskForApiKeyAsync(ActorRole role, string? name, string? authorityCode, Officer by, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        by.Require(OfficerRoles.SecurityAdmin);
        var (clean, code) = ApiKeyService.CheckNew(role, name, authorityCode, keys.Knows);
        return AskAsync(AdminRequestKind.NewApiKey, new AdminRequestDetails(AuthorityCode: code, KeyRole: role, KeyName: clean), by, cancellationToken);
    }

    /// <summary>
    /// The requests an administrator sees: a system administrator the account requests, a security administrator
    /// the key requests, an auditor all of them (read-only). Oldest first, so none waits unseen.
    /// </summary>
    public async Task<IReadOnlyList<AdminRequest>> ListAsync(Officer by, ApprovalState? state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        if (!by.IsAdministrator)
        {
            by.Require(OfficerRoles.SystemAdmin);
        }

        var all = await store.ListAdminRequestsAsync(state, cancellationToken);
        return by.Has(OfficerRoles.Auditor) ? all : [.. all.Where(r => by.Has(r.DecidedByRole))];
    }

    /// <summary>
    /// A second administrator approves: the account, password or key is made with the decision, in one
    /// transaction with their audit entries; the secret is returned once.
    /// </summary>
    /// <exception cref="LicenceTrustException">OFFICER_ROLE_REQUIRED, APPROVAL_OWN_REQUEST, OFFICER_SELF_RESET, APPROVAL_NOT_FOUND, APPROVAL_ALREADY_DECIDED, USERNAME_TAKEN.</exception>
    public async Task<AdminDecision> ApproveAsync(long id, Officer by, CancellationToken cancellationToken = default)
    {
        var request = await DecidableAsync(id, by, cancellationToken);
        if (string.Equals(request.RequestedBy, by.Username, StringComparison.OrdinalIgnoreCase))
        {
            throw LicenceTrustException.Forbidden("APPROVAL_OWN_REQUEST", "不能复核自己提交的申请，须由另一位管理员复核 (you cannot approve your own request: another administrator must).");
        }

        if (request.Kind is AdminRequestKind.PasswordReset or AdminRequestKind.RoleChange && string.Equals(request.Details.Username, by.Username, StringComparison.OrdinalIgnoreCase))
        {
            throw request.Kind == AdminRequestKind.PasswordReset ? SelfReset() : SelfRoleChange();
        }

        var now = time.GetUtcNow();
        var actor = by.AsReader.ToString();
        var why = $"request={request.Id};requested_by={request.RequestedBy}";
        var (secret, result) = await store.InTransactionAsync(async unit =>
        {
            // Made first, so the decision records what was made; a decision that finds the request decided
            // meanwhile throws, and the transaction takes back what was made.
            var made = await MakeAsync(unit, request, actor, why, now);
            if (!await unit.DecideAdminRequestAsync(request.Id, ApprovalState.Approved, by.Username, now, null, made.Result))
            {
                throw AlreadyDecided();
            }

            await AuditChain.AppendAsync(unit, new AuditDraft(AuditEvents.AdminRequestApproved, "admin_request.approved", actor, request.Subject, $"request={request.Id};kind={request.Kind};result={made.Result}", now));
            return made;
        }, cancellationToken);

        if (request.Kind == AdminRequestKind.PasswordReset)
        {
            officers.EndLockout(request.Details.Username!);
        }

        return new AdminDecision(request with { State = ApprovalState.Approved, DecidedBy = by.Username, DecidedAt = now, Result = result }, secret);
    }

    /// <summary>An administrator of the kind (the one who asked included: a request withdrawn) rejects it with a reason.</summary>
    public async Task<AdminRequest> RejectAsync(long id, string? reason, Officer by, CancellationToken cancellationToken = default)
    {
        var request = await DecidableAsync(id, by, cancellationToken);
        var why = Lints.Reason(reason);
        var now = time.GetUtcNow();
        await store.InTransactionAsync(async unit =>
        {
            if (!await unit.DecideAdminRequestAsync(request.Id, ApprovalState.Rejected, by.Username, now, why, null))
            {
                throw AlreadyDecided();
            }

            await AuditChain.AppendAsync(unit, new AuditDraft(AuditEvents.AdminRequestRejected, "admin_request.rejected", by.AsReader.ToString(), request.Subject, $"request={request.Id};kind={request.Kind}", now));
            return 0;
        }, cancellationToken);
        return request with { State = ApprovalState.Rejected, DecidedBy = by.Username, DecidedAt = now, DecisionReason = why };
    }

    private async Task<AdminRequest> AskAsync(AdminRequestKind kind, AdminRequestDetails details, Officer by, CancellationToken cancellationToken)
    {
        var subject = details.Username ?? details.KeyName ?? string.Empty;
        var pending = await store.ListAdminRequestsAsync(ApprovalState.Pending, cancellationToken);
        if (kind != AdminRequestKind.NewApiKey && pending.Any(r => r.Kind != AdminRequestKind.NewApiKey && string.Equals(r.Details.Username, details.Username, StringComparison.OrdinalIgnoreCase)))
        {
            throw LicenceTrustException.Conflict("REQUEST_ALREADY_PENDING", $"账户 {details.Username} 已有待复核的申请 (a request for {details.Username} is already waiting).");
        }

        var request = new AdminRequest(0, kind, details, by.Username, time.GetUtcNow());
        var id = await store.InTransactionAsync(async unit =>
        {
            var id = await unit.InsertAdminRequestAsync(request);
            await AuditChain.AppendAsync(unit, new AuditDraft(AuditEvents.AdminRequestSubmitted, "admin_request.submitted", by.AsReader.ToString(), subject, Describe(kind, details, id), request.RequestedAt));
            return id;
        }, cancellationToken);
        return request with { Id = id };
    }

    private async Task<AdminRequest> DecidableAsync(long id, Officer by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        var request = await store.FindAdminRequestAsync(id, cancellationToken)
            ?? throw LicenceTrustException.NotFound("APPROVAL_NOT_FOUND", "没有该申请 (no such request).");
        by.Require(request.DecidedByRole);
        return request.State == ApprovalState.Pending ? request : throw AlreadyDecided();
    }

    /// <summary>Makes what the request asks for, in the decision's transaction: the secret and what it made.</summary>
    private static async Task<(string Secret, string Result)> MakeAsync(IIssuanceUnit unit, AdminRequest request, string actor, string why, DateTimeOffset now)
    {
        var details = request.Details;
        switch (request.Kind)
        {
            case AdminRequestKind.NewOfficer:
            {
                var password = FirstPassword(details.Username!);
                var officer = new Officer(details.Username!, details.DisplayName!, details.AuthorityCode!, details.Roles, PasswordHasher.Hash(password), now, null, MustChangePassword: true);
                if (!await unit.InsertOfficerAsync(officer))
                {
                    throw UsernameTaken(officer.Username);
                }

                await AuditChain.AppendAsync(unit, new AuditDraft(AuditEvents.OfficerCreated, "officer.created", actor, officer.Username, $"authority={officer.AuthorityCode};roles={officer.Roles};{why}", now));
                return (password, officer.Username);
            }

            case AdminRequestKind.PasswordReset:
            {
                var password = FirstPassword(details.Username!);
                if (!await unit.SetOfficerPasswordAsync(details.Username!, PasswordHasher.Hash(password), mustChange: true))
                {
                    throw OfficerAccounts.OfficerNotFound();
                }

                await AuditChain.AppendAsync(unit, new AuditDraft(AuditEvents.OfficerPasswordReset, "officer.password_reset", actor, details.Username!, why, now));
                return (password, details.Username!);
            }

            case AdminRequestKind.RoleChange:
            {
                var before = await unit.SetOfficerRolesAsync(details.Username!, details.Roles) ?? throw OfficerAccounts.OfficerNotFound();
                await AuditChain.AppendAsync(unit, new AuditDraft(AuditEvents.OfficerRolesChanged, "officer.roles_changed", actor, details.Username!, $"from={before};to={details.Roles};{why}", now));
                return (string.Empty, details.Username!);
            }

            default:
            {
                var (key, record) = ApiKeyService.NewKey(details.KeyRole!.Value, details.KeyName!, details.AuthorityCode, now);
                await unit.InsertApiKeyAsync(record);
                await AuditChain.AppendAsync(unit, new AuditDraft(AuditEvents.ApiKeyCreated, "api_key.created", actor, record.Id, $"role={record.Role};authority={record.AuthorityCode};name={record.Name};{why}", now));
                return (key, record.Id);
            }
        }
    }

    /// <summary>
    /// A first password: 16 characters from 54 that cannot be misread (no 0/O, 1/l/I), in groups of four, so it
    /// can be read out over the telephone; about 92 bits. Always meets <see cref="PasswordPolicy"/>.
    /// </summary>
    public static string FirstPassword(string username)
    {
        const string Alphabet = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
        while (true)
        {
            var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 16);
            var password = string.Join('-', new string(chars).Chunk(4).Select(c => new string(c)));
            if (PasswordPolicy.Problem(password, username) is null)
            {
                return password;
            }
        }
    }

    private static string Describe(AdminRequestKind kind, AdminRequestDetails details, long id) => kind switch
    {
        AdminRequestKind.NewApiKey => $"request={id};kind={kind};role={details.KeyRole};authority={details.AuthorityCode}",
        _ => $"request={id};kind={kind};authority={details.AuthorityCode};roles={details.Roles}",
    };

    private static LicenceTrustException AlreadyDecided() =>
        LicenceTrustException.Conflict("APPROVAL_ALREADY_DECIDED", "该申请已被复核 (the request was already decided).");

    private static LicenceTrustException SelfReset() =>
        LicenceTrustException.Conflict("OFFICER_SELF_RESET", "不能重置自己的密码，请在「我的账户」中修改 (you cannot reset your own password; change it under My account).");

    private static LicenceTrustException SelfRoleChange() =>
        LicenceTrustException.Conflict("OFFICER_SELF_ROLES", "管理员不能变更自己的角色，须由另外两位系统管理员申请和复核 (an administrator cannot change their own roles: two other system administrators ask and approve).");

    private static LicenceTrustException UsernameTaken(string username) =>
        LicenceTrustException.Conflict("USERNAME_TAKEN", $"用户名 {username} 已被使用 (the user name is taken).");
}
