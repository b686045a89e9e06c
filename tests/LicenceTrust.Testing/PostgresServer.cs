using System.Diagnostics;

using Npgsql;

namespace LicenceTrust.Testing;

/// <summary>
/// The real PostgreSQL server of the test run: LICENCETRUST_TEST_POSTGRES when the test command set it,
/// otherwise the private server of scripts/postgres.sh, started here. Each test gets its own database.
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<string> Admin = new(() =>
    {
        var given = Environment.GetEnvironmentVariable("LICENCETRUST_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(given))
        {
            return given;
        }

        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryPaths.Root, "scripts", "postgres.sh"), "start"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"PostgreSQL could not be started: {error}");
    });

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static string CreateDatabase()
    {
        var name = "lt_" + Guid.NewGuid().ToString("N")[..16];
        using (var connection = new NpgsqlConnection(Admin.Value))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(Admin.Value) { Database = name }.ToString();
    }
}
