// Run from the repository root (numbers in docs/performance.md):
//   dotnet run -c Release --project benchmarks/LicenceTrust.Benchmarks -- --filter '*'
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(LicenceTrust.Benchmarks.CredentialBenchmarks).Assembly).Run(args);
