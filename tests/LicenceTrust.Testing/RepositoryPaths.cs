namespace LicenceTrust.Testing;

/// <summary>Locates the repository's folders from a test's output directory.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LicenceTrust.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LicenceTrust.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => RootPath.Value;

    public static string KeysSample => Path.Combine(Root, "keys-sample");

    public static string Vectors => Path.Combine(Root, "tests", "vectors");

    public static string Schemas => Path.Combine(Root, "schemas");
}
