using Dapper;

namespace LicenceTrust.Storage;

/// <summary>
/// The session-cookie key ring's elements (ASP.NET Core Data Protection XML, already encrypted by the
/// host), in the node's database so that every replica reads the same ring and a restart keeps it. Its
/// SQL is the same in every dialect.
/// </summary>
public sealed class SessionKeyStore(IDatabase database)
{
    public const string AllSql = "SELECT xml FROM session_keys ORDER BY created_at, name";

    public const string InsertSql = "INSERT INTO session_keys (name, xml, created_at) VALUES (@name, @xml, @createdAt)";

    public async Task<IReadOnlyList<string>> AllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(AllSql, cancellationToken: cancellationToken))];
    }

    /// <summary>Adds an element; a name is unique (the key's id), so a replica never replaces another's element.</summary>
    public async Task AddAsync(string name, string xml, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new { name, xml, createdAt = createdAt.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }
}
