using System.Formats.Cbor;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Core.Codec;

/// <summary>
/// Reads untrusted QR text: prefix → Base45 → zlib (capped) → COSE_Sign1 → CWT claims. Every failure
/// is a <see cref="ReadResult"/> with a specific <see cref="ReasonCode"/>; no exception escapes.
/// Does not check the signature (see <c>CredentialVerifier</c>). Thread-safe.
/// </summary>
public static class CredentialReader
{
    public static ReadResult Read(string? text, CodecLimits? limits = null)
    {
        limits ??= CodecLimits.Default;
        if (string.IsNullOrEmpty(text))
        {
            return ReadResult.Fail(ReasonCode.Empty, "no text");
        }

        if (text.Length > limits.MaxTextLength)
        {
            return ReadResult.Fail(ReasonCode.TooLong, $"{text.Length} characters, limit {limits.MaxTextLength}");
        }

        if (!text.StartsWith(CredentialFormat.Prefix, StringComparison.Ordinal))
        {
            return ReadResult.Fail(ReasonCode.PrefixMissing, $"expected prefix {CredentialFormat.Prefix}");
        }

        if (!Base45.TryDecode(text.AsSpan(CredentialFormat.Prefix.Length), out var compressed, out var error))
        {
            return ReadResult.Fail(ReasonCode.Base45Invalid, error);
        }

        return Zlib.TryDecompress(compressed, limits.MaxInflatedBytes, out var cose, out error) switch
        {
            Zlib.Outcome.Ok => ReadCose(cose, limits),
            Zlib.Outcome.TooLarge => ReadResult.Fail(ReasonCode.DecompressedTooLarge, error),
            _ => ReadResult.Fail(ReasonCode.DecompressionFailed, error),
        };
    }

