using System.Data.Common;

namespace LicenceTrust.Storage;

/// <summary>
/// One database engine: how to connect, how to take the writers' lock, and the statements that
/// differ between dialects. Everything else in the repositories is shared, standard SQL.
/// </summary>
public interface IDatabase
{
    /// <summary>The migrations folder name: Sqlite, Postgres or SqlServer.</summary>
    string Dialect { get; }

    /// <summary>Where the data is, for logs (never with a password).</summary>
    string Description { get; }

    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Begins a transaction that holds the single writers' lock until it ends (serialises status slots, serials and the audit chain).</summary>
    Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary><c>… LIMIT @Limit OFFSET @Offset</c> in this dialect.</summary>
    string Page(string orderedSelect);

    /// <summary>Adds <c>@count</c> to an authority's serial and returns the new last serial: one statement, inside the write transaction.</summary>
    string ReserveSerialsSql { get; }

    /// <summary>
    /// "column is one of the list parameter": <c>column IN @p</c>, which Dapper expands, or on PostgreSQL
    /// <c>column = ANY(@p)</c>, because Dapper passes lists to Npgsql as arrays.
    /// </summary>
    string InList(string column, string parameter) => $"{column} IN @{parameter}";

    /// <summary>
    /// <c>SELECT columns FROM table WHERE filter AND keyColumn IN @keys</c>, where the filter's columns and
    /// <paramref name="keyColumn"/> make a unique key, so each listed key finds at most one row.
    /// </summary>
    string SelectByKeys(string columns, string table, string filter, string keyColumn, string keysParameter) =>
        $"SELECT {columns} FROM {table} WHERE {filter} AND {InList(keyColumn, keysParameter)}";

    /// <summary>The value bound to <see cref="SelectByKeys"/>'s keys parameter: by default the keys themselves.</summary>
    object KeysValue<T>(T[] keys) => keys;

    /// <summary>An INSERT of one row that returns the row's generated <c>id</c>.</summary>
    string InsertReturningId(string table, string columns, string values) => $"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING id";

    /// <summary>
    /// Rows per multi-row INSERT. Servers gain from fewer round trips; in-process SQLite does not, and
    /// binding many named parameters costs more than it saves there.
    /// </summary>
    int RowsPerInsert => 50;

    /// <summary>
    /// From how many rows <see cref="CopyRowsAsync"/> writes them instead of multi-row INSERTs;
    /// <see cref="int.MaxValue"/> where the engine has no bulk copy.
    /// </summary>
    int CopyFromRows => int.MaxValue;

    /// <summary>
    /// Writes <paramref name="rows"/> (values in the order of <paramref name="columns"/>) with the engine's bulk
    /// copy, inside the connection's transaction: no statement to parse and plan, no parameter to bind.
    /// </summary>
    Task CopyRowsAsync(DbConnection connection, string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows) =>
        throw new NotSupportedException($"{Dialect} has no bulk copy (CopyFromRows is int.MaxValue).");

    /// <summary>The most parameters one statement may carry (multi-row inserts are split to fit).</summary>
    int MaxParameters { get; }

    /// <summary>Whether the error is the engine saying its disk (or its file size cap) is full.</summary>
    bool IsOutOfSpace(DbException exception);

    /// <summary>Applies pending migrations; returns their names.</summary>
    IReadOnlyList<string> Migrate();
}

/// <summary>What every engine answers the same way.</summary>
public static class DatabaseChecks
{
    /// <summary>The migrations not applied yet: all of them for a database never migrated. Changes nothing.</summary>
    /// <exception cref="DbException">The database cannot be reached.</exception>
    public static async Task<IReadOnlyList<string>> PendingMigrationsAsync(this IDatabase database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken);
        HashSet<long> applied;
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT version FROM schema_migrations";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            applied = [];
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt64(0));
            }
        }
        catch (DbException)
        {
            // No schema_migrations table: a database never migrated.
            applied = [];
        }

        return [.. Migrator.Scripts(database.Dialect).Where(s => !applied.Contains(s.Version)).Select(s => s.Name)];
    }

    /// <summary>True when the database answers a query on the migrated schema; false when it cannot be reached.</summary>
    public static async Task<bool> AnswersAsync(this IDatabase database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM schema_migrations";
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (DbException)
        {
            return false;
        }
    }
}
