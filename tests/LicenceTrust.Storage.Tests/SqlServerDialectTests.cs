using LicenceTrust.Storage.SqlServer;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace LicenceTrust.Storage.Tests;

/// <summary>
/// Every T-SQL statement LicenceTrust can send is parsed by Microsoft's own T-SQL parser, so a syntax
/// error cannot hide behind the missing engine.
/// </summary>
public class SqlServerDialectTests
{
    private static readonly SqlServerDatabase Database = new("Server=127.0.0.1;Database=licencetrust;Encrypt=false");

    public static TheoryData<string, string> Statements()
    {
        var data = new TheoryData<string, string>();
        foreach (var (version, name, sql) in Migrator.Scripts(Database.Dialect))
        {
            var n = 0;
            foreach (var batch in Migrator.Batches(sql))
            {
                data.Add($"migration {name} batch {++n}", batch);
            }
        }

        var store = new IssuanceStore.Statements(Database);
        foreach (var property in typeof(IssuanceStore.Statements).GetProperties().Where(p => p.PropertyType == typeof(string)))
        {
            data.Add($"IssuanceStore.{property.Name}", (string)property.GetValue(store)!);
        }

        var federation = new FederationStore.Statements();
        foreach (var property in typeof(FederationStore.Statements).GetProperties().Where(p => p.PropertyType == typeof(string)))
        {
            data.Add($"FederationStore.{property.Name}", (string)property.GetValue(federation)!);
        }

        var sharing = new SharingStore.Statements(Database);
        foreach (var property in typeof(SharingStore.Statements).GetProperties().Where(p => p.PropertyType == typeof(string)))
        {
            data.Add($"SharingStore.{property.Name}", (string)property.GetValue(sharing)!);
        }

        data.Add("StaffStore.FindSql", StaffStore.FindSql);
        data.Add("StaffStore.CountSql", StaffStore.CountSql);
        data.Add("StaffStore.InsertSql", StaffStore.InsertSql);
        data.Add("ApiKeyStore.FindSql", ApiKeyStore.FindSql);
        data.Add("ApiKeyStore.InsertSql", ApiKeyStore.InsertSql);
        data.Add("ApiKeyStore.ListSql", ApiKeyStore.ListSql);
        data.Add("ApiKeyStore.RevokeSql", ApiKeyStore.RevokeSql);
        data.Add("write lock", SqlServerDatabase.WriteLockSql);
        return data;
    }

    [Theory]
    [MemberData(nameof(Statements))]
    public void The_statement_is_valid_TSQL(string what, string sql)
    {
        var errors = Parse(sql);
        Assert.True(errors.Count == 0, $"{what}: {string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}"))}\n{sql}");
    }

    [Fact]
    public void Every_migration_and_repository_statement_is_covered()
    {
        Assert.True(Statements().Count() >= 22);
        Assert.Contains(Statements(), row => ((string)row[1]).Contains("OFFSET @Offset ROWS FETCH NEXT @Limit ROWS ONLY", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("INSERT INTO serials (authority_code, last_serial) VALUES (@a, 1) ON CONFLICT (authority_code) DO UPDATE SET last_serial = 2")]
    [InlineData("SELECT id FROM status_lists ORDER BY id DESC LIMIT 1")]
    [InlineData("UPDATE serials SET last_serial = last_serial + 1 RETURNING last_serial")]
    public void The_parser_catches_other_dialects(string sql) => Assert.NotEmpty(Parse(sql));

    private static IList<ParseError> Parse(string sql)
    {
        // Dapper expands a list parameter "IN @keys" to "IN (@keys1, @keys2, …)" before sending: parse what is sent.
        sql = System.Text.RegularExpressions.Regex.Replace(sql, @"IN @(\w+)", "IN (@$1_1, @$1_2)");
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        parser.Parse(reader, out var errors);
        return errors;
    }
}
