using Dapper;
using LicenceTrust.Issuance;

namespace LicenceTrust.Storage;

/// <summary>Console officers on any <see cref="IDatabase"/>; its SQL is the same in every dialect.</summary>
public sealed class OfficerStore(IDatabase database) : IOfficerStore
{
    private const string Columns = "username, display_name AS DisplayName, authority_code AS AuthorityCode, roles, password_hash AS PasswordHash, created_at AS CreatedAt, disabled_at AS DisabledAt";

    public const string FindSql = $"SELECT {Columns} FROM officers WHERE lower(username) = lower(@username)";

    public const string ListSql = $"SELECT {Columns} FROM officers ORDER BY username";

    public const string InsertSql = "INSERT INTO officers (username, display_name, authority_code, roles, password_hash, created_at) VALUES (@Username, @DisplayName, @AuthorityCode, @Roles, @PasswordHash, @CreatedAt)";

    public const string UpdateSql = "UPDATE officers SET disabled_at = @disabledAt, password_hash = COALESCE(@passwordHash, password_hash) WHERE lower(username) = lower(@username)";

    public async Task<Officer?> FindAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(FindSql, new { username }, cancellationToken: cancellationToken)))?.ToOfficer();
    }

    public async Task<IReadOnlyList<Officer>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. (await connection.QueryAsync<Row>(new CommandDefinition(ListSql, cancellationToken: cancellationToken))).Select(r => r.ToOfficer())];
    }

    public async Task<bool> InsertAsync(Officer officer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(officer);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        if (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(FindSql, new { username = officer.Username }, transaction, cancellationToken: cancellationToken)) is not null)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            officer.Username, officer.DisplayName, officer.AuthorityCode, Roles = (int)officer.Roles, officer.PasswordHash, CreatedAt = officer.CreatedAt.ToUnixTimeMilliseconds(),
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> UpdateAsync(string username, DateTimeOffset? disabledAt, string? passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(UpdateSql, new { username, disabledAt = disabledAt?.ToUnixTimeMilliseconds(), passwordHash }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return changed == 1;
    }

    private sealed class Row
    {
        public string Username { get; init; } = string.Empty;
        public string DisplayName { get; init; } = string.Empty;
        public string AuthorityCode { get; init; } = string.Empty;
        public long Roles { get; init; }
        public string PasswordHash { get; init; } = string.Empty;
        public long CreatedAt { get; init; }
        public long? DisabledAt { get; init; }

        public Officer ToOfficer() => new(Username, DisplayName, AuthorityCode, (OfficerRoles)Roles, PasswordHash, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
            DisabledAt is { } d ? DateTimeOffset.FromUnixTimeMilliseconds(d) : null);
    }
}
