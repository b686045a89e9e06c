using System.Formats.Cbor;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Text;

namespace LicenceTrust.Core.Trust;

/// <summary>
/// A service window's request for a holder's licences, from the node of the requesting province to the holder's home
/// node (docs/federation.md §9): who asks (the province, the officer masked), for what (the case, the matter, its
/// purpose), whose licences of which types, and the holder's consent code where one is needed. Signed by the requesting
/// province's list signer under its pinned root, so the home node knows the province asked; <see cref="Id"/> is random,
/// so a replay is refused by id, and <see cref="IssuedAt"/> bounds how long one could be replayed at all.
/// </summary>
/// <param name="Province">The requesting province.</param>
/// <param name="Id">32 random hex digits, new for every request.</param>
/// <param name="IssuedAt">When it was signed.</param>
/// <param name="Officer">The clerk, masked (a staff user name or a partner key's name, never a person's ID).</param>
/// <param name="CaseNumber">The window's case number (办件编号).</param>
/// <param name="Matter">The matter code (事项编码) of the catalogue both provinces ship.</param>
/// <param name="Holder">The holder's code (the home node holds it already).</param>
/// <param name="Types">The licence type codes asked for.</param>
/// <param name="Consent">The holder's one-time consent code, where a type needs it.</param>
/// <param name="Purpose">Why, in a few words, for the holder's usage log.</param>
public sealed record EvidenceRequest(Province Province, string Id, DateTimeOffset IssuedAt, string Officer, string CaseNumber, string Matter, string Holder,
    IReadOnlyList<string> Types, string? Consent, string Purpose)
{
    public const string MediaType = "application/licencetrust-evidence-request+cbor";

    /// <summary>The most types one request names.</summary>
    public const int MaxTypes = 10;

    /// <summary>The longest text field (characters).</summary>
    public const int MaxText = 100;

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    public byte[] Sign(ICredentialSigner signer, ReadOnlySpan<byte> signerCertificateDer)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(Consent is null ? 9 : 10);
        writer.WriteTextString("id");
        writer.WriteTextString(Id);
        writer.WriteTextString("iat");
        writer.WriteInt64(IssuedAt.ToUnixTimeMilliseconds());
        writer.WriteTextString("case");
        writer.WriteTextString(CaseNumber);
        writer.WriteTextString("types");
        writer.WriteStartArray(Types.Count);
        foreach (var type in Types)
        {
            writer.WriteTextString(type);
        }

        writer.WriteEndArray();
        writer.WriteTextString("holder");
        writer.WriteTextString(Holder);
        writer.WriteTextString("matter");
        writer.WriteTextString(Matter);
        if (Consent is not null)
        {
            writer.WriteTextString("consent");
            writer.WriteTextString(Consent);
        }

        writer.WriteTextString("officer");
        writer.WriteTextString(Officer);
        writer.WriteTextString("purpose");
        writer.WriteTextString(Purpose);
        writer.WriteTextString("province");
        writer.WriteTextString(Province.NodeId);
        writer.WriteEndMap();
        return SignedDocument.Sign(MediaType, writer.Encode(), signer, signerCertificateDer);
    }

    /// <summary>
    /// Every text of the request through the one text policy (docs/api.md "Text policy"): the requesting node cleans
    /// its texts before it signs them, and the home node refuses a request that breaks the policy before it writes any
    /// of its texts to an exchange row, a usage log or the audit.
    /// </summary>
    /// <exception cref="LicenceTrustException">TEXT_CHARACTER_NOT_ALLOWED naming the field and the code point.</exception>
    public void CheckTexts()
    {
        TextPolicy.Clean(Officer, "officer");
        TextPolicy.Clean(CaseNumber, "caseNumber");
        TextPolicy.Clean(Matter, "matter");
        TextPolicy.Clean(Holder, "holderCode");
        foreach (var type in Types)
        {
            TextPolicy.Clean(type, "types");
        }

        TextPolicy.Clean(Consent, "consentCode");
        TextPolicy.Clean(Purpose, "purpose");
    }

    /// <summary>The province a request says it is from, before any check (the receiver checks it under that province's pinned root).</summary>
    public static Province? ClaimedProvince(byte[] document) => SignedDocument.ClaimedProvince(document);

    /// <summary>Reads a request signed under <paramref name="root"/>; its age, id and content are the receiver's checks.</summary>
    public static EvidenceRequest? TryRead(byte[] document, TrustAnchor root, out string error)
    {
        ArgumentNullException.ThrowIfNull(root);
        return SignedDocument.TryRead<EvidenceRequest>(document, MediaType, root, (map, _) =>
        {
            if (!Province.TryFromNodeId(SignedDocument.Value(map, "province").ReadTextString(), out var province) || province != root.Province)
            {
                return (null, "the request's province does not match its signer");
            }

            var reader = SignedDocument.Value(map, "types");
            var count = reader.ReadStartArray() ?? throw new FormatException("the types are of indefinite length");
            if (count is 0 or > MaxTypes)
            {
                return (null, $"a request names 1 to {MaxTypes} licence types");
            }

            var types = new List<string>(count);
            for (var i = 0; i < count; i++)
            {
                types.Add(Text(reader));
            }

            reader.ReadEndArray();
            var id = Text(SignedDocument.Value(map, "id"));
            if (id.Length != 32 || id.AsSpan().ContainsAnyExcept(LowerHex))
            {
                return (null, "the request's id is not 32 lower-case hex digits");
            }

            return (new EvidenceRequest(
                province,
                id,
                DateTimeOffset.FromUnixTimeMilliseconds(SignedDocument.Value(map, "iat").ReadInt64()),
                Text(SignedDocument.Value(map, "officer")),
                Text(SignedDocument.Value(map, "case")),
                Text(SignedDocument.Value(map, "matter")),
                Text(SignedDocument.Value(map, "holder")),
                types,
                map.ContainsKey("consent") ? Text(SignedDocument.Value(map, "consent")) : null,
                Text(SignedDocument.Value(map, "purpose"))), string.Empty);
        }, out error);
    }

    private static string Text(CborReader reader)
    {
        var text = reader.ReadTextString();
        return text.Length is > 0 and <= MaxText ? text : throw new FormatException($"a text is empty or longer than {MaxText} characters");
    }
}
