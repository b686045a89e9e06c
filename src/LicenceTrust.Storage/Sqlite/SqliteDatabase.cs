using Microsoft.Data.Sqlite;

namespace LicenceTrust.Storage.Sqlite;

/// <summary>
/// The embedded SQLite database: one file, WAL journal, full fsync, foreign keys on. Connections are
/// pooled by Microsoft.Data.Sqlite; writers are serialised by BEGIN IMMEDIATE transactions.
/// </summary>
public sealed class SqliteDatabase
{
    public const string Dialect = "Sqlite";

    private readonly string _connectionString;

    /// <param name="path">The database file; its folder is created if missing.</param>
    public SqliteDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        FilePath = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        using var wal = connection.CreateCommand();
        wal.CommandText = "PRAGMA journal_mode=WAL;";
        wal.ExecuteNonQuery();
    }

    /// <summary>The database file.</summary>
    public string FilePath { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragmas = connection.CreateCommand();
        // FULL: a committed change survives a power cut, not only a killed process.
        pragmas.CommandText = "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
        pragmas.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Applies pending migrations; returns their names.</summary>
    public IReadOnlyList<string> Migrate()
    {
        using var connection = Open();
        return Migrator.Migrate(connection, Dialect);
    }
}
