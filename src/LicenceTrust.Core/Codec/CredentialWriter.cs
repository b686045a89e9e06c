using System.Formats.Cbor;
using LicenceTrust.Core.Crypto;

namespace LicenceTrust.Core.Codec;

/// <summary>A signed credential: its QR text and the COSE_Sign1 bytes inside it.</summary>
public sealed record EncodedCredential(string QrText, byte[] CoseBytes);

/// <summary>
/// Writes credentials: CWT claims → COSE_Sign1 (deterministic CBOR) → zlib → Base45 → <c>LT1:</c>, or in
/// the compact form → zlib with LT2's preset dictionary → <c>LT2:</c> (docs/format.md §12). Signs exactly
/// once per call. Thread-safe.
/// </summary>
public static class CredentialWriter
{
    public static EncodedCredential Write(CredentialClaims claims, ICredentialSigner signer, KeyId kid, CredentialEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(signer);
        var protectedHeader = ProtectedHeader(signer.Algorithm, kid, encoding);
        var payload = Payload(claims, encoding);
        var signature = signer.Sign(CoseSign1.ToBeSigned(protectedHeader, payload));
        var cose = CoseSign1.Write(protectedHeader, payload, signature);
        return new EncodedCredential(Wrap(cose, encoding), cose);
    }

    /// <summary>The QR text of COSE_Sign1 bytes in a format: its zlib (LT2: with dictionary 1), Base45 and prefix.</summary>
    public static string Wrap(ReadOnlySpan<byte> cose, CredentialEncoding encoding) =>
        CredentialFormat.PrefixOf(Known(encoding))
        + Base45.Encode(encoding == CredentialEncoding.Lt2 ? Zlib.Compress(cose, PresetDictionary.One) : Zlib.Compress(cose));

    /// <summary>The protected header: <c>{1: alg, 4: kid}</c>, and in LT2 <c>-65537: dictionary id</c>.</summary>
    public static byte[] ProtectedHeader(SignatureAlgorithm algorithm, KeyId kid, CredentialEncoding encoding)
    {
        var compact = Known(encoding) == CredentialEncoding.Lt2;
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(compact ? 3 : 2);
        writer.WriteInt32(CredentialFormat.Header.Alg);
        writer.WriteInt32(algorithm.CoseId);
        writer.WriteInt32(CredentialFormat.Header.Kid);
        writer.WriteByteString(kid.ToBytes());
        if (compact)
        {
            writer.WriteInt32(CredentialFormat.Header.Dictionary);
            writer.WriteInt32(PresetDictionary.One.Id);
        }

        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>The CWT claims map (canonical key order) of the format.</summary>
    public static byte[] Payload(CredentialClaims claims, CredentialEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(claims);
        return Known(encoding) == CredentialEncoding.Lt2 ? CompactClaims.Payload(claims) : Lt1Payload(claims);
    }

    private static CredentialEncoding Known(CredentialEncoding encoding) =>
        Enum.IsDefined(encoding) ? encoding : throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "LT1 or LT2.");

    private static byte[] Lt1Payload(CredentialClaims claims)
    {
        if (claims.Status.Uri is not { } statusUri)
        {
            throw new ArgumentException("An LT1 credential needs the status list's URI.", nameof(claims));
        }

        var licence = claims.Licence;
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(claims.Expires is null ? 5 : 6);
        writer.WriteInt32(CredentialFormat.Claim.Iss);
        writer.WriteTextString(claims.Issuer);
        if (claims.Expires is { } exp)
        {
            writer.WriteInt32(CredentialFormat.Claim.Exp);
            writer.WriteInt64(exp.ToUnixTimeSeconds());
        }

        writer.WriteInt32(CredentialFormat.Claim.Nbf);
        writer.WriteInt64(claims.NotBefore.ToUnixTimeSeconds());
        writer.WriteInt32(CredentialFormat.Claim.Iat);
        writer.WriteInt64(claims.IssuedAt.ToUnixTimeSeconds());

        writer.WriteInt32(CredentialFormat.Claim.Status);
        writer.WriteStartMap(1);
        writer.WriteTextString(CredentialFormat.Status.StatusList);
        writer.WriteStartMap(2);
        writer.WriteTextString(CredentialFormat.Status.Index);
        writer.WriteInt64(claims.Status.Index);
        writer.WriteTextString(CredentialFormat.Status.Uri);
        writer.WriteTextString(statusUri);
        writer.WriteEndMap();
        writer.WriteEndMap();

        writer.WriteInt32(CredentialFormat.Claim.Licence);
        var writeName = !CredentialFormat.NameIsImplied(licence.TypeCode.Value, licence.Name);
        writer.WriteStartMap(9 + (writeName ? 1 : 0) + (licence.ValidTo is null ? 0 : 1) + (licence.Attributes.Count > 0 ? 1 : 0));
        writer.WriteInt32(CredentialFormat.Licence.Identifier);
        writer.WriteTextString(licence.Identifier.Value);
        if (writeName)
        {
            writer.WriteInt32(CredentialFormat.Licence.Name);
            writer.WriteTextString(licence.Name);
        }

        writer.WriteInt32(CredentialFormat.Licence.Number);
        writer.WriteTextString(licence.Number);
        writer.WriteInt32(CredentialFormat.Licence.HolderName);
        writer.WriteTextString(licence.Holder.Name);
        writer.WriteInt32(CredentialFormat.Licence.HolderCodeType);
        writer.WriteInt32((int)licence.Holder.CodeType);
        writer.WriteInt32(CredentialFormat.Licence.HolderCode);
        writer.WriteTextString(licence.Holder.Code);
        writer.WriteInt32(CredentialFormat.Licence.AuthorityName);
        writer.WriteTextString(licence.AuthorityName);
        writer.WriteInt32(CredentialFormat.Licence.AreaCode);
        writer.WriteInt32(int.Parse(licence.AreaCode, System.Globalization.CultureInfo.InvariantCulture));
        WriteDate(writer, CredentialFormat.Licence.IssueDate, licence.IssueDate);
        WriteDate(writer, CredentialFormat.Licence.ValidFrom, licence.ValidFrom);
        if (licence.ValidTo is { } validTo)
        {
            WriteDate(writer, CredentialFormat.Licence.ValidTo, validTo);
        }

        if (licence.Attributes.Count > 0)
        {
            writer.WriteInt32(CredentialFormat.Licence.Attributes);
            writer.WriteStartMap(licence.Attributes.Count);
            foreach (var (key, value) in licence.Attributes)
            {
                writer.WriteTextString(key);
                writer.WriteTextString(value);
            }

            writer.WriteEndMap();
        }

        writer.WriteEndMap();
        writer.WriteEndMap();
        return writer.Encode();
    }

    private static void WriteDate(CborWriter writer, int key, DateOnly date)
    {
        writer.WriteInt32(key);
        writer.WriteTag((CborTag)CredentialFormat.DaysSinceEpochTag);
        writer.WriteInt32(date.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber);
    }
}
