using Xunit;
using Xunit.Abstractions;

// Most of these tests wait: on node processes starting, on a browser, on a peer's sync interval. Three test
// classes at a time instead of two (the core count) keep both cores busy through those waits; measured on the
// 2-core CI machine, the suite's wall time is in docs/performance.md ("The test suite's time").
[assembly: CollectionBehavior(MaxParallelThreads = 3)]
[assembly: TestCollectionOrderer("LicenceTrust.Server.Tests.LongestFirst", "LicenceTrust.Server.Tests")]

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Starts the longest test classes first. Collections are started in this order, three at a time: a
/// two-minute class started last runs alone at the end while both cores idle (the deployed-shape suite did,
/// for 2½ minutes). The names are the classes that took over 30 s in the suite's last measured run
/// (docs/performance.md, "The test suite's time"); every other class follows by name.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    private static readonly string[] Longest =
    [
        nameof(DeployedShapeTests), nameof(PackagingTests), nameof(PostgresConsoleTests), nameof(ConsoleTests), nameof(StaffPageTests),
        nameof(FederationAsDeployedTests), nameof(ReplicaTests), nameof(BackupRestoreTests), nameof(HttpsFederationTests),
        nameof(ProductionDefaultsTests), nameof(DemoPairTests), nameof(ConsoleBatchTests), nameof(ThirdProvinceTests),
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(Rank).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    private static int Rank(ITestCollection collection)
    {
        var index = Array.FindIndex(Longest, name => collection.DisplayName.EndsWith("." + name, StringComparison.Ordinal));
        return index < 0 ? Longest.Length : index;
    }
}
