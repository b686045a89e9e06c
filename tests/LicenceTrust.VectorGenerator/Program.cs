// Regenerates tests/vectors/vectors.json and tests/vectors/hostile/{hostile,status-lists}.json from keys-sample/. Run after `licencetrust keys sample`:
//   dotnet run --project tests/LicenceTrust.VectorGenerator
// Every vector is verified before it is written, so the file never contradicts the code.
using LicenceTrust.Testing.Vectors;

// --hostile-only leaves the published vectors.json as it is (its signatures are random, so a rerun changes it).
if (!args.Contains("--hostile-only"))
{
    var path = Path.Combine(LicenceTrust.Testing.RepositoryPaths.Vectors, "vectors.json");
    var file = VectorSet.Generate();
    VectorSet.Write(file, path);
    Console.WriteLine($"{file.Vectors.Count} vectors written to {path}");
}

var hostilePath = Path.Combine(LicenceTrust.Testing.RepositoryPaths.Vectors, "hostile", "hostile.json");
Directory.CreateDirectory(Path.GetDirectoryName(hostilePath)!);
var hostile = HostileSet.Generate();
VectorSet.Write(hostile, hostilePath);
Console.WriteLine($"{hostile.Vectors.Count} hostile vectors written to {hostilePath}");

var statusListsPath = Path.Combine(LicenceTrust.Testing.RepositoryPaths.Vectors, "hostile", "status-lists.json");
var statusLists = HostileStatusLists.Generate();
VectorSet.Write(statusLists, statusListsPath);
Console.WriteLine($"{statusLists.Vectors.Count} hostile status-list vectors written to {statusListsPath}");
