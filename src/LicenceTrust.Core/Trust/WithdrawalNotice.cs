using System.Formats.Cbor;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Pki;

namespace LicenceTrust.Core.Trust;

/// <summary>
/// An emergency de-trust notice (docs/federation.md): a province withdraws one of its issuer certificates
/// (e.g. a compromised key) and tells its peers at once rather than at the next sync. The sequence
/// grows with every notice of that province; with the id and issue time it lets a receiver refuse replays.
/// </summary>
public sealed record WithdrawalNotice(string Id, Province Province, long Sequence, DateTimeOffset IssuedAt, string Fingerprint, string Reason)
{
    public const string MediaType = "application/licencetrust-withdrawal+cbor";

    public byte[] Sign(ICredentialSigner signer, ReadOnlySpan<byte> signerCertificateDer)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(6);
        writer.WriteTextString("id");
        writer.WriteTextString(Id);
        writer.WriteTextString("iat");
        writer.WriteInt64(IssuedAt.ToUnixTimeSeconds());
        writer.WriteTextString("seq");
        writer.WriteInt64(Sequence);
        writer.WriteTextString("reason");
        writer.WriteTextString(Reason);
        writer.WriteTextString("province");
        writer.WriteTextString(Province.NodeId);
        writer.WriteTextString("fingerprint");
        writer.WriteTextString(Fingerprint);
        writer.WriteEndMap();
        return SignedDocument.Sign(MediaType, writer.Encode(), signer, signerCertificateDer);
    }

    /// <summary>Reads a notice signed under <paramref name="root"/>; replay and age are the receiver's checks.</summary>
    public static WithdrawalNotice? TryRead(byte[] document, TrustAnchor root, out string error)
    {
        ArgumentNullException.ThrowIfNull(root);
        return SignedDocument.TryRead<WithdrawalNotice>(document, MediaType, root, (map, _) =>
        {
            if (!Province.TryFromNodeId(SignedDocument.Value(map, "province").ReadTextString(), out var province) || province != root.Province)
            {
                return (null, "the notice's province does not match its signer");
            }

            var fingerprint = SignedDocument.Value(map, "fingerprint").ReadTextString();
            if (fingerprint.Length != 64 || !fingerprint.All(Uri.IsHexDigit))
            {
                return (null, "the fingerprint is not a SHA-256 in hex");
            }

            return (new WithdrawalNotice(
                SignedDocument.Value(map, "id").ReadTextString(),
                province,
                SignedDocument.Value(map, "seq").ReadInt64(),
                DateTimeOffset.FromUnixTimeSeconds(SignedDocument.Value(map, "iat").ReadInt64()),
                fingerprint.ToLowerInvariant(),
                SignedDocument.Value(map, "reason").ReadTextString()), string.Empty);
        }, out error);
    }
}
