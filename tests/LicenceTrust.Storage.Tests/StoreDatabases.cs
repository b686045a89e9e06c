using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Storage.Tests;

/// <summary>The store contract on each database: SQLite, PostgreSQL, and SQL Server when one is given.</summary>
public sealed class SqliteIssuanceStoreTests : IssuanceStoreContract, IDisposable
{
    private readonly SqliteTestFolder _sqlite = new("lt-store-");

    protected override IDatabase Database => _sqlite.Database;

    protected override Task<IDatabase> BackupAndRestoreAsync()
    {
        var backup = _sqlite.File("backup.db");
        DatabaseBackup.BackupSqlite((Sqlite.SqliteDatabase)Database, backup);
        Assert.Throws<IOException>(() => DatabaseBackup.BackupSqlite((Sqlite.SqliteDatabase)Database, backup));
        DatabaseBackup.RestoreSqlite(backup, _sqlite.File("restored.db"), overwrite: false);
        Assert.Throws<IOException>(() => DatabaseBackup.RestoreSqlite(backup, _sqlite.File("restored.db"), overwrite: false));
        return Task.FromResult<IDatabase>(new Sqlite.SqliteDatabase(_sqlite.File("restored.db")));
    }

    [Fact]
    public void A_restore_over_a_database_another_connection_still_holds_open_keeps_the_backup_when_that_connection_closes()
    {
        // The node was killed with changes still in its WAL, and something else (a tool, a pool nobody
        // cleared) holds the database open. Closing that connection after the restore must not write the
        // old WAL back over the restored pages.
        var live = _sqlite.File("live.db");
        var backup = _sqlite.File("live-backup.db");
        using (var setup = Open(live))
        {
            Run(setup, "PRAGMA journal_mode=WAL; CREATE TABLE licences(id INTEGER); CREATE TABLE audit_log(id INTEGER); CREATE TABLE trust_list_versions(id INTEGER); INSERT INTO licences VALUES (1);");
        }

        DatabaseBackup.BackupSqlite(new Sqlite.SqliteDatabase(live), backup);
        var holder = Open(live);
        Run(holder, "PRAGMA wal_autocheckpoint=0; INSERT INTO licences VALUES (2); INSERT INTO licences VALUES (3);");
        Assert.True(new FileInfo(live + "-wal").Length > 0);

        DatabaseBackup.RestoreSqlite(backup, live, overwrite: true);
        Assert.Equal(1L, Count(holder));
        holder.Dispose();

        using var after = Open(live);
        Assert.Equal(1L, Count(after));
        Assert.Equal("ok", Scalar(after, "PRAGMA integrity_check;"));

        static Microsoft.Data.Sqlite.SqliteConnection Open(string path)
        {
            var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
            connection.Open();
            return connection;
        }

        static void Run(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        static object? Scalar(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return command.ExecuteScalar();
        }

        static long Count(Microsoft.Data.Sqlite.SqliteConnection connection) => (long)Scalar(connection, "SELECT COUNT(*) FROM licences;")!;
    }

    public void Dispose() => _sqlite.Dispose();
}

public sealed class PostgresIssuanceStoreTests : IssuanceStoreContract, IDisposable
{
    private readonly Lazy<string> _connection = new(PostgresServer.CreateDatabase);
    private readonly Lazy<IDatabase> _database;
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-pg-backup-").FullName;

    public PostgresIssuanceStoreTests() => _database = new(() => new Postgres.PostgresDatabase(_connection.Value));

    protected override IDatabase Database => _database.Value;

    /// <summary>pg_dump of this database, pg_restore into a new one that a node has already migrated (as a replacement node would have).</summary>
    protected override async Task<IDatabase> BackupAndRestoreAsync()
    {
        var backup = Path.Combine(_folder, "backup.dump");
        await DatabaseBackup.BackupPostgresAsync(_connection.Value, backup, CancellationToken.None);
        await Assert.ThrowsAsync<IOException>(() => DatabaseBackup.BackupPostgresAsync(_connection.Value, backup, CancellationToken.None));
        var target = PostgresServer.CreateDatabase();
        new Postgres.PostgresDatabase(target).Migrate();
        await DatabaseBackup.RestorePostgresAsync(backup, target, CancellationToken.None);
        return new Postgres.PostgresDatabase(target);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

public sealed class SqlServerIssuanceStoreTests : IssuanceStoreContract
{
    private static readonly string? ConnectionString = Environment.GetEnvironmentVariable("LICENCETRUST_TEST_SQLSERVER");
    private readonly Lazy<IDatabase> _database = new(() => new SqlServer.SqlServerDatabase(ConnectionString!));

    /// <summary>SQL Server backups are the server's own (BACKUP DATABASE, run by its operators): no LicenceTrust command.</summary>
    protected override Task<IDatabase> BackupAndRestoreAsync()
    {
        Skip.If(true, "SQL Server is backed up with its own BACKUP DATABASE and RESTORE DATABASE (docs/operations.md); LicenceTrust has no command for it");
        return Task.FromResult(Database);
    }

    protected override IDatabase Database
    {
        get
        {
            Skip.If(string.IsNullOrWhiteSpace(ConnectionString),
                "SQL Server: set LICENCETRUST_TEST_SQLSERVER to a connection string of an empty database; no SQL Server engine can be installed on this machine (docs/architecture.md, Storage), and the T-SQL is parsed by SqlServerDialectTests instead");
            return _database.Value;
        }
    }
}
