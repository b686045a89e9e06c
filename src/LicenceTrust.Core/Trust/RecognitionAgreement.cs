using System.Formats.Cbor;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Pki;

namespace LicenceTrust.Core.Trust;

/// <summary>
/// Which licence types of the peer province the accepting province recognises, and from when
/// (docs/federation.md). Signed by the accepting province's list-signing key, so a node checks its own
/// configuration file against its own root before relying on it.
/// </summary>
public sealed record RecognitionAgreement(Province Accepting, Province Peer, IReadOnlySet<string> LicenceTypes, DateTimeOffset From, DateTimeOffset SignedAt)
{
    public const string MediaType = "application/licencetrust-recognition+cbor";

    /// <summary>Whether a licence of this type, signed at <paramref name="signedAt"/>, is recognised.</summary>
    public bool Covers(LicenceTypeCode type, DateTimeOffset signedAt) => LicenceTypes.Contains(type.Value) && signedAt >= From;

    public byte[] Sign(ICredentialSigner signer, ReadOnlySpan<byte> signerCertificateDer)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(5);
        writer.WriteTextString("iat");
        writer.WriteInt64(SignedAt.ToUnixTimeSeconds());
        writer.WriteTextString("from");
        writer.WriteInt64(From.ToUnixTimeSeconds());
        writer.WriteTextString("peer");
        writer.WriteTextString(Peer.NodeId);
        writer.WriteTextString("types");
        writer.WriteStartArray(LicenceTypes.Count);
        foreach (var type in LicenceTypes.Order(StringComparer.Ordinal))
        {
            writer.WriteTextString(type);
        }

        writer.WriteEndArray();
        writer.WriteTextString("accepting");
        writer.WriteTextString(Accepting.NodeId);
        writer.WriteEndMap();
        return SignedDocument.Sign(MediaType, writer.Encode(), signer, signerCertificateDer);
    }

    /// <summary>Reads an agreement signed under the accepting province's <paramref name="root"/>.</summary>
    public static RecognitionAgreement? TryRead(byte[] document, TrustAnchor root, out string error)
    {
        ArgumentNullException.ThrowIfNull(root);
        return SignedDocument.TryRead<RecognitionAgreement>(document, MediaType, root, (map, _) =>
        {
            if (!Province.TryFromNodeId(SignedDocument.Value(map, "accepting").ReadTextString(), out var accepting) || accepting != root.Province
                || !Province.TryFromNodeId(SignedDocument.Value(map, "peer").ReadTextString(), out var peer) || peer == accepting)
            {
                return (null, "the agreement's provinces do not fit its signer");
            }

            var types = new HashSet<string>(StringComparer.Ordinal);
            var list = SignedDocument.Value(map, "types");
            var count = list.ReadStartArray() ?? throw new FormatException("indefinite arrays are not allowed");
            for (var i = 0; i < count; i++)
            {
                types.Add(LicenceTypeCode.Parse(list.ReadTextString()).Value);
            }

            return (new RecognitionAgreement(accepting, peer, types,
                DateTimeOffset.FromUnixTimeSeconds(SignedDocument.Value(map, "from").ReadInt64()),
                DateTimeOffset.FromUnixTimeSeconds(SignedDocument.Value(map, "iat").ReadInt64())), string.Empty);
        }, out error);
    }
}
