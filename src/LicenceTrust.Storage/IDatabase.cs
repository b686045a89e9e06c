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

    /// <summary>Increments and returns an authority's serial: one statement, inside the write transaction.</summary>
    string NextSerialSql { get; }

    /// <summary>Applies pending migrations; returns their names.</summary>
    IReadOnlyList<string> Migrate();
}
