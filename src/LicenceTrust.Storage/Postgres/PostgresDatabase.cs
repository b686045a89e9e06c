using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

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

    /// <summary>
    /// One probe of the unique index per listed key (a LATERAL subquery with LIMIT 1 cannot be merged into
    /// a join). With <c>column = ANY(@keys)</c> the planner chose by statistics, and while a batch grows
    /// a table faster than autovacuum analyses it, those say the authority has a few hundred licences: it
    /// read every licence of the authority and filtered them, a scan that grew with each chunk
    /// (docs/performance-history.md, "PostgreSQL: lookups by key that stay lookups").
    /// </summary>
    public string SelectByKeys(string columns, string table, string filter, string keyColumn, string keysParameter) =>
        $"SELECT found.* FROM unnest(@{keysParameter}) AS wanted(key) CROSS JOIN LATERAL " +
        $"(SELECT {columns} FROM {table} WHERE {filter} AND {keyColumn} = wanted.key LIMIT 1) AS found";

    /// <summary>COPY needs a second round trip (its start, then its end); one row is written as an INSERT.</summary>
    public int CopyFromRows => 2;

    /// <summary>
    /// <c>COPY … FROM STDIN (FORMAT BINARY)</c>. Binary COPY sends each value in its column's exact type, and
    /// the schema keeps every integer as BIGINT and every string as TEXT, so those are the two written
    /// (docs/performance-history.md, "PostgreSQL: rows written with COPY").
    /// </summary>
    public async Task CopyRowsAsync(DbConnection connection, string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows)
    {
        await using var writer = await ((NpgsqlConnection)connection).BeginBinaryImportAsync($"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)");
        foreach (var row in rows)
        {
            await writer.StartRowAsync();
            foreach (var value in row)
            {
                var written = value switch
                {
                    null => writer.WriteNullAsync(),
                    string text => writer.WriteAsync(text, NpgsqlDbType.Text),
                    int number => writer.WriteAsync((long)number, NpgsqlDbType.Bigint),
                    long number => writer.WriteAsync(number, NpgsqlDbType.Bigint),
                    _ => throw new ArgumentException($"A {value.GetType().Name} in a row for {table}: the schema has only BIGINT and TEXT columns.", nameof(rows)),
                };
                await written;
            }
        }

        await writer.CompleteAsync();
    }

    public string Page(string orderedSelect) => orderedSelect + " LIMIT @Limit OFFSET @Offset";

    public IReadOnlyList<string> Migrate()
    {
        using var connection = _source.OpenConnection();
        return Migrator.Migrate(connection, Dialect);
    }
}
