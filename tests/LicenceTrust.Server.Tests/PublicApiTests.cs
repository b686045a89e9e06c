using System.Reflection;
using LicenceTrust.Testing;
using PublicApiGenerator;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Each library project's public surface, written out by PublicApiGenerator and committed under
/// tests/public-api/, so a change to what a module exposes shows in review. After an intended change:
/// <c>LICENCETRUST_UPDATE_PUBLIC_API=1 dotnet test --filter PublicApi</c>.
/// </summary>
public class PublicApiTests
{
    public static TheoryData<string> Libraries() =>
    [
        "LicenceTrust.Core", "LicenceTrust.Issuance", "LicenceTrust.Status", "LicenceTrust.Verification", "LicenceTrust.Federation",
        "LicenceTrust.Storage", "LicenceTrust.KeyStore", "LicenceTrust.QrImages", "LicenceTrust.Samples", "LicenceTrust.Sharing",
    ];

    [Theory]
    [MemberData(nameof(Libraries))]
    public void The_public_API_matches_the_committed_listing(string library)
    {
        var listing = Assembly.Load(library).GeneratePublicApi(new ApiGeneratorOptions { ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute"] }).ReplaceLineEndings("\n");
        var path = Path.Combine(RepositoryPaths.Root, "tests", "public-api", library + ".txt");
        if (Environment.GetEnvironmentVariable("LICENCETRUST_UPDATE_PUBLIC_API") == "1")
        {
            File.WriteAllText(path, listing);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run with LICENCETRUST_UPDATE_PUBLIC_API=1");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), listing);
    }
}
