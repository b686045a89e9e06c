
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

    [Fact]
    public async Task A_node_started_without_demo_refuses_plaintext_keys_and_says_what_to_do()
    {
        var refused = await Programs.NodeRefusalAsync(_folder, "--Node:AllowPlaintextKeys=false");

        Assert.Contains("not encrypted", refused, StringComparison.Ordinal);
        Assert.Contains("Node:AllowPlaintextKeys", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task New_keys_are_written_encrypted_and_the_cli_refuses_to_write_them_without_a_passphrase()
    {
        var passphrase = Path.Combine(_folder, "passphrase.txt");
        await File.WriteAllTextAsync(passphrase, "a province passphrase\n");

        var without = await Programs.RunWithErrorsAsync(Programs.Cli, $"keys init --province gz --out {_folder}");
        var with = await Programs.RunWithErrorsAsync(Programs.Cli, $"keys init --province gz --out {_folder} --passphrase-file {passphrase}");
        var plain = await Programs.RunWithErrorsAsync(Programs.Cli, $"keys init --province yn --out {_folder} --plaintext");
        var encrypt = await Programs.RunWithErrorsAsync(Programs.Cli, $"keys encrypt --keys {_folder} --province yn --passphrase-file {passphrase}");

        Assert.Equal(2, without.Code);
        Assert.Contains("LICENCETRUST_KEY_PASSPHRASE", without.Error, StringComparison.Ordinal);
        Assert.True(with.Code == 0, with.Error);
        Assert.True(plain.Code == 0, plain.Error);
        Assert.True(encrypt.Code == 0, encrypt.Error);
        Assert.Contains("2 of 2 key files of yn encrypted", encrypt.Output, StringComparison.Ordinal);
        foreach (var province in new[] { "gz", "yn" })
        {
            Assert.All(Directory.GetFiles(Path.Combine(_folder, province), "*.key.pem"),
                file => Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", File.ReadAllText(file), StringComparison.Ordinal));
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
