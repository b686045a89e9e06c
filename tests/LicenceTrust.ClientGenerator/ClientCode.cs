using NJsonSchema.CodeGeneration.CSharp;
using NSwag;
using NSwag.CodeGeneration.CSharp;

namespace LicenceTrust.ClientGenerator;

/// <summary>Generates the C# client of the node API from docs/openapi.json with NSwag. Deterministic.</summary>
public static class ClientCode
{
    public static string ClientPath => Path.Combine(Testing.RepositoryPaths.Root, "src", "LicenceTrust.Client", "LicenceTrustClient.g.cs");

    public static string OpenApiPath => Path.Combine(Testing.RepositoryPaths.Root, "docs", "openapi.json");

    public static async Task<string> GenerateAsync()
    {
        var document = await OpenApiDocument.FromJsonAsync(await File.ReadAllTextAsync(OpenApiPath));
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "LicenceTrustClient",
            GenerateClientInterfaces = true,
            UseBaseUrl = false,
            InjectHttpClient = true,
            GenerateOptionalParameters = true,
            CSharpGeneratorSettings =
            {
                Namespace = "LicenceTrust.Client",
                JsonLibrary = CSharpJsonLibrary.SystemTextJson,
                GenerateNullableReferenceTypes = true,
            },
        };
        var code = new CSharpClientGenerator(document, settings).GenerateFile();
        // NSwag stamps its version into the file; the drift test compares content only, so keep it fixed.
        return string.Join('\n', code.Replace("\r\n", "\n").Split('\n').Select(line => line.TrimEnd())) + "\n";
    }
}
