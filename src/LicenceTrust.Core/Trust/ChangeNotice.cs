using System.Formats.Cbor;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Status;

namespace LicenceTrust.Core.Trust;

/// <summary>
/// "What I publish has changed" (docs/federation.md §3): a province tells its peers at once that its trust list
/// or status lists moved, instead of waiting for their next pull. It names the trust-list sequence and each status
/// list's change counter now, so a peer fetches only what moved (conditional GETs) and can tell a notice that would
/// take it back (a rollback) from one that moves it forward. Signed by the province's list signer under its pinned
/// root; <see cref="Sequence"/> grows with every notice the province sends, so a replay is refused.
/// </summary>
/// <param name="Province">The sender.</param>
/// <param name="Sequence">Grows with every notice of the sender (its clock in milliseconds, or one more than the last).</param>
/// <param name="IssuedAt">When it was signed.</param>
/// <param name="TrustListSequence">The sequence of the sender's trust list now.</param>
/// <param name="Lists">Each status list's id and change counter now.</param>
public sealed record ChangeNotice(Province Province, long Sequence, DateTimeOffset IssuedAt, long TrustListSequence, IReadOnlyList<StatusListIndexEntry> Lists)
{
    public const string MediaType = "application/licencetrust-change+cbor";

    /// <summary>The most status lists a notice names (a province numbers a few hundred at most).</summary>
    public const int MaxLists = 4096;

    public byte[] Sign(ICredentialSigner signer, ReadOnlySpan<byte> signerCertificateDer)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(5);
        writer.WriteTextString("iat");
        writer.WriteInt64(IssuedAt.ToUnixTimeMilliseconds());
        writer.WriteTextString("seq");
        writer.WriteInt64(Sequence);
        writer.WriteTextString("lists");
        writer.WriteStartArray(Lists.Count);
        foreach (var list in Lists.OrderBy(l => l.Id))
        {
            writer.WriteStartArray(2);
            writer.WriteInt32(list.Id);
            writer.WriteInt64(list.Version);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteTextString("trust");
        writer.WriteInt64(TrustListSequence);
        writer.WriteTextString("province");
        writer.WriteTextString(Province.NodeId);
        writer.WriteEndMap();
        return SignedDocument.Sign(MediaType, writer.Encode(), signer, signerCertificateDer);
    }

    /// <summary>The province a notice says it is from, before any check (the receiver then checks it under that province's pinned root).</summary>
    public static Province? ClaimedProvince(byte[] document) => SignedDocument.ClaimedProvince(document);

    /// <summary>Reads a notice signed under <paramref name="root"/>; order, age and rollback are the receiver's checks.</summary>
    public static ChangeNotice? TryRead(byte[] document, TrustAnchor root, out string error)
    {
        ArgumentNullException.ThrowIfNull(root);
        return SignedDocument.TryRead<ChangeNotice>(document, MediaType, root, (map, _) =>
        {
            if (!Province.TryFromNodeId(SignedDocument.Value(map, "province").ReadTextString(), out var province) || province != root.Province)
            {
                return (null, "the notice's province does not match its signer");
            }

            var reader = SignedDocument.Value(map, "lists");
            var count = reader.ReadStartArray() ?? throw new FormatException("the lists are of indefinite length");
            if (count > MaxLists)
            {
                return (null, $"the notice names more than {MaxLists} status lists");
            }

            var lists = new List<StatusListIndexEntry>(count);
            for (var i = 0; i < count; i++)
            {
                if (reader.ReadStartArray() != 2)
                {
                    throw new FormatException("a list is not [id, version]");
                }

                var id = reader.ReadInt32();
                var version = reader.ReadInt64();
                reader.ReadEndArray();
                if (id < 0 || version < 0 || lists.Any(l => l.Id == id))
                {
                    return (null, $"status list {id} is negative or named twice");
                }

                lists.Add(new StatusListIndexEntry(id, string.Empty, version));
            }

            reader.ReadEndArray();
            return (new ChangeNotice(
                province,
                SignedDocument.Value(map, "seq").ReadInt64(),
                DateTimeOffset.FromUnixTimeMilliseconds(SignedDocument.Value(map, "iat").ReadInt64()),
                SignedDocument.Value(map, "trust").ReadInt64(),
                lists), string.Empty);
        }, out error);
    }
}
