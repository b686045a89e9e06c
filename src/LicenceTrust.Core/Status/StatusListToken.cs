using System.Formats.Cbor;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;

namespace LicenceTrust.Core.Status;

/// <summary>A status list as read from a verified token.</summary>
/// <param name="Uri">The list's URI (<c>sub</c>); credentials point at it.</param>
/// <param name="IssuedAt"><c>iat</c>.</param>
/// <param name="ExpiresAt"><c>exp</c>: after this the list must not be used.</param>
/// <param name="TimeToLive"><c>ttl</c>: how long a holder may cache it before fetching again.</param>
/// <param name="Bits">The 2-bit entries.</param>
/// <param name="UpdatedAt">When an entry last changed (private claim <c>"upd"</c>): a peer measures revocation propagation from it.</param>
/// <param name="Details">
/// For each licence of the list that is not valid, its identifier, exact status, date and reason (private claim
/// <c>"det"</c>), in index order: a peer answers "revoked on …, because …" without asking the home node, and
/// judges a licence by its identifier (docs/format.md §13). Null for a list written without them.
/// </param>
public sealed record StatusList(string Uri, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, TimeSpan TimeToLive, StatusBits Bits, DateTimeOffset? UpdatedAt = null,
    IReadOnlyList<StatusDetail>? Details = null);

/// <summary>A licence that is not valid, as its home province's signed status list says: where, which, what, since when and why.</summary>
/// <param name="Index">Its slot in the list.</param>
/// <param name="Identifier">The licence's identifier.</param>
/// <param name="Status">Its exact status (never <see cref="LicenceStatus.Valid"/>).</param>
/// <param name="Since">When it took that status.</param>
/// <param name="Reason">Why, as the authority recorded it.</param>
public sealed record StatusDetail(int Index, string Identifier, LicenceStatus Status, DateTimeOffset Since, string Reason);

/// <summary>
/// Signed status lists in the shape of the IETF Token Status List (draft-ietf-oauth-status-list),
/// CWT form: COSE_Sign1 with <c>typ</c> (16) = <c>application/statuslist+cwt</c> and claims
/// <c>sub</c> (2), <c>iat</c> (6), <c>exp</c> (4), <c>ttl</c> (65534) and <c>status_list</c> (65533) =
/// <c>{"bits": 2, "lst": zlib(bytes)}</c>. Signed by the node's list-signing key. Thread-safe.
/// </summary>
public static class StatusListToken
{
    public const string MediaType = "application/statuslist+cwt";

    private static readonly DocumentKind Kind = new("status list token", Typ: MediaType);
    private const int Sub = 2;
    private const int Ttl = 65534;
    private const int StatusListClaim = 65533;
    private const string UpdatedClaim = "upd";
    private const string DetailsClaim = "det";

    /// <summary>The longest identifier and reason a detail may carry (a longer one makes the list malformed).</summary>
    public const int MaxDetailIdentifierLength = 128;

    /// <inheritdoc cref="MaxDetailIdentifierLength"/>
    public const int MaxDetailReasonLength = 1000;

    public static byte[] Write(StatusList list, ICredentialSigner signer, KeyId kid)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(signer);
        var claims = new CborWriter(CborConformanceMode.Canonical);
        claims.WriteStartMap(5 + (list.UpdatedAt is null ? 0 : 1) + (list.Details is null ? 0 : 1));
        claims.WriteInt32(Sub);
        claims.WriteTextString(list.Uri);
        claims.WriteInt32(CredentialFormat.Claim.Exp);
        claims.WriteInt64(list.ExpiresAt.ToUnixTimeSeconds());
        claims.WriteInt32(CredentialFormat.Claim.Iat);
        claims.WriteInt64(list.IssuedAt.ToUnixTimeSeconds());
        claims.WriteInt32(Ttl);
        claims.WriteInt64((long)list.TimeToLive.TotalSeconds);
        claims.WriteInt32(StatusListClaim);
        claims.WriteStartMap(2);
        claims.WriteTextString("bits");
        claims.WriteInt32(2);
        claims.WriteTextString("lst");
        claims.WriteByteString(Zlib.Compress(list.Bits.ToBytes()));
        claims.WriteEndMap();
        if (list.Details is { } details)
        {
            // Canonical order: "det" sorts before "upd" (shorter keys first, then bytewise).
            WriteDetails(claims, details);
        }

        if (list.UpdatedAt is { } updated)
        {
            claims.WriteTextString(UpdatedClaim);
            claims.WriteInt64(updated.ToUnixTimeMilliseconds());
        }

        claims.WriteEndMap();
        var payload = claims.Encode();

