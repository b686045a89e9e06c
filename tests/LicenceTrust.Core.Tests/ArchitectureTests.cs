using System.Reflection;

namespace LicenceTrust.Core.Tests;

public class ArchitectureTests
{
    [Fact]
    public void Core_references_only_the_BCL_BouncyCastle_CBOR_and_SharpZipLib()
    {
        // SharpZipLib: LT2's preset deflate dictionary, which .NET's ZLibStream cannot set (docs/format.md §12.1).
        var references = typeof(Licences.Licence).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var foreign = references.Where(name => !(name.StartsWith("System", StringComparison.Ordinal)
            || name == "netstandard" || name == "mscorlib" || name == "BouncyCastle.Cryptography" || name == "ICSharpCode.SharpZipLib")).ToList();
        Assert.Empty(foreign);
        Assert.DoesNotContain(references, r => r.StartsWith("System.Data", StringComparison.Ordinal) || r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public void Core_never_touches_files()
    {
        var core = typeof(Licences.Licence).Assembly;
        var fileApis = new[] { typeof(File), typeof(Directory), typeof(FileStream), typeof(FileInfo) };
        // IL-level scan is heavy; the public surface check is enough to catch a file path slipping in.
        var parameters = core.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .SelectMany(m => m.GetParameters())
            .Where(p => fileApis.Contains(p.ParameterType) || (p.Name ?? string.Empty).Contains("path", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(parameters);
    }
}

public class ModuleBoundaryTests
{
    [Theory]
    [InlineData("LicenceTrust.Issuance")]
    [InlineData("LicenceTrust.Status")]
    [InlineData("LicenceTrust.Verification")]
    [InlineData("LicenceTrust.Federation")]
    [InlineData("LicenceTrust.Core")]
    public void Domain_modules_reference_no_web_framework_SQL_or_Dapper(string module)
    {
        var assembly = System.Reflection.Assembly.Load(module);
        var references = assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            || r.StartsWith("System.Data", StringComparison.Ordinal) || r == "Dapper" || r.StartsWith("Npgsql", StringComparison.Ordinal)
            || r.StartsWith("Microsoft.Data", StringComparison.Ordinal) || r.StartsWith("LicenceTrust.Storage", StringComparison.Ordinal)
            || r.StartsWith("LicenceTrust.Server", StringComparison.Ordinal));
    }
}
