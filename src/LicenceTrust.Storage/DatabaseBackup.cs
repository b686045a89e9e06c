using System.Diagnostics;
using LicenceTrust.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace LicenceTrust.Storage;

/// <summary>
/// Copies of a node's database taken while the node runs, and their return (docs/operations.md, "Backup
/// and restore"). SQLite uses its online backup API, which copies a consistent snapshot page by page while
/// writers go on; PostgreSQL uses its own <c>pg_dump</c> and <c>pg_restore</c> (one consistent snapshot,
/// a custom-format archive). A backup never overwrites a file, and a restore overwrites a database only
/// when told to.
/// </summary>
public static class DatabaseBackup
{
    /// <summary>Copies the live SQLite database into a new single file (no WAL beside it).</summary>
    /// <exception cref="IOException">The destination exists already.</exception>
    public static void BackupSqlite(SqliteDatabase source, string destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (File.Exists(destination))
        {
            throw new IOException($"{destination}: the file exists already; a backup never overwrites one.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
        using (var from = source.Open())
        using (var to = Unpooled(destination, SqliteOpenMode.ReadWriteCreate))
        {
            from.BackupDatabase(to);
            // The copy carries the source's WAL mode; a backup is one self-contained file.
            Execute(to, "PRAGMA journal_mode=DELETE;");
        }
    }

    /// <summary>Brings a SQLite backup back as the node's database file. The node must be stopped.</summary>
    /// <exception cref="IOException">The destination exists and <paramref name="overwrite"/> is false.</exception>
    /// <exception cref="InvalidDataException">The backup is not a LicenceTrust database, or fails SQLite's integrity check.</exception>
    public static void RestoreSqlite(string backup, string destination, bool overwrite)
    {
        if (!File.Exists(backup))
        {
            throw new FileNotFoundException($"{backup}: file not found.", backup);
        }

        if (File.Exists(destination) && !overwrite)
        {
            throw new IOException($"{destination}: a database is there already; stop its node and give --force to replace it.");
        }

        using (var from = Unpooled(backup, SqliteOpenMode.ReadOnly))
        {
            if (Scalar(from, "PRAGMA integrity_check;") is not "ok")
            {
                throw new InvalidDataException($"{backup}: SQLite's integrity check fails; this backup cannot be restored.");
            }

            if (Scalar(from, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('licences', 'audit_log', 'trust_list_versions');") is not 3L)
            {
                throw new InvalidDataException($"{backup}: not a LicenceTrust node database.");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
            if (File.Exists(destination) && !IsSqliteDatabase(destination))
            {
                // Not a database (a truncated copy, another file): nothing of it is worth keeping, nor a journal beside it.
                foreach (var file in new[] { destination, destination + "-wal", destination + "-shm", destination + "-journal" })
                {
                    File.Delete(file);
                }
            }

            // Through the destination's own connection, never by deleting its WAL beside it: any other
            // connection still open on the file (a tool, a pool that was not cleared) then sees the backup's
            // pages, instead of checkpointing its old WAL over them when it closes.
            using var to = Unpooled(destination, SqliteOpenMode.ReadWriteCreate);
            Execute(to, "PRAGMA busy_timeout=10000;");
            from.BackupDatabase(to);
            Execute(to, "PRAGMA wal_checkpoint(TRUNCATE);");
        }

        SqliteConnection.ClearAllPools();
    }

    /// <summary>A custom-format <c>pg_dump</c> archive of the node's PostgreSQL database.</summary>
    /// <exception cref="IOException">The destination exists, or pg_dump failed (its message is included).</exception>
    public static Task BackupPostgresAsync(string connectionString, string destination, CancellationToken cancellationToken)
    {
        if (File.Exists(destination))
        {
            throw new IOException($"{destination}: the file exists already; a backup never overwrites one.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
        return RunPostgresToolAsync("pg_dump", connectionString, ["--format=custom", "--no-owner", $"--file={destination}"], cancellationToken);
    }

    /// <summary>
    /// Restores a <c>pg_dump</c> archive into the node's PostgreSQL database, replacing its tables in one
    /// transaction (a failed restore leaves the database as it was). The node must be stopped.
    /// </summary>
    /// <exception cref="IOException">pg_restore failed (its message is included).</exception>
    public static Task RestorePostgresAsync(string backup, string connectionString, CancellationToken cancellationToken)
    {
        if (!File.Exists(backup))
        {
            throw new FileNotFoundException($"{backup}: file not found.", backup);
        }

        return RunPostgresToolAsync("pg_restore", connectionString, ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", backup], cancellationToken);
    }

    // The connection string's parts go to the tool as libpq environment variables, so the password never
    // appears on a command line that other users of the machine could read.
    private static async Task RunPostgresToolAsync(string tool, string connectionString, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add($"--dbname={builder.Database}");
        start.Environment["PGHOST"] = builder.Host;
        start.Environment["PGPORT"] = builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = builder.Username;
        if (builder.Password is { } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new IOException($"{tool} could not be run ({e.Message}); install the PostgreSQL client tools of the server's version.", e);
        }

        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new IOException($"{tool} failed (exit {process.ExitCode}): {(await errors).Trim()}");
            }
        }
    }

    private static SqliteConnection Unpooled(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static bool IsSqliteDatabase(string path)
    {
        try
        {
            using var connection = Unpooled(path, SqliteOpenMode.ReadOnly);
            return Scalar(connection, "PRAGMA schema_version;") is long;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