        return CoseSign1.SignDocument(payload, signer, kid, typ: MediaType);
    }

    private static void WriteDetails(CborWriter claims, IReadOnlyList<StatusDetail> details)
    {
        claims.WriteTextString(DetailsClaim);
        claims.WriteStartArray(details.Count);
        foreach (var detail in details.OrderBy(d => d.Index))
        {
            claims.WriteStartArray(5);
            claims.WriteInt32(detail.Index);
            claims.WriteTextString(detail.Identifier);
            claims.WriteInt32((int)detail.Status);
            claims.WriteInt64(detail.Since.ToUnixTimeMilliseconds());
            claims.WriteTextString(detail.Reason);
            claims.WriteEndArray();
        }

        claims.WriteEndArray();
    }

    /// <summary>
    /// Reads <c>"det"</c>: every detail a not-valid licence, in strictly growing index order, within the list,
    /// and saying what its entry says (the same 2-bit value), so a list never says two things about one slot.
    /// </summary>
    private static List<StatusDetail> ReadDetails(CborReader reader)
    {
        var count = reader.ReadStartArray() ?? throw new FormatException("the status details are of indefinite length");
        var details = new List<StatusDetail>(count);
        for (var i = 0; i < count; i++)
        {
            if (reader.ReadStartArray() != 5)
            {
                throw new FormatException("a status detail is not [index, identifier, status, since, reason]");
            }

            var index = reader.ReadInt32();
            var identifier = reader.ReadTextString();
            var status = reader.ReadInt32();
            var since = reader.ReadInt64();
            var reason = reader.ReadTextString();
            reader.ReadEndArray();
            if (!Enum.IsDefined((LicenceStatus)status) || (LicenceStatus)status == LicenceStatus.Valid)
            {
                throw new FormatException($"status detail {index}: status {status} is not one of a licence that is not valid");
            }

            if (identifier.Length is 0 or > MaxDetailIdentifierLength || reason.Length > MaxDetailReasonLength)
            {
                throw new FormatException($"status detail {index}: the identifier or the reason is empty or too long");
            }

            details.Add(new StatusDetail(index, identifier, (LicenceStatus)status, DateTimeOffset.FromUnixTimeMilliseconds(since), reason));
        }

        reader.ReadEndArray();
        return details;
    }

    /// <summary>Why the details do not match the entries, or null when they do.</summary>
    private static string? DetailsDisagree(IReadOnlyList<StatusDetail> details, StatusBits bits)
    {
        var previous = -1;
        foreach (var detail in details)
        {
            if (detail.Index <= previous || detail.Index >= bits.Size)
            {
                return $"status detail {detail.Index} is out of order or outside the list";
            }

            if (bits.Get(detail.Index) != detail.Status.ToStatusListValue())
            {
                return $"status detail {detail.Index} says {detail.Status.WireName()} but its entry says {bits.Get(detail.Index)}";
            }

            previous = detail.Index;
        }

        return null;
    }

    /// <summary>
    /// Reads a token and checks its signature with <paramref name="key"/>. Returns null and a reason
    /// for anything malformed, unsigned by that key, or larger than <paramref name="maxEntries"/>.
    /// </summary>
    public static StatusList? TryRead(byte[] token, VerificationKey key, out string error, int maxEntries = DefaultMaxEntries) =>
        TryRead(token, key, out _, out error, maxEntries);

    /// <summary>
    /// Reads a token as <see cref="TryRead(byte[], VerificationKey, out string, int)"/> does, and says
    /// in <paramref name="refusal"/> whether a null came from a malformed token or from the signature.
    /// </summary>
    public static StatusList? TryRead(byte[] token, VerificationKey key, out StatusListRefusal refusal, out string error, int maxEntries = DefaultMaxEntries)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(key);
        refusal = StatusListRefusal.Malformed;
        try
        {
            // The list signer's key is known in advance: any kid, its alg, its signature.
            var message = EnvelopeVerification.OpenDocument<VerificationKey>(token, Kind, _ => [key], static k => (null, k), out _, out var envelope, out error);
            if (message is null)
            {
                if (envelope is EnvelopeRefusal.AlgorithmKeyMismatch or EnvelopeRefusal.SignatureInvalid)
                {
                    refusal = StatusListRefusal.NotSignedBySigner;
                    error = "the status list signature does not verify under the list signer's key";
                }

                return null;
            }

            var payload = message.Payload;
            var list = ReadClaims(payload, maxEntries, out error);
            refusal = list is null ? StatusListRefusal.Malformed : StatusListRefusal.None;
            return list;
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            error = "malformed status list token: " + e.Message;
            return null;
        }
    }

    private const int DefaultMaxEntries = 4 * StatusBits.MinimumSize * 16;

    private static StatusList? ReadClaims(byte[] payload, int maxEntries, out string error)
    {
        string? sub = null;
        long? iat = null, exp = null, ttl = null;
        byte[]? lst = null;
        long? bits = null;
        long? updated = null;
        List<StatusDetail>? details = null;
        CwtClaims.Read(payload,
            (key, reader) =>
            {
                switch (key)
                {
                    case Sub: sub = reader.ReadTextString(); return true;
                    case CredentialFormat.Claim.Iat: iat = reader.ReadInt64(); return true;
                    case CredentialFormat.Claim.Exp: exp = reader.ReadInt64(); return true;
                    case Ttl: ttl = reader.ReadInt64(); return true;
                    case StatusListClaim:
                        var n = reader.ReadStartMap();
                        for (var j = 0; j < n; j++)
                        {
                            switch (reader.ReadTextString())
                            {
                                case "bits": bits = reader.ReadInt64(); break;
                                case "lst": lst = reader.ReadByteString(); break;
                                default: reader.SkipValue(); break;
                            }
                        }

                        reader.ReadEndMap();
                        return true;
                    default: return false;
                }
            },
            (key, reader) => key switch
            {
                UpdatedClaim => (updated = reader.ReadInt64()) is not null,
                DetailsClaim => (details = ReadDetails(reader)) is not null,
                _ => false,
            });

        if (sub is null || iat is null || exp is null || ttl is null || lst is null || bits != 2)
        {
            error = "a status list claim is missing, or bits is not 2";
            return null;
        }

        if (Zlib.TryDecompress(lst, maxEntries / 4, out var bytes, out error) != Zlib.Outcome.Ok || bytes.Length == 0)
        {
            error = "status list bytes: " + error;
            return null;
        }

        var entries = StatusBits.FromBytes(bytes);
        if (details is not null && DetailsDisagree(details, entries) is { } disagreement)
        {
            error = disagreement;
            return null;
        }

        error = string.Empty;
        return new StatusList(sub, DateTimeOffset.FromUnixTimeSeconds(iat.Value), DateTimeOffset.FromUnixTimeSeconds(exp.Value), TimeSpan.FromSeconds(ttl.Value), entries,
            updated is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null, details);
    }
}
