using Xunit;
using Xunit.Abstractions;

// Most of these tests wait: on node processes starting, on a browser, on a peer's sync interval. Three test
// classes at a time instead of two (the core count) keep both cores busy through those waits; measured on the
// 2-core CI machine, the suite's wall time is in docs/performance.md ("The test suite's time").
[assembly: CollectionBehavior(MaxParallelThreads = 3)]
[assembly: TestCollectionOrderer("LicenceTrust.Server.Tests.LongestFirst", "LicenceTrust.Server.Tests")]

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Starts the long single-process-heavy classes first, the rest by name. Collections are started in this
/// order, three at a time: the deployed-shape suite started last ran alone at the end for 2½ minutes while
/// a core idled. Only a few go first: starting every heavy class together (both browser suites, the
/// deployed shape and the packaging build) slowed each of them 2–4 times and timed tests out
/// (docs/performance.md, "The test suite's time").
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    private static readonly string[] Longest = [nameof(DeployedShapeTests), nameof(StaffPageTests), nameof(FederationAsDeployedTests)];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(Rank).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    private static int Rank(ITestCollection collection)
    {
        var index = Array.FindIndex(Longest, name => collection.DisplayName.EndsWith("." + name, StringComparison.Ordinal));
        return index < 0 ? Longest.Length : index;
    }
}
