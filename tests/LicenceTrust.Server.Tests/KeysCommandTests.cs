using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>The key commands never replace keys silently (the README tour's trap: `keys sample --out keys-sample`).</summary>
public sealed class KeysCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-keys-cmd-").FullName;

    [Fact]
    public async Task Keys_sample_refuses_to_replace_existing_sample_keys_and_says_what_that_would_break_unless_forced()
    {
        var first = await Programs.RunAsync(Programs.Cli, $"keys sample --out {_folder}");
        var root = await File.ReadAllTextAsync(Path.Combine(_folder, "cq", "root.crt.pem"));

        var refused = await Programs.RunWithErrorsAsync(Programs.Cli, $"keys sample --out {_folder}");
        var unchanged = await File.ReadAllTextAsync(Path.Combine(_folder, "cq", "root.crt.pem"));
        var forced = await Programs.RunAsync(Programs.Cli, $"keys sample --out {_folder} --force");

        Assert.True(first.Code == 0, first.Output);
        Assert.Equal(2, refused.Code);
        Assert.Contains("INVALID / UNKNOWN_ISSUER", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--force", refused.Error, StringComparison.Ordinal);
        Assert.Equal(root, unchanged);
        Assert.True(forced.Code == 0, forced.Output);
        Assert.NotEqual(root, await File.ReadAllTextAsync(Path.Combine(_folder, "cq", "root.crt.pem")));
    }

    [Fact]
    public async Task Keys_init_refuses_a_province_outside_the_registry_and_names_the_rule()
    {
        var refused = await Programs.RunWithErrorsAsync(Programs.Cli, $"keys init --province zz --out {_folder}");

        Assert.Equal(2, refused.Code);
        Assert.Contains("registry", refused.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder, "zz")));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
