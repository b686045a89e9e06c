using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace LicenceTrust.Storage.Sqlite;

/// <summary>
/// The embedded SQLite database: one file, WAL journal, full fsync, foreign keys on. Connections are
/// pooled by Microsoft.Data.Sqlite; writers are serialised by BEGIN IMMEDIATE transactions.
/// </summary>
public sealed class SqliteDatabase : IDatabase
{
    private readonly string _connectionString;
    private readonly Lazy<bool> _created;

    /// <param name="path">The database file. Nothing is touched until the first connection: then its folder and the file are created if missing.</param>
    public SqliteDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FilePath = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
        _created = new Lazy<bool>(CreateAndUseWal, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Creates the folder and file if missing, and sets the WAL journal (kept in the file, so once is enough).</summary>
    private bool CreateAndUseWal()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(FilePath))!);
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var wal = connection.CreateCommand();
        wal.CommandText = "PRAGMA journal_mode=WAL;";
        wal.ExecuteNonQuery();
        return true;
    }

    public int MaxParameters => 30000;

    /// <summary>SQLITE_FULL (13): the file system, or a max_page_count, allows no more pages.</summary>
    public bool IsOutOfSpace(DbException exception) => exception is SqliteException { SqliteErrorCode: 13 };

    public int RowsPerInsert => 1;

    /// <summary>
    /// The keys arrive as one JSON array, read by <c>json_each</c>, and each is a probe of the unique index.
    /// A list Dapper expands into one parameter per key costs a scan of the statement's parameter names per
    /// key on every execution (Microsoft.Data.Sqlite binds by name), quadratic in the keys: 3.5 % of a batch
    /// issue's CPU (docs/performance-history.md, "SQLite: keys looked up through one JSON parameter").
    /// </summary>
    public string SelectByKeys(string columns, string table, string filter, string keyColumn, string keysParameter) =>
        $"SELECT {columns} FROM {table} WHERE {filter} AND {keyColumn} IN (SELECT value FROM json_each(@{keysParameter}))";

    public object KeysValue<T>(T[] keys) => JsonSerializer.Serialize(keys);

    public string Dialect => "Sqlite";

    /// <summary>The database file.</summary>
    public string FilePath { get; }

    public string Description => $"SQLite {FilePath}";

    public string ReserveSerialsSql =>
        "INSERT INTO serials (authority_code, last_serial) VALUES (@authorityCode, @count) " +
        "ON CONFLICT (authority_code) DO UPDATE SET last_serial = serials.last_serial + @count RETURNING last_serial";

    public SqliteConnection Open()
    {
        _ = _created.Value;
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragmas = connection.CreateCommand();
        // FULL: a committed change survives a power cut, not only a killed process.
        pragmas.CommandText = "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
        pragmas.ExecuteNonQuery();
        return connection;
    }

    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => Task.FromResult<DbConnection>(Open());

    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        // Microsoft.Data.Sqlite begins non-deferred transactions as BEGIN IMMEDIATE: the write lock is
        // taken now, so concurrent writers queue instead of failing to upgrade a read lock.
        await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);

    public string Page(string orderedSelect) => orderedSelect + " LIMIT @Limit OFFSET @Offset";

    public IReadOnlyList<string> Migrate()
    {
        using var connection = Open();
        return Migrator.Migrate(connection, Dialect);
    }
}
