using Dapper;
using LicenceTrust.Issuance;

namespace LicenceTrust.Storage;

/// <summary>API key look-ups on any <see cref="IDatabase"/>. Both API key statements are here; the insert runs in the issuance transaction.</summary>
public sealed class ApiKeyStore(IDatabase database) : IApiKeyStore
{
    public const string FindSql = "SELECT id, secret_hash AS SecretHash, role, name, authority_code AS AuthorityCode, created_at AS CreatedAt, revoked_at AS RevokedAt FROM api_keys WHERE id = @id";

    public const string ListSql = "SELECT id, secret_hash AS SecretHash, role, name, authority_code AS AuthorityCode, created_at AS CreatedAt, revoked_at AS RevokedAt FROM api_keys ORDER BY created_at DESC, id";

    public const string RevokeSql = "UPDATE api_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL";

    public const string InsertSql = "INSERT INTO api_keys (id, secret_hash, role, name, authority_code, created_at) VALUES (@Id, @SecretHash, @Role, @Name, @AuthorityCode, @CreatedAt)";

    public async Task<ApiKeyRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            FindSql,
            new { id }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. (await connection.QueryAsync<Row>(new CommandDefinition(ListSql, cancellationToken: cancellationToken))).Select(r => r.ToRecord())];
    }

    private sealed class Row
    {
        public string Id { get; init; } = string.Empty;
        public string SecretHash { get; init; } = string.Empty;
        public long Role { get; init; }
        public string Name { get; init; } = string.Empty;
        public string? AuthorityCode { get; init; }
        public long CreatedAt { get; init; }
        public long? RevokedAt { get; init; }

        public ApiKeyRecord ToRecord() => new(Id, SecretHash, (ActorRole)Role, Name, AuthorityCode,
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), RevokedAt is { } r ? DateTimeOffset.FromUnixTimeMilliseconds(r) : null);
    }
}
