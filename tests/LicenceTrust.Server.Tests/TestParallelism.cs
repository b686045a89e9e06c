using Xunit.Abstractions;

// Most of these tests wait: on node processes starting, on a browser, on a peer's sync interval. Three test
// classes at a time instead of two (the core count) keep both cores busy through those waits; measured on the
// 2-core CI machine, the suite's wall time is in docs/performance-history.md ("The test suite's time").
[assembly: CollectionBehavior(MaxParallelThreads = 3)]
[assembly: TestCollectionOrderer("LicenceTrust.Server.Tests.LongestFirst", "LicenceTrust.Server.Tests")]

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Starts the longest test classes first, the rest by name. Collections are started in this order, three
/// at a time: a long class started late runs alone at the end while a core idles (the PostgreSQL console
/// suite, started at minute 10, ran alone for its last 3 minutes). The names are the classes over 40 s in
/// the last measured run, longest first (docs/performance-history.md, "The test suite's time"); the packaging
/// build, which made that mix time out, runs before the tests now.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    private static readonly string[] Longest =
    [
        nameof(DeployedShapeTests), nameof(PostgresConsoleTests), nameof(ConsoleTests), nameof(ProductionDefaultsTests),
        nameof(CredentialFormatTransitionTests), nameof(DemoPairTests), nameof(StaffPageTests), nameof(ReplicaTests),
        nameof(FederationAsDeployedTests), nameof(CrashSafetyTests), nameof(BackupRestoreTests), nameof(ConsoleBatchTests),
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(Rank).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    private static int Rank(ITestCollection collection)
    {
        var index = Array.FindIndex(Longest, name => collection.DisplayName.EndsWith("." + name, StringComparison.Ordinal));
        return index < 0 ? Longest.Length : index;
    }
}
