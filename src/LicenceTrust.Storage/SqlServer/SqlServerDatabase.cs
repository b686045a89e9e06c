using System.Data.Common;
using Microsoft.Data.SqlClient;

namespace LicenceTrust.Storage.SqlServer;

/// <summary>
/// SQL Server through Microsoft.Data.SqlClient. Writers are serialised by a transaction-owned
/// application lock. No engine can be installed on the development machines: the T-SQL is parsed by
/// ScriptDom in every test run, and the contract suite runs when LICENCETRUST_TEST_SQLSERVER is set.
/// </summary>
public sealed class SqlServerDatabase(string connectionString) : IDatabase
{
    /// <summary>SQL Server takes at most 2,100 parameters a statement.</summary>
    public int MaxParameters => 2000;

    /// <summary>1105: the filegroup is full; 9002: the transaction log is full.</summary>
    public bool IsOutOfSpace(DbException exception) => exception is SqlException { Number: 1105 or 9002 };

    public string Dialect => "SqlServer";

    public string Description
    {
        get
        {
            var builder = new SqlConnectionStringBuilder(connectionString);
            return $"SQL Server {builder.DataSource}/{builder.InitialCatalog}";
        }
    }

    public string ReserveSerialsSql =>
        "MERGE serials WITH (HOLDLOCK) AS target USING (SELECT @authorityCode AS authority_code) AS source ON target.authority_code = source.authority_code " +
        "WHEN MATCHED THEN UPDATE SET last_serial = target.last_serial + @count " +
        "WHEN NOT MATCHED THEN INSERT (authority_code, last_serial) VALUES (source.authority_code, @count) " +
        "OUTPUT inserted.last_serial;";

    /// <summary>The statement that takes the writers' lock inside a transaction.</summary>
    public static string WriteLockSql => "EXEC sp_getapplock @Resource = N'licencetrust-write', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 30000;";

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = WriteLockSql;
        await command.ExecuteNonQueryAsync(cancellationToken);
        return transaction;
    }

    public string InsertReturningId(string table, string columns, string values) => $"INSERT INTO {table} ({columns}) OUTPUT INSERTED.id VALUES ({values})";

    public string Page(string orderedSelect) => orderedSelect + " OFFSET @Offset ROWS FETCH NEXT @Limit ROWS ONLY";

    public IReadOnlyList<string> Migrate()
    {
        using var connection = new SqlConnection(connectionString);
        connection.Open();
        return Migrator.Migrate(connection, Dialect);
    }
}
