using LicenceTrust.Storage;

namespace LicenceTrust.Testing;

/// <summary>
/// A temporary folder holding a test's SQLite database (<c>test.db</c>, opened on first use) and any other
/// file it writes; disposing clears the connection pools and deletes the folder.
/// </summary>
public sealed class SqliteTestFolder : IDisposable
{
    private readonly Lazy<IDatabase> _database;

    public SqliteTestFolder(string prefix)
    {
        Folder = Directory.CreateTempSubdirectory(prefix).FullName;
        _database = new(() => new Storage.Sqlite.SqliteDatabase(File("test.db")));
    }

    public string Folder { get; }

    public IDatabase Database => _database.Value;

    /// <summary>A path in the folder.</summary>
    public string File(string name) => Path.Combine(Folder, name);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}
