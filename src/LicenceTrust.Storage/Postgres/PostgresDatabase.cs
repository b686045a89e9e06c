using System.Data.Common;
using Npgsql;

namespace LicenceTrust.Storage.Postgres;

/// <summary>
/// PostgreSQL, the production default. Writers are serialised by a transaction-scoped advisory lock,
/// which also covers several node replicas sharing one database.
/// </summary>
public sealed class PostgresDatabase(string connectionString) : IDatabase
{
    /// <summary>The advisory lock key of LicenceTrust's write transactions.</summary>
    private const long WriteLock = 0x4C54_0001;

    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);

    public int MaxParameters => 60000;

    public string Dialect => "Postgres";

    public string Description
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
        }
    }

    public string ReserveSerialsSql =>
        "INSERT INTO serials (authority_code, last_serial) VALUES (@authorityCode, @count) " +
        "ON CONFLICT (authority_code) DO UPDATE SET last_serial = serials.last_serial + @count RETURNING last_serial";

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await _source.OpenConnectionAsync(cancellationToken);

    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT pg_advisory_xact_lock({WriteLock})";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return transaction;
    }

    /// <summary>SQLSTATE 53100 disk_full (class 53, insufficient resources).</summary>
    public bool IsOutOfSpace(DbException exception) => exception is PostgresException { SqlState: PostgresErrorCodes.DiskFull };

    public string InList(string column, string parameter) => $"{column} = ANY(@{parameter})";

    public string Page(string orderedSelect) => orderedSelect + " LIMIT @Limit OFFSET @Offset";

    public IReadOnlyList<string> Migrate()
    {
        using var connection = _source.OpenConnection();
        return Migrator.Migrate(connection, Dialect);
    }
}
