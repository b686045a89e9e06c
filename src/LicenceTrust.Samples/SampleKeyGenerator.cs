using System.Text.Json;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Trust;
using LicenceTrust.KeyStore;

namespace LicenceTrust.Samples;

/// <summary>
/// Writes a complete sample key directory for both provinces: an SM2 root each, the sample
/// authorities' issuer certificates, and a list signer each. Everything is labelled SAMPLE.
/// </summary>
public static class SampleKeyGenerator
{
    /// <summary>Validity of the sample roots.</summary>
    public static readonly DateTimeOffset RootFrom = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset RootTo = new(2045, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Validity of the sample issuer and list-signing certificates.</summary>
    public static readonly DateTimeOffset LeafFrom = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset LeafTo = new(2035, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void Generate(string directory)
    {
        var manifest = new List<object>();
        foreach (var province in SampleProvinces.All)
        {
            var folder = Path.Combine(directory, province.NodeId);
            var issuerFolder = Path.Combine(folder, KeyDirectory.IssuersFolder);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            Directory.CreateDirectory(issuerFolder);
            var rootKey = SigningKey.Generate(SignatureAlgorithm.Sm2Sm3);
            var root = CertificateFactory.CreateRoot(province, rootKey, $"SAMPLE {province.NameZh}电子证照互认根CA", RootFrom, RootTo);
            Write(folder, KeyDirectory.RootCertificate, CertificateFactory.ToPem(root));
            Write(folder, KeyDirectory.RootKey, rootKey.ToPkcs8Pem());

            var listKey = SigningKey.Generate(SignatureAlgorithm.Sm2Sm3);
            var list = CertificateFactory.CreateListSigner(province, root, rootKey, listKey, $"SAMPLE {province.NameZh}节点列表签名", LeafFrom, LeafTo);
            Write(folder, KeyDirectory.ListSignerCertificate, CertificateFactory.ToPem(list));
            Write(folder, KeyDirectory.ListSignerKey, listKey.ToPkcs8Pem());

            var issuers = new List<object>();
            foreach (var authority in SampleAuthorities.All.Where(a => a.Province == province))
            {
                var key = SigningKey.Generate(authority.Algorithm);
                var profile = new IssuerProfile(authority.Code, authority.Name, [.. authority.Types.Select(t => t.Code)]);
                var der = CertificateFactory.CreateIssuer(province, root, rootKey, key, profile, LeafFrom, LeafTo);
                var certificate = IssuerCertificate.Parse(der);
                var stem = KeyDirectory.IssuerFileStem(certificate);
                Write(issuerFolder, stem + ".crt.pem", CertificateFactory.ToPem(der));
                Write(issuerFolder, stem + ".key.pem", key.ToPkcs8Pem());
                issuers.Add(new { certificate.AuthorityCode, certificate.AuthorityName, algorithm = certificate.Algorithm.Name, kid = certificate.Kid.ToString(), certificate.AllowedLicenceTypes, file = $"{province.NodeId}/issuers/{stem}.crt.pem" });
            }

            manifest.Add(new { province = province.NodeId, name = province.NameZh, rootFingerprint = TrustAnchor.Create(root).Fingerprint, issuers });
        }

        var json = JsonSerializer.Serialize(
            new { warning = "SAMPLE KEYS FOR DEMOS AND TESTS ONLY. NEVER USE IN PRODUCTION.", provinces = manifest },
            new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        File.WriteAllText(Path.Combine(directory, "manifest.json"), json + "\n");
        WriteRecognitionAgreements(directory);
    }

    /// <summary>
    /// The sample mutual recognition: each province accepts every catalogue licence type of the other
    /// from <see cref="LeafFrom"/>, signed with its own list-signing key.
    /// </summary>
    public static void WriteRecognitionAgreements(string directory)
    {
        var provinces = KeyDirectory.Load(directory);
        foreach (var accepting in provinces)
        {
            foreach (var peer in provinces.Where(p => p.Province != accepting.Province))
            {
                var agreement = new RecognitionAgreement(accepting.Province, peer.Province,
                    SampleLicenceTypes.All.Select(t => t.Code.Value).ToHashSet(StringComparer.Ordinal), LeafFrom, LeafFrom);
                File.WriteAllBytes(KeyDirectory.RecognitionAgreementPath(directory, accepting.Province, peer.Province), KeyDirectory.SignRecognitionAgreement(accepting, agreement));
            }
        }
    }

    private static void Write(string folder, string name, string content) => File.WriteAllText(Path.Combine(folder, name), content.TrimEnd() + "\n");
}
