// Regenerates src/LicenceTrust.Client/LicenceTrustClient.g.cs from docs/openapi.json:
//   dotnet run --project tests/LicenceTrust.ClientGenerator
// (after LICENCETRUST_UPDATE_OPENAPI=1 dotnet test --filter OpenApi has refreshed docs/openapi.json).
using LicenceTrust.ClientGenerator;

await File.WriteAllTextAsync(ClientCode.ClientPath, await ClientCode.GenerateAsync());
Console.WriteLine($"Client written to {ClientCode.ClientPath}");
