using System.Data.Common;
using System.Reflection;
using Dapper;

namespace LicenceTrust.Storage;

/// <summary>
/// Applies the embedded <c>Migrations/&lt;dialect&gt;/NNNN_name.sql</c> scripts in order, each once,
/// each in its own transaction, recording them in <c>schema_migrations</c>.
/// </summary>
public static class Migrator
{
    /// <summary>Applies pending migrations; returns the names applied.</summary>
    public static IReadOnlyList<string> Migrate(DbConnection connection, string dialect)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        var applied = connection.Query<long>("SELECT version FROM schema_migrations").ToHashSet();
        var done = new List<string>();
        foreach (var (version, name, sql) in Scripts(dialect))
        {
            if (applied.Contains(version))
            {
                continue;
            }

            using var transaction = connection.BeginTransaction();
            connection.Execute(sql, transaction: transaction);
            connection.Execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at)",
                new { version, name, at = DateTimeOffset.UtcNow.ToString("O") },
                transaction);
            transaction.Commit();
            done.Add(name);
        }

        return done;
    }

    /// <summary>The embedded scripts of a dialect, in version order.</summary>
    public static IReadOnlyList<(long Version, string Name, string Sql)> Scripts(string dialect)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var prefix = $"{assembly.GetName().Name}.Migrations.{dialect}.";
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var name = n[prefix.Length..^4];
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return (long.Parse(name[..4], System.Globalization.CultureInfo.InvariantCulture), name, reader.ReadToEnd());
            })
            .OrderBy(s => s.Item1)];
    }
}
