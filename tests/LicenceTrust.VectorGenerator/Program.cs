// Regenerates tests/vectors/vectors.json from keys-sample/. Run after `licencetrust keys sample`:
//   dotnet run --project tests/LicenceTrust.VectorGenerator
// Every vector is verified before it is written, so the file never contradicts the code.
using LicenceTrust.Testing.Vectors;

var path = Path.Combine(LicenceTrust.Testing.RepositoryPaths.Vectors, "vectors.json");
var file = VectorSet.Generate();
VectorSet.Write(file, path);
Console.WriteLine($"{file.Vectors.Count} vectors written to {path}");
