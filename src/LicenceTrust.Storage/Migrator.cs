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
        connection.Execute(dialect == "SqlServer"
            ? "IF OBJECT_ID(N'schema_migrations') IS NULL CREATE TABLE schema_migrations (version BIGINT NOT NULL PRIMARY KEY, name NVARCHAR(200) NOT NULL, applied_at NVARCHAR(40) NOT NULL)"
            : "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        var applied = connection.Query<long>("SELECT version FROM schema_migrations").ToHashSet();
        var done = new List<string>();
        foreach (var (version, name, sql) in Scripts(dialect))
        {
            if (applied.Contains(version))
            {
                continue;
            }

            using var transaction = connection.BeginTransaction();
            foreach (var batch in Batches(sql))
            {
                connection.Execute(batch, transaction: transaction);
            }

            connection.Execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at)",
                new { version, name, at = DateTimeOffset.UtcNow.ToString("O") },
                transaction);
            transaction.Commit();
            done.Add(name);
        }

        return done;
    }

    /// <summary>Splits a script on lines holding only <c>GO</c> (T-SQL batches); other dialects have one batch.</summary>
    public static IEnumerable<string> Batches(string script) =>
        System.Text.RegularExpressions.Regex.Split(script, @"^\s*GO\s*$", System.Text.RegularExpressions.RegexOptions.Multiline | System.Text.RegularExpressions.RegexOptions.IgnoreCase)
            .Where(b => !string.IsNullOrWhiteSpace(b));

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
