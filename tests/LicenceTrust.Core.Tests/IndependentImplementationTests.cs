using LicenceTrust.Samples;
using System.Diagnostics;
using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Results;
using LicenceTrust.KeyStore;
using LicenceTrust.Testing;

namespace LicenceTrust.Core.Tests;

/// <summary>Our signatures checked by code we did not write: .NET's COSE for ES256, OpenSSL for SM2.</summary>
public sealed class IndependentImplementationTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("lt-interop-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Theory]
    [InlineData("cq")]
    [InlineData("sc")]
    public void ES256_credentials_verify_with_dotnet_CoseSign1Message(string node)
    {
        Province.TryFromNodeId(node, out var province);
        var licence = ALicence.OfType(SampleLicenceTypes.ProfessionalQualification).In(province).Build();
        var issuer = SampleKeys.IssuerOf(licence);
        Assert.Equal(SignatureAlgorithm.Es256, issuer.Certificate.Algorithm);

        var credential = Credentials.Sign(licence);
        var message = CoseMessage.DecodeSign1(credential.CoseBytes);
        using var publicKey = ECDsa.Create();
        publicKey.ImportSubjectPublicKeyInfo(issuer.Certificate.Key.SubjectPublicKeyInfo.Span, out _);

        Assert.True(message.VerifyEmbedded(publicKey));
        Assert.Equal(issuer.Certificate.Kid.ToBytes(), message.ProtectedHeaders[CoseHeaderLabel.KeyIdentifier].GetValueAsBytes());
    }

    [Fact]
    public void A_credential_signed_by_dotnet_CoseSign1Message_verifies_here()
    {
        var licence = ALicence.OfType(SampleLicenceTypes.ForeignerWorkPermit).In(SampleProvinces.Chongqing).Build();
        var issuer = SampleKeys.IssuerOf(licence);
        using var privateKey = ECDsa.Create();
        privateKey.ImportFromPem(((SigningKey)issuer.Key).ToPkcs8Pem());
        var headers = new CoseHeaderMap { [CoseHeaderLabel.KeyIdentifier] = CoseHeaderValue.FromBytes(issuer.Certificate.Kid.ToBytes()) };
        var payload = CredentialWriter.Payload(CredentialClaims.Create(licence, TestClock.SignedAt, Credentials.Status()), CredentialEncoding.Lt1);

        var cose = CoseSign1Message.SignEmbedded(payload, new CoseSigner(privateKey, HashAlgorithmName.SHA256, headers));
        var result = new CredentialVerifier(SampleKeys.TrustStore).Verify(Credentials.Wrap(cose), TestClock.Now);

        Assert.Equal(Verdict.Valid, result.Verdict);
    }

    [Fact]
    public void A_tampered_ES256_credential_fails_in_dotnet_CoseSign1Message_too()
    {
        var licence = ALicence.OfType(SampleLicenceTypes.ProfessionalQualification).Build();
        var issuer = SampleKeys.IssuerOf(licence);
        var cose = Credentials.Sign(licence).CoseBytes;
        cose[^1] ^= 1;
        using var publicKey = ECDsa.Create();
        publicKey.ImportSubjectPublicKeyInfo(issuer.Certificate.Key.SubjectPublicKeyInfo.Span, out _);
        Assert.False(CoseMessage.DecodeSign1(cose).VerifyEmbedded(publicKey));
    }

    [Fact]
    public void SM2_credential_signatures_verify_with_openssl()
    {
        var licence = ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Chongqing).Build();
        var issuer = SampleKeys.IssuerOf(licence);
        Assert.Equal(SignatureAlgorithm.Sm2Sm3, issuer.Certificate.Algorithm);
        var decoded = CredentialReader.Read(Credentials.Sign(licence).QrText).Credential!;

        File.WriteAllBytes(Path("tbs.bin"), decoded.ToBeSigned());
        File.WriteAllBytes(Path("sig.der"), ToDer(decoded.Signature.Span));
        File.WriteAllText(Path("pub.pem"), ((SigningKey)issuer.Key).ToPublicKeyPem());

        var (code, output) = OpenSsl($"pkeyutl -verify -pubin -inkey pub.pem -rawin -in tbs.bin -sigfile sig.der -digest sm3 -pkeyopt distid:1234567812345678");
        Assert.True(code == 0, output);
        Assert.Contains("Signature Verified Successfully", output, StringComparison.Ordinal);

        // The same signature must fail for other data: proves openssl really checked it.
        File.WriteAllBytes(Path("tbs.bin"), [.. decoded.ToBeSigned().Append((byte)0)]);
        Assert.NotEqual(0, OpenSsl($"pkeyutl -verify -pubin -inkey pub.pem -rawin -in tbs.bin -sigfile sig.der -digest sm3 -pkeyopt distid:1234567812345678").Code);
    }

    [Fact]
    public void An_openssl_SM2_signature_verifies_here()
    {
        var key = SigningKey.Generate(SignatureAlgorithm.Sm2Sm3);
        File.WriteAllText(Path("key.pem"), key.ToPkcs8Pem());
        var data = "川渝通办，一地认证，全网通办"u8.ToArray();
        File.WriteAllBytes(Path("data.bin"), data);

        var (code, output) = OpenSsl("pkeyutl -sign -inkey key.pem -rawin -in data.bin -out sig.der -digest sm3 -pkeyopt distid:1234567812345678");
        Assert.True(code == 0, output);
        var signature = FromDer(File.ReadAllBytes(Path("sig.der")));

        var verifier = VerificationKey.FromPem(key.ToPublicKeyPem());
        Assert.True(verifier.Verify(data, signature));
        Assert.False(verifier.Verify("川渝通办"u8, signature));
    }

    [Fact]
    public void Openssl_accepts_the_sample_certificate_chains_of_both_algorithms()
    {
        foreach (var province in SampleKeys.Provinces)
        {
            File.WriteAllText(Path("root.pem"), CertificateFactory.ToPem(province.Root.Der.ToArray()));
            AssertOpenSslVerifiesSelfSignature(province.Root.Der.ToArray());
            foreach (var issuer in province.Issuers)
            {
                File.WriteAllText(Path("issuer.pem"), CertificateFactory.ToPem(issuer.Certificate.Der.ToArray()));
                // The roots are SM2, so every certificate signature is SM3withSM2. OpenSSL 3.0 does not
                // assume GM/T 0009's default user ID for certificates, and applies -vfyopt to the
                // certificate being verified only: so the root is checked on its own above.
                var (code, output) = OpenSsl($"verify -attime 1780000000 -vfyopt distid:1234567812345678 -CAfile root.pem issuer.pem");
                Assert.True(code == 0, $"{issuer.Certificate.Subject}: {output}");
            }

            // And refuses an issuer of the other province under this root.
            var other = SampleKeys.Provinces.Single(p => p.Province != province.Province).Issuers[0];
            File.WriteAllText(Path("issuer.pem"), CertificateFactory.ToPem(other.Certificate.Der.ToArray()));
            Assert.NotEqual(0, OpenSsl($"verify -attime 1780000000 -vfyopt distid:1234567812345678 -CAfile root.pem issuer.pem").Code);
        }
    }

    [Fact]
    public void Sample_key_files_are_read_by_openssl_as_SM2_and_P256()
    {
        var folder = System.IO.Path.Combine(RepositoryPaths.KeysSample, "sc", KeyDirectory.IssuersFolder);
        var sm2 = Directory.GetFiles(folder, "*-sm2-sm3.key.pem")[0];
        var es256 = Directory.GetFiles(folder, "*-es256.key.pem")[0];
        Assert.Contains("SM2", OpenSsl($"pkey -in {sm2} -noout -text").Output, StringComparison.Ordinal);
        Assert.Contains("prime256v1", OpenSsl($"pkey -in {es256} -noout -text").Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SM2-SM3")]
    [InlineData("ES256")]
    public void Encrypted_key_files_open_with_openssl_under_the_passphrase_and_not_without_it(string algorithm)
    {
        Assert.True(SignatureAlgorithm.TryFromName(algorithm, out var alg));
        var key = SigningKey.Generate(alg);
        File.WriteAllText(Path("key.pem"), KeyFiles.ToEncryptedPem(key, "a passphrase of the province"));
        File.WriteAllText(Path("pass.txt"), "a passphrase of the province\n");
        File.WriteAllText(Path("wrong.txt"), "another passphrase\n");

        // openssl opens the key and derives its public key: the same as ours, so it read the same secret.
        var opened = OpenSsl("pkey -in key.pem -passin file:pass.txt -pubout -outform DER -out public.der");
        var refused = OpenSsl("pkey -in key.pem -passin file:wrong.txt -pubout -outform DER -out wrong.der");
        var parameters = OpenSsl("asn1parse -in key.pem");

        Assert.True(opened.Code == 0, opened.Output);
        Assert.Equal(key.SubjectPublicKeyInfo.ToArray(), File.ReadAllBytes(Path("public.der")));
        Assert.NotEqual(0, refused.Code);
        Assert.Contains("PBES2", parameters.Output, StringComparison.Ordinal);
        Assert.Contains("hmacWithSHA256", parameters.Output, StringComparison.Ordinal);
        Assert.Contains("aes-256-cbc", parameters.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// openssl verify never applies -vfyopt to a trust anchor's self-signature, so the root's SM2
    /// signature is checked with pkeyutl over the TBSCertificate bytes instead.
    /// </summary>
    private void AssertOpenSslVerifiesSelfSignature(byte[] rootDer)
    {
        var certificate = new AsnReader(rootDer, AsnEncodingRules.DER).ReadSequence();
        var tbs = certificate.ReadEncodedValue().ToArray();
        certificate.ReadSequence();
        var signature = certificate.ReadBitString(out _);
        File.WriteAllBytes(Path("tbs.der"), tbs);
        File.WriteAllBytes(Path("rootsig.der"), signature);
        File.WriteAllText(Path("root.pem"), CertificateFactory.ToPem(rootDer));
        Assert.Equal(0, OpenSsl("x509 -in root.pem -pubkey -noout -out rootpub.pem").Code);
        var (code, output) = OpenSsl("pkeyutl -verify -pubin -inkey rootpub.pem -rawin -in tbs.der -sigfile rootsig.der -digest sm3 -pkeyopt distid:1234567812345678");
        Assert.True(code == 0, $"root self-signature: {output}");
    }

    private string Path(string name) => System.IO.Path.Combine(_work, name);

    private (int Code, string Output) OpenSsl(string arguments)
    {
        var start = new ProcessStartInfo("openssl", arguments) { WorkingDirectory = _work, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000), "openssl did not finish");
        return (process.ExitCode, output.Result + error.Result);
    }

    private static byte[] ToDer(ReadOnlySpan<byte> rs)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(new BigInteger(rs[..32], isUnsigned: true, isBigEndian: true));
            writer.WriteInteger(new BigInteger(rs[32..], isUnsigned: true, isBigEndian: true));
        }

        return writer.Encode();
    }

    private static byte[] FromDer(byte[] der)
    {
        var sequence = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var r = sequence.ReadInteger().ToByteArray(isUnsigned: true, isBigEndian: true);
        var s = sequence.ReadInteger().ToByteArray(isUnsigned: true, isBigEndian: true);
        var signature = new byte[64];
        r.CopyTo(signature, 32 - r.Length);
        s.CopyTo(signature, 64 - s.Length);
        return signature;
    }
}
