using System.Buffers;
using System.Formats.Cbor;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Core.Codec;

/// <summary>
/// Reads untrusted QR text of either format: prefix (<c>LT1:</c> or <c>LT2:</c>) → Base45 → zlib (capped; LT2
/// with its preset dictionary) → COSE_Sign1 → CWT claims. Every failure
/// is a <see cref="ReadResult"/> with a specific <see cref="ReasonCode"/>; no exception escapes.
/// Does not check the signature (see <c>CredentialVerifier</c>). Thread-safe.
/// </summary>
public static class CredentialReader
{
    /// <summary>What a reader removes around QR text before anything else (docs/format.md §1).</summary>
    private static readonly char[] Whitespace = [' ', '\t', '\r', '\n'];

    public static ReadResult Read(string? text, CodecLimits? limits = null)
    {
        limits ??= CodecLimits.Default;

        // A scanner's suffix (CR, LF, TAB) or a pasted space: never part of a credential, since the text
        // starts with the prefix and Base45 never ends in a space (the last symbol of a group is at most 32).
        // Nothing else is normalised.
        text = text?.Trim(Whitespace);
        if (string.IsNullOrEmpty(text))
        {
            return ReadResult.Fail(ReasonCode.Empty, "no text");
        }

        if (text.Length > limits.MaxTextLength)
        {
            return ReadResult.Fail(ReasonCode.TooLong, $"{text.Length} characters, limit {limits.MaxTextLength}");
        }

        if (!CredentialFormat.TryReadPrefix(text, out var format))
        {
            return ReadResult.Fail(ReasonCode.PrefixMissing, $"expected prefix {string.Join(" or ", CredentialFormat.Prefixes)}");
        }

        var base45 = text.AsSpan(CredentialFormat.PrefixOf(format).Length);
        var compressed = ArrayPool<byte>.Shared.Rent(Base45.DecodedLength(base45.Length));
        try
        {
            if (!Base45.TryDecode(base45, compressed, out var error))
            {
                return ReadResult.Fail(ReasonCode.Base45Invalid, error);
            }

            return Zlib.TryDecompress(compressed.AsSpan(0, Base45.DecodedLength(base45.Length)), limits.MaxInflatedBytes, format == CredentialEncoding.Lt2, out var cose, out var dictionary, out error) switch
            {
                Zlib.Outcome.Ok => ReadCose(cose, limits, dictionary),
                Zlib.Outcome.TooLarge => ReadResult.Fail(ReasonCode.DecompressedTooLarge, error),
                _ => ReadResult.Fail(ReasonCode.DecompressionFailed, error),
            };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
        }
    }

    /// <summary>Reads an inflated LT1 COSE_Sign1 message: the envelope and headers by <see cref="CoseSign1Reader"/>, then the claims.</summary>
    public static ReadResult ReadCose(byte[] cose, CodecLimits? limits = null) => ReadCose(cose, limits ?? CodecLimits.Default, null);

    /// <summary>
    /// Reads an inflated COSE_Sign1 message of LT1 (no <paramref name="dictionary"/>) or LT2 (inflated with
    /// <paramref name="dictionary"/>, which its protected header must name).
    /// </summary>
    private static ReadResult ReadCose(byte[] cose, CodecLimits limits, PresetDictionary? dictionary)
    {
        ArgumentNullException.ThrowIfNull(cose);
        // Both formats read the dictionary label, so an LT1 text cannot carry an LT2 header (one signed content, one text).
        if (CoseSign1Reader.TryRead(cose, CoseSign1Reader.CredentialLabels, CoseSign1Reader.CredentialCritical, limits, int.MaxValue, out var failure, out var detail) is not { } message)
        {
            return ReadResult.Fail(failure, detail);
        }

        if (dictionary is null && message.Dictionary is not null)
        {
            return ReadResult.Fail(ReasonCode.CoseMalformed, $"an LT1 credential's protected header names LT2 dictionary {message.Dictionary} (label -65537)");
        }

        if (dictionary is not null && message.Dictionary != dictionary.Id)
        {
            // The signed header binds the dictionary: bytes inflated with another one are not this credential.
            return ReadResult.Fail(ReasonCode.CoseMalformed, message.Dictionary is null
                ? "the protected header names no preset dictionary (label -65537)"
                : $"the protected header names dictionary {message.Dictionary}, the data was compressed with dictionary {dictionary.Id}");
        }

        var stage = ReasonCode.ClaimsMalformed;
        try
        {
            var encoding = dictionary is null ? CredentialEncoding.Lt1 : CredentialEncoding.Lt2;
            var claims = ReadClaims(message.Payload, limits, encoding, ref stage);
            return ReadResult.Ok(new DecodedCredential(message.Algorithm, message.Kid, message.ProtectedHeader, message.Payload, message.Signature, cose, claims, encoding));
        }
        catch (CborTooDeepException e)
        {
            return ReadResult.Fail(ReasonCode.CborTooDeep, e.Message);
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException
                                      or OverflowException or ArgumentException or KeyNotFoundException)
        {
            return ReadResult.Fail(stage, e.Message);
        }
    }

