using System.Diagnostics;
using System.Security.Cryptography;
using LicenceTrust.Core.Crypto;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// A real SoftHSM2 token (installed by scripts/test.sh), made fresh in a folder of the test's own: keys
/// are generated inside it and never leave it; the CLI certifies them and rotates them, and the node signs
/// licences, trust lists and status lists with them (docs/operations.md, "Keys in an HSM").
/// </summary>
public sealed class Pkcs11Tests : IDisposable
{
    private const string Library = "/usr/lib/softhsm/libsofthsm2.so";
    private const string Pin = "4321-pin";
    private readonly string _folder = Directory.CreateTempSubdirectory("lt-hsm-").FullName;

    public Pkcs11Tests()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "tokens"));
        File.WriteAllText(Path.Combine(_folder, "softhsm2.conf"), $"directories.tokendir = {Path.Combine(_folder, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\n");
        File.WriteAllText(PinFile, Pin + "\n");
        // SoftHSM2 finds its tokens through this variable: the node and CLI processes inherit it, and the
        // module loaded into this process reads it with getenv (which .NET's own copy does not reach).
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", Path.Combine(_folder, "softhsm2.conf"));
        _ = SetNativeEnvironment("SOFTHSM2_CONF", Path.Combine(_folder, "softhsm2.conf"), 1);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetNativeEnvironment(string name, string value, int overwrite);

    private string PinFile => Path.Combine(_folder, "pin.txt");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void An_ES256_key_generated_in_the_token_signs_what_an_independent_verifier_accepts_and_cannot_be_extracted()
    {
        InitToken("lt-unit");
        using (var token = Pkcs11Token.Open(new Pkcs11Settings(Library, "lt-unit", Pin)))
        {
            var signer = token.Generate("unit-es256", SignatureAlgorithm.Es256);
            var data = RandomNumberGenerator.GetBytes(700);

            var signature = signer.Sign(data);
            using var verifier = ECDsa.Create();
            verifier.ImportSubjectPublicKeyInfo(signer.SubjectPublicKeyInfo.Span, out _);

            Assert.True(verifier.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
            Assert.False(token.CanExtract("unit-es256"));
            Assert.Equal(signer.SubjectPublicKeyInfo.ToArray(), token.Find("unit-es256").SubjectPublicKeyInfo.ToArray());
            Assert.Throws<InvalidDataException>(() => token.Generate("unit-es256", SignatureAlgorithm.Es256));
            Assert.Contains("vendor", Assert.Throws<InvalidDataException>(() => token.Generate("unit-sm2", SignatureAlgorithm.Sm2Sm3)).Message, StringComparison.Ordinal);
        }

        // One module per process (a node opens one token): the refused PIN is tried once the token above is closed.
        Assert.Contains("CKR_PIN_INCORRECT", Assert.Throws<InvalidDataException>(() => Pkcs11Token.Open(new Pkcs11Settings(Library, "lt-unit", "wrong-pin"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_node_signs_licences_and_lists_with_token_keys_that_the_peer_accepts()
    {
        InitToken("lt-cq");
        var keys = NodeProcess.CopyOfSampleKeys();
        try
        {
            var hr = SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.ProfessionalQualification);
            var hsm = $"--pkcs11-library {Library} --pkcs11-token lt-cq --pkcs11-pin-file {PinFile}";
            await CliAsync($"keys issuer --keys {keys} --province cq --authority {hr.Code.Value} --name {hr.Name} --alg ES256 "
                + string.Join(' ', hr.Types.Select(t => $"--type {t.Code.Value}")) + " " + hsm);
            await CliAsync($"keys list-signer --keys {keys} --province cq {hsm}");

            // The directory names the token keys; no private key of theirs is in a file.
            var issuers = Path.Combine(keys, "cq", "issuers");
            var inToken = Directory.GetFiles(issuers, "*" + KeyDirectory.Pkcs11KeySuffix);
            Assert.Single(inToken);
            Assert.False(File.Exists(inToken[0].Replace(KeyDirectory.Pkcs11KeySuffix, ".key.pem", StringComparison.Ordinal)));
            Assert.True(File.Exists(Path.Combine(keys, "cq", "list-signer" + KeyDirectory.Pkcs11KeySuffix)));
            Assert.False(File.Exists(Path.Combine(keys, "cq", KeyDirectory.ListSignerKey)));

            // With the list signer in the token, both rotations still work: an issuer's successor in a file
            // (no token given: only the root is opened), and the list signer replaced by a new token key.
            var regulator = SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence);
            await CliAsync($"keys issuer --keys {keys} --province cq --authority {regulator.Code.Value} --name {regulator.Name} "
                + string.Join(' ', regulator.Types.Select(t => $"--type {t.Code.Value}")) + " --plaintext");
            var firstLocator = await File.ReadAllTextAsync(Path.Combine(keys, "cq", "list-signer" + KeyDirectory.Pkcs11KeySuffix));
            await Task.Delay(1100); // a new label: labels carry the second
            await CliAsync($"keys list-signer --keys {keys} --province cq {hsm}");
            Assert.NotEqual(firstLocator, await File.ReadAllTextAsync(Path.Combine(keys, "cq", "list-signer" + KeyDirectory.Pkcs11KeySuffix)));
            Assert.Single(Directory.GetFiles(Path.Combine(keys, "cq"), "list-signer.key.pkcs11.replaced-*"));

            // A key file left beside a token locator is named as the problem, not reported as a mismatch.
            var stray = Directory.GetFiles(Path.Combine(keys, "cq"), "list-signer.key.pem.replaced-*").Single();
            File.Copy(stray, Path.Combine(keys, "cq", KeyDirectory.ListSignerKey));
            var both = await Programs.NodeRefusalAsync(keys, $"--Node:KeysDirectory={keys}", $"--Node:Pkcs11:Library={Library}", "--Node:Pkcs11:TokenLabel=lt-cq", $"--Node:Pkcs11:PinFile={PinFile}");
            Assert.Contains("both stand for the key of list-signer", both, StringComparison.Ordinal);
            File.Delete(Path.Combine(keys, "cq", KeyDirectory.ListSignerKey));

            var (chongqing, sichuan) = await NodeProcess.FederatedAsync(keys,
                [$"--Node:Pkcs11:Library={Library}", "--Node:Pkcs11:TokenLabel=lt-cq", $"--Node:Pkcs11:PinFile={PinFile}"], []);
            await using (chongqing)
            await using (sichuan)
            {
                var issued = await chongqing.IssueAsync(chongqing.HrKey, SampleLicenceTypes.ProfessionalQualification, 841);
                var qr = issued.GetProperty("qrText").GetString()!;
                var tokenKid = Core.Crypto.KeyId.ForCertificate(Core.Pki.CertificateFactory.FromPem(File.ReadAllText(inToken[0].Replace(KeyDirectory.Pkcs11KeySuffix, ".crt.pem", StringComparison.Ordinal)))).ToString();

                foreach (var node in new[] { chongqing, sichuan })
                {
                    // At Sichuan this also proves the trust list and status list signed in the token verify under Chongqing's pinned root.
                    var answer = (await node.WaitForVerdictAsync(qr, r => FederationTests.Verdict(r) == "VALID" && r.GetProperty("checkedAgainst").GetProperty("statusSource").GetString() != "cq:live", TimeSpan.FromSeconds(20))).Response;
                    Assert.Equal("VALID", FederationTests.Verdict(answer));
                    Assert.Equal(tokenKid, answer.GetProperty("result").GetProperty("issuer").GetProperty("kid").GetString());
                }
            }
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    private void InitToken(string label)
    {
        using var process = Process.Start(new ProcessStartInfo("softhsm2-util", $"--init-token --free --label {label} --pin {Pin} --so-pin 8765-so") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
    }

    private static async Task CliAsync(string arguments)
    {
        var (code, text) = await Programs.RunAsync(Programs.Cli, arguments);
        Assert.True(code == 0, $"licencetrust {arguments}: {text}");
    }
}
