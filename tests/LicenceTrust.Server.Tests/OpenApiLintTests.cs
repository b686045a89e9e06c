using System.Diagnostics;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// The committed contract, docs/openapi.json (kept equal to the served document by
/// <see cref="OpenApiSnapshotTests"/>), passes an outside linter: Redocly CLI with its recommended rules
/// (tests/openapi-lint/redocly.yaml; every rule changed there says why), examples validated against
/// their schemas as errors. scripts/test.sh installs the pinned CLI with npm ci.
/// </summary>
public class OpenApiLintTests
{
    [Fact]
    public async Task The_OpenAPI_document_passes_Redocly_recommended_rules()
    {
        var folder = Path.Combine(RepositoryPaths.Root, "tests", "openapi-lint");
        var cli = Path.Combine(folder, "node_modules", "@redocly", "cli", "bin", "cli.js");
        Assert.True(File.Exists(cli), $"Redocly CLI is not installed: run `npm ci` in {folder} (scripts/test.sh does).");

        var start = new ProcessStartInfo("node", $"\"{cli}\" lint ../../docs/openapi.json --config redocly.yaml --format=stylish")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var lint = Process.Start(start)!;
        var output = lint.StandardOutput.ReadToEndAsync();
        var errors = lint.StandardError.ReadToEndAsync();
        await lint.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(lint.ExitCode == 0, await output + await errors);
        Assert.DoesNotContain("warning", (await output + await errors).Replace("Deprecation warning", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }
}
