using System.Diagnostics;

using Npgsql;

namespace LicenceTrust.Testing;

/// <summary>
/// A real PostgreSQL server run by scripts/postgres.sh. <see cref="Shared"/> is the server of the test
/// run (LICENCETRUST_TEST_POSTGRES when the test command set it); a fault test that stops its server
/// takes a <see cref="Private"/> one, so no other test loses its database. Each test gets its own database.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private static readonly Lazy<PostgresServer> SharedServer = new(() =>
        Environment.GetEnvironmentVariable("LICENCETRUST_TEST_POSTGRES") is { Length: > 0 } given
            ? new PostgresServer(given, null, null)
            : Started(null, null));

    private readonly string? _directory;
    private readonly int? _port;

    private PostgresServer(string admin, string? directory, int? port)
    {
        AdminConnection = admin;
        _directory = directory;
        _port = port;
    }

    public static PostgresServer Shared => SharedServer.Value;

    public string AdminConnection { get; }

    /// <summary>Creates an empty database on the shared server and returns its connection string.</summary>
    public static string CreateDatabase() => Shared.NewDatabase();

    /// <summary>A server of its own (own data folder, own port), for a test that stops and restarts it.</summary>
    public static PostgresServer Private()
    {
        var directory = Path.Combine(Path.GetTempPath(), "lt-pg-" + Guid.NewGuid().ToString("N")[..8]);
        return Started(directory, FreePorts.Next());
    }

    public string NewDatabase()
    {
        var name = "lt_" + Guid.NewGuid().ToString("N")[..16];
        using (var connection = new NpgsqlConnection(AdminConnection))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnection) { Database = name }.ToString();
    }

    /// <summary>Stops a private server (fast shutdown: sessions are cut, as in an outage).</summary>
    public void Stop() => Script("stop", _directory ?? throw new InvalidOperationException("Only a private server is stopped by a test."), _port);

    /// <summary>Starts a stopped private server again on the same folder and port.</summary>
    public void Start() => Script("start", _directory ?? throw new InvalidOperationException("Only a private server is started by a test."), _port);

    public void Dispose()
    {
        if (_directory is not null)
        {
            Stop();
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static PostgresServer Started(string? directory, int? port) => new(Script("start", directory, port), directory, port);

    private static string Script(string action, string? directory, int? port)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryPaths.Root, "scripts", "postgres.sh"), action]) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (directory is not null)
        {
            start.Environment["LT_PG_DIR"] = directory;
            start.Environment["LT_PG_PORT"] = port!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"PostgreSQL could not be {action}ed: {error.Result}");
    }
}