    /// <summary>Reads an inflated COSE_Sign1 message.</summary>
    public static ReadResult ReadCose(byte[] cose, CodecLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(cose);
        limits ??= CodecLimits.Default;
        var stage = ReasonCode.CoseMalformed;
        try
        {
            var reader = new CborReader(cose, CborConformanceMode.Strict);
            if (reader.PeekState() == CborReaderState.Tag && reader.ReadTag() != (CborTag)CredentialFormat.CoseSign1Tag)
            {
                return ReadResult.Fail(ReasonCode.CoseMalformed, "tag is not 18 (COSE_Sign1)");
            }

            if (reader.ReadStartArray() != 4)
            {
                return ReadResult.Fail(ReasonCode.CoseMalformed, "COSE_Sign1 is not an array of 4");
            }

            var protectedBytes = reader.ReadByteString();
            var header = ReadHeaders(protectedBytes, reader, limits);
            if (header.Failure is { } failure)
            {
                return failure;
            }

            var payload = reader.ReadByteString();
            var signature = reader.ReadByteString();
            reader.ReadEndArray();
            if (reader.BytesRemaining != 0)
            {
                return ReadResult.Fail(ReasonCode.CoseMalformed, $"{reader.BytesRemaining} bytes after the message");
            }

            stage = ReasonCode.ClaimsMalformed;
            var claims = ReadClaims(payload, limits, ref stage);
            return ReadResult.Ok(new DecodedCredential(header.Algorithm!, header.Kid, protectedBytes, payload, signature, cose, claims));
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

    private readonly record struct Headers(SignatureAlgorithm? Algorithm, KeyId Kid, ReadResult? Failure);

    private static Headers ReadHeaders(byte[] protectedBytes, CborReader outer, CodecLimits limits)
    {
        long? alg = null;
        byte[]? kid = null;
        List<long>? critical = null;
        var protectedLabels = new HashSet<long>();
        if (protectedBytes.Length > 0)
        {
            var reader = new CborReader(protectedBytes, CborConformanceMode.Strict);
            var count = reader.ReadStartMap();
            for (var i = 0; count is null ? reader.PeekState() != CborReaderState.EndMap : i < count; i++)
            {
                var label = reader.ReadInt64();
                protectedLabels.Add(label);
                switch (label)
                {
                    case CredentialFormat.Header.Alg:
                        alg = reader.ReadInt64();
                        break;
                    case CredentialFormat.Header.Kid:
                        kid = reader.ReadByteString();
                        break;
                    case CredentialFormat.Header.Crit:
                        critical = ReadLabels(reader);
                        break;
                    default:
                        SkipBounded(reader, 1, limits.MaxCborDepth);
                        break;
                }
            }

            reader.ReadEndMap();
            if (reader.BytesRemaining != 0)
            {
                throw new CborContentException("bytes after the protected header map");
            }
        }

        var unprotectedAlg = false;
        var unprotectedCount = outer.ReadStartMap();
        for (var i = 0; unprotectedCount is null ? outer.PeekState() != CborReaderState.EndMap : i < unprotectedCount; i++)
        {
            var label = outer.ReadInt64();
            if (protectedLabels.Contains(label))
            {
                return new Headers(null, default, ReadResult.Fail(ReasonCode.CoseMalformed, $"header {label} is both protected and unprotected"));
            }

            switch (label)
            {
                case CredentialFormat.Header.Alg:
                    unprotectedAlg = true;
                    SkipBounded(outer, 1, limits.MaxCborDepth);
                    break;
                case CredentialFormat.Header.Kid:
                    kid = outer.ReadByteString();
                    break;
                default:
                    SkipBounded(outer, 1, limits.MaxCborDepth);
                    break;
            }
        }

        outer.ReadEndMap();

        if (critical is not null)
        {
            var unknown = critical.FirstOrDefault(l => l is not (CredentialFormat.Header.Alg or CredentialFormat.Header.Kid));
            if (critical.Count == 0 || unknown != 0)
            {
                return new Headers(null, default, ReadResult.Fail(ReasonCode.UnknownCriticalHeader, $"critical header {unknown} is not understood"));
            }
        }

        if (alg is null)
        {
            // The algorithm must come from the protected header; one in the unprotected header is ignored.
            return new Headers(null, default, unprotectedAlg
                ? ReadResult.Fail(ReasonCode.AlgorithmUnprotected, "alg only in the unprotected header")
                : ReadResult.Fail(ReasonCode.AlgorithmMissing, "no alg header"));
        }

        if (!SignatureAlgorithm.TryFromCoseId(alg.Value, out var algorithm))
        {
            return new Headers(null, default, ReadResult.Fail(ReasonCode.AlgorithmNotAllowed, $"alg {alg} is not on the allow-list"));
        }

        if (kid is null || !KeyId.TryRead(kid, out var keyId))
        {
            return new Headers(null, default, ReadResult.Fail(ReasonCode.KidMissing, "kid missing or not 8 bytes"));
        }

        return new Headers(algorithm, keyId, null);
    }

    private static List<long> ReadLabels(CborReader reader)
    {
        var labels = new List<long>();
        var count = reader.ReadStartArray();
        for (var i = 0; count is null ? reader.PeekState() != CborReaderState.EndArray : i < count; i++)
        {
            labels.Add(reader.PeekState() == CborReaderState.TextString ? long.MinValue : reader.ReadInt64());
            if (labels[^1] == long.MinValue)
            {
                reader.SkipValue();
            }
        }

        reader.ReadEndArray();
        return labels;
    }

    private static CredentialClaims ReadClaims(byte[] payload, CodecLimits limits, ref ReasonCode stage)
    {
        var reader = new CborReader(payload, CborConformanceMode.Strict);
        string? iss = null;
        long? exp = null, nbf = null, iat = null;
        Licence? licence = null;
        StatusReference? status = null;
        var count = reader.ReadStartMap();
        for (var i = 0; count is null ? reader.PeekState() != CborReaderState.EndMap : i < count; i++)
        {
            if (reader.PeekState() is not (CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger))
            {
                SkipBounded(reader, 1, limits.MaxCborDepth);
                SkipBounded(reader, 1, limits.MaxCborDepth);
                continue;
            }

            switch (reader.ReadInt64())
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
                default: SkipBounded(reader, 1, limits.MaxCborDepth); break;
            }
        }

        reader.ReadEndMap();
        if (reader.BytesRemaining != 0)
        {
            throw new FormatException("bytes after the claims map");
        }

        if (iss is null || nbf is null || iat is null || licence is null || status is null)
        {
            throw new FormatException("a required claim (iss, nbf, iat, licence, status) is missing");
        }

        if (iat < 0 || iat > 253402300799)
        {
            throw new FormatException("iat is out of range");
        }

        var claims = CredentialClaims.Create(licence, DateTimeOffset.FromUnixTimeSeconds(iat.Value), status);
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
                default: SkipBounded(reader, 1, limits.MaxCborDepth); break;
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
            : LicenceTypeCatalogue.TryGet(identifier.TypeCode, out var type) ? type.NameZh
            : throw new FormatException("the licence name is missing and the type is not in the catalogue");
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
                SkipBounded(reader, 1, limits.MaxCborDepth);
                continue;
            }

            var inner = reader.ReadStartMap();
            for (var j = 0; inner is null ? reader.PeekState() != CborReaderState.EndMap : j < inner; j++)
            {
                switch (reader.ReadTextString())
                {
                    case CredentialFormat.Status.Index: index = reader.ReadInt64(); break;
                    case CredentialFormat.Status.Uri: uri = reader.ReadTextString(); break;
                    default: SkipBounded(reader, 2, limits.MaxCborDepth); break;
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

    /// <summary>Skips one value, refusing nesting deeper than <paramref name="max"/> without deep recursion.</summary>
    private static void SkipBounded(CborReader reader, int depth, int max)
    {
        if (depth > max)
        {
            throw new CborTooDeepException($"CBOR nesting deeper than {max}");
        }

        switch (reader.PeekState())
        {
            case CborReaderState.StartArray:
                var items = reader.ReadStartArray();
                for (var i = 0; items is null ? reader.PeekState() != CborReaderState.EndArray : i < items; i++)
                {
                    SkipBounded(reader, depth + 1, max);
                }

                reader.ReadEndArray();
                break;
            case CborReaderState.StartMap:
                var pairs = reader.ReadStartMap();
                for (var i = 0; pairs is null ? reader.PeekState() != CborReaderState.EndMap : i < pairs; i++)
                {
                    SkipBounded(reader, depth + 1, max);
                    SkipBounded(reader, depth + 1, max);
                }

                reader.ReadEndMap();
                break;
            case CborReaderState.Tag:
                reader.ReadTag();
                SkipBounded(reader, depth + 1, max);
                break;
            default:
                reader.SkipValue();
                break;
        }
    }

    private sealed class CborTooDeepException(string message) : Exception(message);
}
