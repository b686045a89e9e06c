using LicenceTrust.Core.Results;
using System.Security.Cryptography;
using System.Text;

namespace LicenceTrust.Issuance;

/// <summary>A stored API key: never the secret, only its SHA-256.</summary>
public sealed record ApiKeyRecord(string Id, string SecretHash, ActorRole Role, string Name, string? AuthorityCode, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>Where API keys are looked up (they are written through the issuance store, with their audit entry).</summary>
public interface IApiKeyStore
{
    Task<ApiKeyRecord?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every key, newest first (the secret's hash included; never shown).</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken);
}

/// <summary>
/// API keys of the form <c>lt_&lt;12-hex id&gt;_&lt;43-char secret&gt;</c>. The secret has 256 random bits,
/// so a single SHA-256 is a sufficient hash (no password stretching needed); it is compared in
/// constant time. The clear key is shown once, at creation.
/// </summary>
public sealed class ApiKeyService(IApiKeyStore store, IIssuanceTransactions issuance, TimeProvider time)
{
    /// <summary>Creates a key (the node's operator, at the CLI); returns the clear key (shown once) and the stored record.</summary>
    public Task<(string Key, ApiKeyRecord Record)> CreateAsync(ActorRole role, string name, string? authorityCode, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if ((role == ActorRole.Authority) != (authorityCode is not null))
        {
            throw new ArgumentException("An authority key needs an authority code; other roles take none.", nameof(authorityCode));
        }

        return CreateAsync(role, Lints.CleanText(name, "name")!, authorityCode, Actor.System, cancellationToken);
    }

    /// <summary>
    /// Checks a key asked for in the console (<see cref="AdminRequests.AskForApiKeyAsync"/>): the name under the
    /// text policy; an authority key needs the code of an authority whose key this node holds (given by
    /// <paramref name="knowsAuthority"/>), other roles take none. Returns the clean name and code.
    /// </summary>
    public static (string Name, string? AuthorityCode) CheckNew(ActorRole role, string? name, string? authorityCode, Func<string, bool> knowsAuthority)
    {
        ArgumentNullException.ThrowIfNull(knowsAuthority);
        if (!Enum.IsDefined(role))
        {
            throw LicenceTrustException.Validation("ROLE_UNKNOWN", "密钥角色应为颁发机构、合作方或管理员 (the key's role is authority, partner or admin).", "role");
        }

        var clean = Lints.CleanText(name?.Trim(), "name");
        if (string.IsNullOrEmpty(clean) || clean.Length > 100)
        {
            throw LicenceTrustException.Validation("FIELD_REQUIRED", "请填写密钥名称（最多100字） (give the key a name, up to 100 characters).", "name");
        }

        var code = string.IsNullOrWhiteSpace(authorityCode) ? null : authorityCode.Trim().ToUpperInvariant();
        if (role == ActorRole.Authority && (code is null || !knowsAuthority(code)))
        {
            throw LicenceTrustException.Validation("AUTHORITY_CODE_INVALID", "颁发机构密钥须填写本节点持有签发密钥的机构代码 (an authority key needs the code of an authority whose key this node holds).", "authorityCode");
        }

        return (clean, role == ActorRole.Authority ? code : null);
    }

    /// <summary>A new key: the clear key (shown once) and the record to store (its secret only as a hash).</summary>
    public static (string Key, ApiKeyRecord Record) NewKey(ActorRole role, string name, string? authorityCode, DateTimeOffset now)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return ($"lt_{id}_{secret}", new ApiKeyRecord(id, Hash(secret), role, name, authorityCode, now, null));
    }

    /// <summary>Every key, for the security administrator or the auditor: never a secret, only what identifies it.</summary>
    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(Officer admin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(admin);
        if (!admin.Has(OfficerRoles.Auditor))
        {
            admin.Require(OfficerRoles.SecurityAdmin);
        }

        return store.ListAsync(cancellationToken);
    }

    /// <summary>A security administrator revokes a key at once, alone (it only takes power away): every later request with it is 401, audited. A key is revoked once.</summary>
    public async Task<ApiKeyRecord> RevokeAsync(string id, Officer admin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(admin);
        admin.Require(OfficerRoles.SecurityAdmin);
        var record = await store.FindAsync(id ?? string.Empty, cancellationToken)
            ?? throw LicenceTrustException.NotFound("API_KEY_NOT_FOUND", "没有该API密钥 (no such API key).");
        var now = time.GetUtcNow();
        await issuance.InTransactionAsync(async unit =>
        {
            if (!await unit.RevokeApiKeyAsync(record.Id, now))
            {
                throw LicenceTrustException.Conflict("API_KEY_ALREADY_REVOKED", "该API密钥已被吊销 (the key is already revoked).");
            }

            await AuditChain.AppendAsync(unit, new AuditDraft(AuditEvents.ApiKeyRevoked, "api_key.revoked", admin.AsReader.ToString(), record.Id, $"role={record.Role};authority={record.AuthorityCode}", now));
            return 0;
        }, cancellationToken);
        return record with { RevokedAt = now };
    }

    /// <summary>Stores a key whose name the caller has already put through the text policy.</summary>
    private async Task<(string Key, ApiKeyRecord Record)> CreateAsync(ActorRole role, string name, string? authorityCode, Actor by, CancellationToken cancellationToken)
    {
        var (key, record) = NewKey(role, name, authorityCode, time.GetUtcNow());
        await issuance.InTransactionAsync(async unit =>
        {
            await unit.InsertApiKeyAsync(record);
            await AuditChain.AppendAsync(unit, new AuditDraft(AuditEvents.ApiKeyCreated, "api_key.created", by.ToString(), record.Id, $"role={role};authority={authorityCode};name={name}", record.CreatedAt));
            return 0;
        }, cancellationToken);
        return (key, record);
    }

    /// <summary>The actor a presented key stands for, or null for an unknown, malformed or revoked key.</summary>
    public async Task<Actor?> AuthenticateAsync(string? presented, CancellationToken cancellationToken = default)
    {
        if (presented is not { Length: 59 } || !presented.StartsWith("lt_", StringComparison.Ordinal) || presented[15] != '_')
        {
            return null;
        }

        var record = await store.FindAsync(presented[3..15], cancellationToken);
        if (record is null || record.RevokedAt is not null)
        {
            return null;
        }

        var match = CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Hash(presented[16..])), Encoding.ASCII.GetBytes(record.SecretHash));
        return match ? new Actor(record.Role, record.Name, record.AuthorityCode) : null;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
