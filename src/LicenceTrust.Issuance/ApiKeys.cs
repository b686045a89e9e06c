using System.Security.Cryptography;
using System.Text;

namespace LicenceTrust.Issuance;

/// <summary>A stored API key: never the secret, only its SHA-256.</summary>
public sealed record ApiKeyRecord(string Id, string SecretHash, ActorRole Role, string Name, string? AuthorityCode, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>Where API keys are looked up (they are written through the issuance store, with their audit entry).</summary>
public interface IApiKeyStore
{
    Task<ApiKeyRecord?> FindAsync(string id, CancellationToken cancellationToken);
}

/// <summary>
/// API keys of the form <c>lt_&lt;12-hex id&gt;_&lt;43-char secret&gt;</c>. The secret has 256 random bits,
/// so a single SHA-256 is a sufficient hash (no password stretching needed); it is compared in
/// constant time. The clear key is shown once, at creation.
/// </summary>
public sealed class ApiKeyService(IApiKeyStore store, IIssuanceStore issuance, TimeProvider time)
{
    /// <summary>Creates a key; returns the clear key (shown once) and the stored record.</summary>
    public async Task<(string Key, ApiKeyRecord Record)> CreateAsync(ActorRole role, string name, string? authorityCode, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        name = Lints.CleanText(name, "name");
        if ((role == ActorRole.Authority) != (authorityCode is not null))
        {
            throw new ArgumentException("An authority key needs an authority code; other roles take none.", nameof(authorityCode));
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var record = new ApiKeyRecord(id, Hash(secret), role, name, authorityCode, now, null);
        await issuance.InTransactionAsync(async unit =>
        {
            await unit.InsertApiKeyAsync(record);
            await AuditChain.AppendAsync(unit, new AuditDraft(AuditEvents.ApiKeyCreated, "api_key.created", Actor.System.ToString(), id, $"role={role};authority={authorityCode};name={name}", now));
            return 0;
        }, cancellationToken);
        return ($"lt_{id}_{secret}", record);
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
