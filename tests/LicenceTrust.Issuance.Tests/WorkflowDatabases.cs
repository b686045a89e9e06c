using LicenceTrust.Storage;
using LicenceTrust.Testing;

namespace LicenceTrust.Issuance.Tests;

/// <summary>The workflow contract on SQLite, each test on a fresh file.</summary>
public sealed class SqliteIssuanceWorkflowTests : IssuanceWorkflowContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-workflow-").FullName;
    private readonly Lazy<IDatabase> _database;

    public SqliteIssuanceWorkflowTests() => _database = new(() => new Storage.Sqlite.SqliteDatabase(Path.Combine(_folder, "test.db")));

    protected override IDatabase Database => _database.Value;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>The workflow contract on PostgreSQL (the test command's own server), each test on a new database.</summary>
public sealed class PostgresIssuanceWorkflowTests : IssuanceWorkflowContract
{
    private readonly Lazy<IDatabase> _database = new(() => new Storage.Postgres.PostgresDatabase(PostgresServer.CreateDatabase()));

    protected override IDatabase Database => _database.Value;
}
