// Writes the test vectors of both formats from keys-sample/ (docs/format.md §10 and §12.6):
//   tests/vectors/vectors.json (LT1) and tests/vectors/vectors-lt2.json (LT2), the published vectors;
//   tests/vectors/hostile/{hostile,hostile-lt2,status-lists}.json, the hostile corpus;
//   tests/vectors/status-rule.json, the one rule for status (docs/format.md §13), published like the vectors.
//   dotnet run --project tests/LicenceTrust.VectorGenerator [--republish]
// Every vector is verified before it is written, so no file contradicts the code. Signatures are random, so
// a published file is rewritten only when it is missing or with --republish (after `licencetrust keys sample`):
// vectors other implementations have taken stay as they were.
using LicenceTrust.Core.Codec;
using LicenceTrust.Testing;
using LicenceTrust.Testing.Vectors;

foreach (var encoding in new[] { CredentialEncoding.Lt1, CredentialEncoding.Lt2 })
{
    var path = Path.Combine(RepositoryPaths.Vectors, VectorSet.FileName(encoding));
    if (args.Contains("--republish") || !File.Exists(path))
    {
        var file = VectorSet.Generate(encoding);
        VectorSet.Write(file, path);
        Console.WriteLine($"{file.Vectors.Count} vectors written to {path}");
    }

    var hostilePath = Path.Combine(RepositoryPaths.Vectors, "hostile", HostileSet.FileName(encoding));
    Directory.CreateDirectory(Path.GetDirectoryName(hostilePath)!);
    var hostile = HostileSet.Generate(encoding);
    VectorSet.Write(hostile, hostilePath);
    Console.WriteLine($"{hostile.Vectors.Count} hostile vectors written to {hostilePath}");
}

var statusListsPath = Path.Combine(RepositoryPaths.Vectors, "hostile", "status-lists.json");
var statusLists = HostileStatusLists.Generate();
VectorSet.Write(statusLists, statusListsPath);
Console.WriteLine($"{statusLists.Vectors.Count} hostile status-list vectors written to {statusListsPath}");

var rulePath = Path.Combine(RepositoryPaths.Vectors, StatusRuleVectorFile.FileName);
if (args.Contains("--republish") || !File.Exists(rulePath))
{
    await File.WriteAllTextAsync(rulePath, System.Text.Json.JsonSerializer.Serialize(StatusRuleVectorFile.Generate(),
        new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
    Console.WriteLine($"status-rule vector written to {rulePath}");
}
