using Dapper;
using LicenceTrust.Issuance;

namespace LicenceTrust.Storage;

/// <summary>Staff accounts on any <see cref="IDatabase"/>; its SQL is the same in every dialect.</summary>
public sealed class StaffStore(IDatabase database) : IStaffStore
{
    public const string FindSql = "SELECT username, display_name AS DisplayName, password_hash AS PasswordHash, created_at AS CreatedAt, disabled_at AS DisabledAt FROM staff_accounts WHERE username = @username";

    public const string CountSql = "SELECT COUNT(*) FROM staff_accounts WHERE username = @Username";

    public const string InsertSql = "INSERT INTO staff_accounts (username, display_name, password_hash, created_at) VALUES (@Username, @DisplayName, @PasswordHash, @CreatedAt)";

    public async Task<StaffAccount?> FindAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(FindSql, new { username }, cancellationToken: cancellationToken));
        return row is null ? null : new StaffAccount(row.Username, row.DisplayName, row.PasswordHash, DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt),
            row.DisabledAt is { } d ? DateTimeOffset.FromUnixTimeMilliseconds(d) : null);
    }

    public async Task<bool> InsertAsync(StaffAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var row = new { account.Username, account.DisplayName, account.PasswordHash, CreatedAt = account.CreatedAt.ToUnixTimeMilliseconds() };
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountSql, row, transaction, cancellationToken: cancellationToken)) > 0)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(InsertSql, row, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private sealed class Row
    {
        public string Username { get; init; } = string.Empty;
        public string DisplayName { get; init; } = string.Empty;
        public string PasswordHash { get; init; } = string.Empty;
        public long CreatedAt { get; init; }
        public long? DisabledAt { get; init; }
    }
}
