using LicenceTrust.Storage;
using LicenceTrust.Testing;

namespace LicenceTrust.Issuance.Tests;

/// <summary>The workflow contract on SQLite, each test on a fresh file.</summary>
public sealed class SqliteIssuanceWorkflowTests : IssuanceWorkflowContract, IDisposable
{
    private readonly SqliteTestFolder _sqlite = new("lt-workflow-");

    protected override IDatabase Database => _sqlite.Database;

    public void Dispose() => _sqlite.Dispose();
}

/// <summary>The workflow contract on PostgreSQL (the test command's own server), each test on a new database.</summary>
public sealed class PostgresIssuanceWorkflowTests : IssuanceWorkflowContract
{
    private readonly Lazy<IDatabase> _database = new(() => new Storage.Postgres.PostgresDatabase(PostgresServer.CreateDatabase()));

    protected override IDatabase Database => _database.Value;
}