    private static CredentialClaims ReadClaims(byte[] payload, CodecLimits limits, CredentialEncoding encoding, ref ReasonCode stage)
    {
        var reader = StrictCborReaders.Rent(payload);
        try
        {
            return encoding == CredentialEncoding.Lt2 ? CompactClaims.Read(reader, limits, ref stage) : ReadClaims(reader, limits, ref stage);
        }
        finally
        {
            StrictCborReaders.Return(reader);
        }
    }

    /// <summary>
    /// The integer keys of a CWT claims map, in turn: the caller reads (or skips) each value before asking for
    /// the next. Entries under other keys are skipped, depth-bounded; nothing may follow the map. For LT1 and LT2.
    /// </summary>
    internal static IEnumerable<long> ClaimKeys(CborReader reader, CodecLimits limits)
    {
        var count = reader.ReadStartMap();
        for (var i = 0; count is null ? reader.PeekState() != CborReaderState.EndMap : i < count; i++)
        {
            if (reader.PeekState() is not (CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger))
            {
                CoseSign1Reader.SkipBounded(reader, 1, limits.MaxCborDepth);
                CoseSign1Reader.SkipBounded(reader, 1, limits.MaxCborDepth);
                continue;
            }

            yield return reader.ReadInt64();
        }

        reader.ReadEndMap();
        if (reader.BytesRemaining != 0)
        {
            throw new FormatException("bytes after the claims map");
        }
    }

    private static CredentialClaims ReadClaims(CborReader reader, CodecLimits limits, ref ReasonCode stage)
    {
        string? iss = null;
        long? exp = null, nbf = null, iat = null;
        Licence? licence = null;
        StatusReference? status = null;
        foreach (var key in ClaimKeys(reader, limits))
        {
            switch (key)
            {
                case CredentialFormat.Claim.Iss: iss = reader.ReadTextString(); break;
                case CredentialFormat.Claim.Exp: exp = reader.ReadInt64(); break;
                case CredentialFormat.Claim.Nbf: nbf = reader.ReadInt64(); break;
                case CredentialFormat.Claim.Iat: iat = reader.ReadInt64(); break;
                case CredentialFormat.Claim.Licence:
                    stage = ReasonCode.LicenceClaimMalformed;
                    licence = ReadLicence(reader, limits);
                    stage = ReasonCode.ClaimsMalformed;
                    break;
                case CredentialFormat.Claim.Status:
                    stage = ReasonCode.StatusClaimMalformed;
                    status = ReadStatus(reader, limits);
                    stage = ReasonCode.ClaimsMalformed;
                    break;
                default: CoseSign1Reader.SkipBounded(reader, 1, limits.MaxCborDepth); break;
            }
        }

        if (iss is null || nbf is null || iat is null || licence is null || status is null)
        {
            throw new FormatException("a required claim (iss, nbf, iat, licence, status) is missing");
        }

        var claims = CredentialClaims.Create(licence, IssuedAt(iat.Value), status);
        if (claims.Issuer != iss)
        {
            throw new FormatException("iss differs from the licence's authority code");
        }

        if (claims.NotBefore.ToUnixTimeSeconds() != nbf || claims.Expires?.ToUnixTimeSeconds() != exp)
        {
            throw new FormatException("nbf/exp differ from the licence's validity dates");
        }

        return claims;
    }

    /// <summary>The <c>iat</c> claim as a time; LT1 and LT2 alike. Seconds outside 1970 to 9999 are refused.</summary>
    internal static DateTimeOffset IssuedAt(long iat) =>
        iat is >= 0 and <= 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(iat) : throw new FormatException("iat is out of range");

