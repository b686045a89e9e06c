using Dapper;
using LicenceTrust.Issuance;

namespace LicenceTrust.Storage;

/// <summary>Console officers on any <see cref="IDatabase"/>; its SQL is the same in every dialect.</summary>
public sealed class OfficerStore(IDatabase database) : IOfficerStore
{
    private const string Columns = "username, display_name AS DisplayName, authority_code AS AuthorityCode, roles, password_hash AS PasswordHash, created_at AS CreatedAt, disabled_at AS DisabledAt, " +
        "session_epoch AS SessionEpoch, must_change_password AS MustChangePassword";

    public const string FindSql = $"SELECT {Columns} FROM officers WHERE lower(username) = lower(@username)";

    public const string ListSql = $"SELECT {Columns} FROM officers ORDER BY username";

    public const string InsertSql = "INSERT INTO officers (username, display_name, authority_code, roles, password_hash, created_at, must_change_password) " +
        "VALUES (@Username, @DisplayName, @AuthorityCode, @Roles, @PasswordHash, @CreatedAt, @MustChangePassword)";

    // Every change to an officer ends their sessions: the epoch their cookies carry moves on.
    public const string UpdateSql = "UPDATE officers SET disabled_at = @disabledAt, password_hash = COALESCE(@passwordHash, password_hash), " +
        "must_change_password = COALESCE(@mustChangePassword, must_change_password), session_epoch = session_epoch + 1 WHERE lower(username) = lower(@username)";

    public const string SetPasswordSql = "UPDATE officers SET password_hash = @passwordHash, must_change_password = @mustChangePassword, session_epoch = session_epoch + 1 " +
        "WHERE lower(username) = lower(@username)";

    public const string SetRolesSql = "UPDATE officers SET roles = @roles, session_epoch = session_epoch + 1 WHERE lower(username) = lower(@username)";

    public const string RolesSql = "SELECT roles FROM officers WHERE lower(username) = lower(@username)";

    public const string ExistsSql = "SELECT username FROM officers WHERE lower(username) = lower(@username)";

    public const string EndSessionsSql = "UPDATE officers SET session_epoch = session_epoch + 1 WHERE lower(username) = lower(@username)";

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
        if (await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(ExistsSql, new { username = officer.Username }, transaction, cancellationToken: cancellationToken)) is not null)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(InsertSql, InsertParameters(officer), transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The parameters of <see cref="InsertSql"/> for an officer (also used by an approved request's transaction).</summary>
    public static object InsertParameters(Officer officer)
    {
        ArgumentNullException.ThrowIfNull(officer);
        return new
        {
            officer.Username, officer.DisplayName, officer.AuthorityCode, Roles = (int)officer.Roles, officer.PasswordHash, CreatedAt = officer.CreatedAt.ToUnixTimeMilliseconds(),
            MustChangePassword = officer.MustChangePassword ? 1 : 0,
        };
    }

    public async Task<bool> UpdateAsync(string username, DateTimeOffset? disabledAt, string? passwordHash, bool? mustChangePassword, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(UpdateSql,
            new { username, disabledAt = disabledAt?.ToUnixTimeMilliseconds(), passwordHash, mustChangePassword = mustChangePassword is { } must ? (must ? 1 : 0) : (int?)null },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return changed == 1;
    }

    public async Task<bool> EndSessionsAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(EndSessionsSql, new { username }, cancellationToken: cancellationToken)) == 1;
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
        public long SessionEpoch { get; init; }
        public long MustChangePassword { get; init; }

        public Officer ToOfficer() => new(Username, DisplayName, AuthorityCode, (OfficerRoles)Roles, PasswordHash, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
            DisabledAt is { } d ? DateTimeOffset.FromUnixTimeMilliseconds(d) : null, SessionEpoch, MustChangePassword != 0);
    }
}
