using LicenceTrust.Core.Crypto;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.KeyStore.Tests;

/// <summary>Key files (docs/operations.md, "Key files"): encrypted by default, plaintext only when allowed, and every refusal says what to do.</summary>
public sealed class KeyFilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-keyfiles-").FullName;

    [Fact]
    public void An_encrypted_key_opens_with_its_passphrase_and_signs_as_before()
    {
        var key = SigningKey.Generate(SignatureAlgorithm.Sm2Sm3);
        var path = Write("issuer.key.pem", KeyFiles.ToEncryptedPem(key, "passphrase-1"));

        var opened = KeyFiles.Read(path, new KeyAccess("passphrase-1", AllowPlaintext: false));

        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal(key.ToPkcs8(), opened.ToPkcs8());
        Assert.True(VerificationKey.FromSubjectPublicKeyInfo(key.SubjectPublicKeyInfo.ToArray()).Verify("川渝通办"u8, opened.Sign("川渝通办"u8)));
    }

    [Fact]
    public void Each_refusal_names_the_file_and_what_to_do()
    {
        var key = SigningKey.Generate(SignatureAlgorithm.Es256);
        var encrypted = Write("enc.key.pem", KeyFiles.ToEncryptedPem(key, "right"));
        var plain = Write("plain.key.pem", key.ToPkcs8Pem());

        var wrong = Assert.Throws<InvalidDataException>(() => KeyFiles.Read(encrypted, new KeyAccess("wrong", AllowPlaintext: false)));
        var none = Assert.Throws<InvalidDataException>(() => KeyFiles.Read(encrypted, new KeyAccess(null, AllowPlaintext: true)));
        var plaintext = Assert.Throws<InvalidDataException>(() => KeyFiles.Read(plain, new KeyAccess("right", AllowPlaintext: false)));

        Assert.Contains("the passphrase does not open the key", wrong.Message, StringComparison.Ordinal);
        Assert.Contains(KeyAccess.PassphraseVariable, none.Message, StringComparison.Ordinal);
        Assert.Contains("Node:AllowPlaintextKeys", plaintext.Message, StringComparison.Ordinal);
        Assert.All([wrong, none, plaintext], e => Assert.StartsWith(_folder, e.Message, StringComparison.Ordinal));
        Assert.Equal(key.ToPkcs8(), KeyFiles.Read(plain, KeyAccess.Lenient).ToPkcs8());
    }

    [Fact]
    public void A_key_directory_of_plaintext_sample_keys_is_refused_when_plaintext_is_not_allowed()
    {
        var error = Assert.Throws<InvalidDataException>(() => KeyDirectory.Load(RepositoryPaths.KeysSample, SampleProvinces.Chongqing, new KeyAccess(null, AllowPlaintext: false)));

        Assert.Contains("not encrypted", error.Message, StringComparison.Ordinal);
        Assert.NotEmpty(KeyDirectory.Load(RepositoryPaths.KeysSample, SampleProvinces.Chongqing).Issuers);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
