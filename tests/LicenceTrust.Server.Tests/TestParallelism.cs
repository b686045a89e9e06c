// Most of these tests wait: on node processes starting, on a browser, on a peer's sync interval. Three test
// classes at a time instead of two (the core count) keep both cores busy through those waits; measured on the
// 2-core CI machine, the suite's wall time is in docs/performance.md ("The test suite's time").
[assembly: CollectionBehavior(MaxParallelThreads = 3)]
