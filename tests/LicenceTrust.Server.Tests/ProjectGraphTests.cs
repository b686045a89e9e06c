using System.Xml.Linq;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The module rules of docs/architecture.md, read from the .csproj files themselves (references and
/// packages, followed through project references), so a forbidden reference fails here before review.
/// </summary>
public class ProjectGraphTests
{
    private static readonly string[] AdoNet = ["Dapper", "Npgsql", "Microsoft.Data.Sqlite", "Microsoft.Data.SqlClient", "System.Data.SqlClient", "Microsoft.SqlServer."];

    private static readonly string[] AspNetCore = ["Microsoft.AspNetCore", "NSwag.AspNetCore", "OpenTelemetry.Instrumentation.AspNetCore", "OpenTelemetry.Exporter.Prometheus.AspNetCore"];

    /// <summary>Every project under src/: its name, project references, packages and framework references.</summary>
    public static IReadOnlyDictionary<string, ProjectFile> Projects { get; } = Directory
        .GetFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories)
        .Select(ProjectFile.Read)
        .ToDictionary(p => p.Name);

    [Fact]
    public void Core_references_nothing_of_ours() =>
        Assert.Empty(Projects["LicenceTrust.Core"].ProjectReferences);

    [Theory]
    [InlineData("LicenceTrust.Issuance")]
    [InlineData("LicenceTrust.Status")]
    [InlineData("LicenceTrust.Verification")]
    [InlineData("LicenceTrust.Federation")]
    [InlineData("LicenceTrust.Sharing")]
    public void Domain_capabilities_reference_no_ASP_NET_Core_and_no_ADO_NET_even_indirectly(string project)
    {
        var reach = Closure(project).ToList();
        var packages = reach.SelectMany(p => Projects[p].Packages.Concat(Projects[p].Frameworks)).ToList();

        Assert.DoesNotContain(packages, p => AspNetCore.Any(a => p.StartsWith(a, StringComparison.Ordinal)));
        Assert.DoesNotContain(packages, p => AdoNet.Any(a => p.StartsWith(a, StringComparison.Ordinal)));
        Assert.DoesNotContain(reach, p => p is "LicenceTrust.Storage" or "LicenceTrust.Server" or "LicenceTrust.KeyStore" or "LicenceTrust.Samples");
        Assert.True(Projects[project].Sdk == "Microsoft.NET.Sdk", $"{project} uses {Projects[project].Sdk}");
    }

    [Fact]
    public void Only_Storage_knows_SQL() =>
        Assert.Equal(["LicenceTrust.Storage"], Projects.Values.Where(p => p.Packages.Any(k => AdoNet.Any(a => k.StartsWith(a, StringComparison.Ordinal)))).Select(p => p.Name));

    /// <summary>The two web edges: the host, and the authority console's pages (which the host maps).</summary>
    [Fact]
    public void Only_Server_and_the_console_know_HTTP_hosting() =>
        Assert.Equal(["LicenceTrust.AuthorityConsole", "LicenceTrust.Server"], Projects.Values
            .Where(p => p.Sdk != "Microsoft.NET.Sdk" || p.Frameworks.Count > 0 || p.Packages.Any(k => AspNetCore.Any(a => k.StartsWith(a, StringComparison.Ordinal))))
            .Select(p => p.Name).Order(StringComparer.Ordinal));

    [Fact]
    public void The_console_reaches_no_SQL_and_no_host()
    {
        var reach = Closure("LicenceTrust.AuthorityConsole");
        Assert.DoesNotContain("LicenceTrust.Storage", reach);
        Assert.DoesNotContain("LicenceTrust.Server", reach);
        Assert.DoesNotContain(reach.SelectMany(p => Projects[p].Packages), k => AdoNet.Any(a => k.StartsWith(a, StringComparison.Ordinal)));
    }

    [Fact]
    public void Federation_never_depends_on_Issuance_and_Status_never_on_Issuance_or_Federation()
    {
        Assert.DoesNotContain("LicenceTrust.Issuance", Closure("LicenceTrust.Federation"));
        Assert.DoesNotContain("LicenceTrust.Issuance", Closure("LicenceTrust.Status"));
        Assert.DoesNotContain("LicenceTrust.Federation", Closure("LicenceTrust.Status"));
    }

    /// <summary>No room holds two capabilities: no hand-written source file (C#, Razor, the staff page's script) is over 400 lines; generated ones (the client, obj, bin, node_modules, the built wwwroot) aside.</summary>
    [Fact]
    public void No_hand_written_source_file_is_over_400_lines()
    {
        string[] skipped = ["/obj/", "/bin/", "/node_modules/", "/wwwroot/"];
        var crowded = new[] { "src", "tests", "benchmarks" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, folder), "*", SearchOption.AllDirectories))
            .Select(path => path.Replace('\\', '/'))
            .Where(path => path.EndsWith(".cs", StringComparison.Ordinal) || path.EndsWith(".razor", StringComparison.Ordinal) || path.EndsWith(".js", StringComparison.Ordinal))
            .Where(path => !path.EndsWith(".g.cs", StringComparison.Ordinal) && !skipped.Any(s => path.Contains(s, StringComparison.Ordinal)))
            .Select(path => (Path: Path.GetRelativePath(RepositoryPaths.Root, path), Lines: File.ReadLines(path).Count()))
            .Where(file => file.Lines > 400)
            .Select(file => $"{file.Path}: {file.Lines} lines");

        Assert.Empty(crowded);
    }

    [Fact]
    public void Issuance_does_not_reach_Verification() =>
        Assert.DoesNotContain("LicenceTrust.Verification", Closure("LicenceTrust.Issuance"));

    /// <summary>A console page calls services; only services hold stores (no <c>@inject</c> of a storage port).</summary>
    [Fact]
    public void Console_pages_inject_services_not_stores()
    {
        var pages = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "src", "LicenceTrust.AuthorityConsole"), "*.razor", SearchOption.AllDirectories);
        var injections = pages.SelectMany(page => File.ReadLines(page).Where(line => line.StartsWith("@inject ", StringComparison.Ordinal)).Select(line => (Page: Path.GetFileName(page), Type: line.Split(' ')[1])));

        Assert.NotEmpty(injections);
        Assert.DoesNotContain(injections, i => i.Type.EndsWith("Store", StringComparison.Ordinal) || i.Type is "IIssuanceTransactions" or "ILicenceRegister" or "IAuditLog" or "IApprovalQueue" or "IDatabase");
    }

    [Fact]
    public void The_client_references_no_project_of_ours_and_the_CLI_not_the_server()
    {
        Assert.Empty(Projects["LicenceTrust.Client"].ProjectReferences);
        Assert.DoesNotContain("LicenceTrust.Server", Closure("LicenceTrust.Cli"));
    }

    [Fact]
    public void There_are_no_cycles()
    {
        foreach (var project in Projects.Keys)
        {
            Assert.DoesNotContain(project, Projects[project].ProjectReferences.SelectMany(Closure));
        }
    }

    /// <summary>The project and every project it reaches through project references.</summary>
    private static HashSet<string> Closure(string project)
    {
        var seen = new HashSet<string>();
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var next))
        {
            if (seen.Add(next) && seen.Count < 100)
            {
                foreach (var reference in Projects[next].ProjectReferences)
                {
                    pending.Push(reference);
                }
            }
        }

        return seen;
    }

    /// <summary>What one .csproj says about its dependencies.</summary>
    public sealed record ProjectFile(string Name, string Sdk, IReadOnlyList<string> ProjectReferences, IReadOnlyList<string> Packages, IReadOnlyList<string> Frameworks)
    {
        public static ProjectFile Read(string path)
        {
            var xml = XDocument.Load(path);
            IReadOnlyList<string> Items(string kind) => [.. xml.Descendants(kind).Select(e => (string?)e.Attribute("Include")).OfType<string>()];
            return new ProjectFile(
                Path.GetFileNameWithoutExtension(path),
                (string?)xml.Root!.Attribute("Sdk") ?? string.Empty,
                [.. Items("ProjectReference").Select(r => Path.GetFileNameWithoutExtension(r.Replace('\\', '/')))],
                Items("PackageReference"),
                Items("FrameworkReference"));
        }
    }
}
