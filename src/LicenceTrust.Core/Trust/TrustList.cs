using System.Formats.Cbor;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Pki;

namespace LicenceTrust.Core.Trust;

/// <summary>
/// A province's signed trust list (docs/federation.md): the issuer certificates it vouches for, with a sequence
/// number that only grows. An issuer certificate that leaves the list is no longer trusted.
/// </summary>
/// <param name="Province">Whose issuers these are.</param>
/// <param name="Sequence">Grows with every change; a reader refuses a lower one (rollback).</param>
/// <param name="IssuedAt">When the list was signed.</param>
/// <param name="NextUpdate">When the next list is due at the latest.</param>
/// <param name="Issuers">The issuer certificates vouched for.</param>
/// <param name="Signer">The list-signing certificate that signed it; the province's status lists are signed by the same key.</param>
/// <param name="StatusUriTemplate">
/// Where the province's status lists are (<see cref="Status.StatusUriTemplate"/>): LT2 credentials carry a list
/// number, and this signed template turns it into the list's URI. Null in a list from a node before LT2.
/// </param>
public sealed record TrustList(Province Province, long Sequence, DateTimeOffset IssuedAt, DateTimeOffset NextUpdate, IReadOnlyList<IssuerCertificate> Issuers, ListSignerCertificate? Signer = null, string? StatusUriTemplate = null);

/// <summary>
/// Writes and reads trust lists in a <see cref="SignedDocument"/> of type
/// <c>application/licencetrust-trustlist+cbor</c>. Payload: <c>{"province": "sc", "seq": n, "iat": t,
/// "next": t, "issuers": [{"cert": DER, "authority": code, "region": "sc", "types": [...]}]}</c>. The
/// readable fields of each entry must agree with its certificate, so a reader never has to choose.
/// </summary>
public static class TrustListToken
{
    public const string MediaType = "application/licencetrust-trustlist+cbor";

    public static byte[] Write(TrustList list, ICredentialSigner signer, ReadOnlySpan<byte> signerCertificateDer)
    {
        ArgumentNullException.ThrowIfNull(list);
        if (list.StatusUriTemplate is { } template && !Status.StatusUriTemplate.IsValid(template))
        {
            throw new ArgumentException($"'{template}' is not a status-list URI template.", nameof(list));
        }

        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(list.StatusUriTemplate is null ? 5 : 6);
        writer.WriteTextString("iat");
        writer.WriteInt64(list.IssuedAt.ToUnixTimeSeconds());
        writer.WriteTextString("seq");
        writer.WriteInt64(list.Sequence);
        writer.WriteTextString("next");
        writer.WriteInt64(list.NextUpdate.ToUnixTimeSeconds());
        if (list.StatusUriTemplate is { } statusTemplate)
        {
            writer.WriteTextString("status");
            writer.WriteTextString(statusTemplate);
        }

        writer.WriteTextString("issuers");
        writer.WriteStartArray(list.Issuers.Count);
        foreach (var issuer in list.Issuers.OrderBy(i => i.Fingerprint, StringComparer.Ordinal))
        {
            writer.WriteStartMap(4);
            writer.WriteTextString("cert");
            writer.WriteByteString(issuer.Der.Span);
            writer.WriteTextString("types");
            writer.WriteStartArray(issuer.AllowedLicenceTypes.Count);
            foreach (var type in issuer.AllowedLicenceTypes.Order(StringComparer.Ordinal))
            {
                writer.WriteTextString(type);
            }

            writer.WriteEndArray();
            writer.WriteTextString("region");
            writer.WriteTextString(issuer.Province.NodeId);
            writer.WriteTextString("authority");
            writer.WriteTextString(issuer.AuthorityCode);
            writer.WriteEndMap();
        }

        writer.WriteEndArray();
        writer.WriteTextString("province");
        writer.WriteTextString(list.Province.NodeId);
        writer.WriteEndMap();
        return SignedDocument.Sign(MediaType, writer.Encode(), signer, signerCertificateDer);
    }

    /// <summary>Reads a trust list signed under <paramref name="root"/>; null and why for anything else.</summary>
    public static TrustList? TryRead(byte[] token, TrustAnchor root, out string error)
    {
        ArgumentNullException.ThrowIfNull(root);
        return SignedDocument.TryRead<TrustList>(token, MediaType, root, (map, signer) =>
        {
            var province = SignedDocument.Value(map, "province").ReadTextString();
            if (!Province.TryFromNodeId(province, out var listProvince) || listProvince != root.Province)
            {
                return (null, $"the list is for province '{province}', the root for {root.Province.NodeId}");
            }

            var issuers = new List<IssuerCertificate>();
            var entries = SignedDocument.Value(map, "issuers");
            var count = entries.ReadStartArray() ?? throw new FormatException("indefinite arrays are not allowed");
            for (var i = 0; i < count; i++)
            {
                issuers.Add(ReadEntry(entries));
            }

            string? template = null;
            if (map.ContainsKey("status"))
            {
                template = SignedDocument.Value(map, "status").ReadTextString();
                if (!Status.StatusUriTemplate.IsValid(template))
                {
                    return (null, $"the status-list template '{template}' is not an http(s) URI with one {{list}}");
                }
            }

            return (new TrustList(
                listProvince,
                SignedDocument.Value(map, "seq").ReadInt64(),
                DateTimeOffset.FromUnixTimeSeconds(SignedDocument.Value(map, "iat").ReadInt64()),
                DateTimeOffset.FromUnixTimeSeconds(SignedDocument.Value(map, "next").ReadInt64()),
                issuers,
                signer,
                template), string.Empty);
        }, out error);
    }

    private static IssuerCertificate ReadEntry(CborReader reader)
    {
        string? authority = null, region = null;
        byte[]? der = null;
        var types = new List<string>();
        var fields = reader.ReadStartMap() ?? throw new FormatException("indefinite maps are not allowed");
        for (var i = 0; i < fields; i++)
        {
            switch (reader.ReadTextString())
            {
                case "cert": der = reader.ReadByteString(); break;
                case "authority": authority = reader.ReadTextString(); break;
                case "region": region = reader.ReadTextString(); break;
                case "types":
                    var n = reader.ReadStartArray() ?? throw new FormatException("indefinite arrays are not allowed");
                    for (var j = 0; j < n; j++)
                    {
                        types.Add(reader.ReadTextString());
                    }

                    reader.ReadEndArray();
                    break;
                default: reader.SkipValue(); break;
            }
        }

        reader.ReadEndMap();
        var certificate = IssuerCertificate.Parse(der ?? throw new FormatException("an entry has no certificate"));
        if (certificate.AuthorityCode != authority || certificate.Province.NodeId != region
            || !types.Order(StringComparer.Ordinal).SequenceEqual(certificate.AllowedLicenceTypes.Order(StringComparer.Ordinal)))
        {
            throw new FormatException($"the entry for {certificate.Fingerprint[..16]} disagrees with its certificate");
        }

        return certificate;
    }
}