    private static Licence ReadLicence(CborReader reader, CodecLimits limits)
    {
        var text = new Dictionary<int, string>();
        var dates = new Dictionary<int, DateOnly>();
        long? holderType = null, area = null;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var count = reader.ReadStartMap();
        for (var i = 0; count is null ? reader.PeekState() != CborReaderState.EndMap : i < count; i++)
        {
            var key = reader.ReadInt32();
            switch (key)
            {
                case CredentialFormat.Licence.Identifier or CredentialFormat.Licence.Name or CredentialFormat.Licence.Number
                    or CredentialFormat.Licence.HolderName or CredentialFormat.Licence.HolderCode or CredentialFormat.Licence.AuthorityName:
                    text[key] = reader.ReadTextString();
                    break;
                case CredentialFormat.Licence.HolderCodeType: holderType = reader.ReadInt64(); break;
                case CredentialFormat.Licence.AreaCode: area = reader.ReadInt64(); break;
                case CredentialFormat.Licence.IssueDate or CredentialFormat.Licence.ValidFrom or CredentialFormat.Licence.ValidTo:
                    dates[key] = ReadDate(reader);
                    break;
                case CredentialFormat.Licence.Attributes:
                    var n = reader.ReadStartMap();
                    for (var j = 0; n is null ? reader.PeekState() != CborReaderState.EndMap : j < n; j++)
                    {
                        attributes[reader.ReadTextString()] = reader.ReadTextString();
                    }

                    reader.ReadEndMap();
                    break;
                default: CoseSign1Reader.SkipBounded(reader, 1, limits.MaxCborDepth); break;
            }
        }

        reader.ReadEndMap();
        string Text(int key) => text.TryGetValue(key, out var v) ? v : throw new FormatException($"licence field {key} is missing");
        DateOnly Date(int key) => dates.TryGetValue(key, out var v) ? v : throw new FormatException($"licence date {key} is missing");

        if (holderType is not { } ht || !HolderCodeTypes.TryFromNumber(ht, out var codeType))
        {
            throw new FormatException("holder code type is missing or unknown");
        }

        if (area is not (>= 100000 and <= 999999))
        {
            throw new FormatException("area code is missing or not 6 digits");
        }

        var identifier = LicenceIdentifier.Parse(Text(CredentialFormat.Licence.Identifier));
        var name = text.TryGetValue(CredentialFormat.Licence.Name, out var written) ? written
            : CredentialFormat.ImpliedTypeNames.TryGetValue(identifier.TypeCode.Value, out var implied) ? implied
            : throw new FormatException("the licence name is missing and the type's name is not implied by the format");
        return Licence.Create(
            identifier,
            name,
            Text(CredentialFormat.Licence.Number),
            LicenceHolder.FromCredential(Text(CredentialFormat.Licence.HolderName), codeType, Text(CredentialFormat.Licence.HolderCode)),
            Text(CredentialFormat.Licence.AuthorityName),
            area.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Date(CredentialFormat.Licence.IssueDate),
            Date(CredentialFormat.Licence.ValidFrom),
            dates.TryGetValue(CredentialFormat.Licence.ValidTo, out var to) ? to : null,
            attributes);
    }

    private static DateOnly ReadDate(CborReader reader)
    {
        if (reader.ReadTag() != (CborTag)CredentialFormat.DaysSinceEpochTag)
        {
            throw new FormatException("a date is not tagged 100 (days since epoch)");
        }

        var days = reader.ReadInt32();
        var epoch = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
        if (days < -epoch || days > DateOnly.MaxValue.DayNumber - epoch)
        {
            throw new FormatException("a date is out of range");
        }

        return DateOnly.FromDayNumber(epoch + days);
    }

    private static StatusReference ReadStatus(CborReader reader, CodecLimits limits)
    {
        long? index = null;
        string? uri = null;
        var outer = reader.ReadStartMap();
        for (var i = 0; outer is null ? reader.PeekState() != CborReaderState.EndMap : i < outer; i++)
        {
            if (reader.ReadTextString() != CredentialFormat.Status.StatusList)
            {
                CoseSign1Reader.SkipBounded(reader, 1, limits.MaxCborDepth);
                continue;
            }

            var inner = reader.ReadStartMap();
            for (var j = 0; inner is null ? reader.PeekState() != CborReaderState.EndMap : j < inner; j++)
            {
                switch (reader.ReadTextString())
                {
                    case CredentialFormat.Status.Index: index = reader.ReadInt64(); break;
                    case CredentialFormat.Status.Uri: uri = reader.ReadTextString(); break;
                    default: CoseSign1Reader.SkipBounded(reader, 2, limits.MaxCborDepth); break;
                }
            }

            reader.ReadEndMap();
        }

        reader.ReadEndMap();
        if (index is not >= 0 || string.IsNullOrEmpty(uri) || uri.Length > StatusReference.MaxUriLength)
        {
            throw new FormatException("status_list needs idx ≥ 0 and a uri of 1-120 characters");
        }

        return new StatusReference(index.Value, uri);
    }
}
