// Run from the repository root (numbers in docs/performance.md):
//   dotnet run -c Release --project benchmarks/LicenceTrust.Benchmarks -- --filter '*'
//   dotnet run -c Release --project benchmarks/LicenceTrust.Benchmarks -- federation-scale [rounds]   (FederationScale.cs)
using BenchmarkDotNet.Running;

if (args is ["federation-scale", ..])
{
    await LicenceTrust.Benchmarks.FederationScale.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(LicenceTrust.Benchmarks.CredentialBenchmarks).Assembly).Run(args);
