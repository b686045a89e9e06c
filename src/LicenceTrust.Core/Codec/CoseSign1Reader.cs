using System.Formats.Cbor;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Core.Codec;

/// <summary>A COSE_Sign1 message whose envelope and headers passed <see cref="CoseSign1Reader"/>; the signature is not checked yet.</summary>
/// <param name="ProtectedHeader">The protected header bytes, as signed.</param>
/// <param name="Payload">The payload bytes, as signed.</param>
/// <param name="Signature">The signature bytes.</param>
/// <param name="Algorithm">The allow-listed algorithm of the protected header.</param>
/// <param name="Kid">The key id (protected, or unprotected as a look-up hint only).</param>
/// <param name="ContentType">Label 3, when the reader understands it and it is present.</param>
/// <param name="Typ">Label 16, likewise.</param>
/// <param name="X5Chain">Label 33 (one DER certificate), likewise.</param>
/// <param name="Dictionary">Label -65537 (LT2's preset dictionary id), likewise; protected only.</param>
public sealed record CoseEnvelope(byte[] ProtectedHeader, byte[] Payload, byte[] Signature, SignatureAlgorithm Algorithm, KeyId Kid, string? ContentType, string? Typ, byte[]? X5Chain, long? Dictionary = null)
{
    /// <summary>The bytes the signature covers (RFC 9052 <c>Sig_structure</c>).</summary>
    public byte[] ToBeSigned() => CoseSign1.ToBeSigned(ProtectedHeader, Payload);
}

/// <summary>
/// The one reader of COSE_Sign1 envelopes, for every signed object: credentials, trust lists,
/// recognition agreements, withdrawal notices, status lists and receipts. Canonical CBOR (RFC 7049
/// §3.9: definite lengths, shortest forms, sorted keys, so one text per content; duplicate map keys,
/// invalid UTF-8 and trailing bytes refused), a size cap, a nesting cap on everything it skips,
/// optional tag 18, no label in both header maps, <c>crit</c> enforced (every listed label must be one
/// the caller understands), <c>alg</c> from the protected header only and on the allow-list, an 8-byte
/// <c>kid</c>. Each refusal has its reason code (docs/format.md §1–2). Pure; thread-safe.
/// </summary>
public static class CoseSign1Reader
{
    /// <summary>
    /// What a credential's reader understands: alg, kid and LT2's dictionary id (docs/format.md §2, §12.1).
    /// LT1 reads the dictionary label too, only to refuse a credential that names one.
    /// </summary>
    public static readonly IReadOnlySet<long> CredentialLabels = new HashSet<long> { CredentialFormat.Header.Alg, CredentialFormat.Header.Kid, CredentialFormat.Header.Dictionary };

    /// <summary>What a credential's <c>crit</c> may list: alg and kid, nothing else (docs/format.md §2).</summary>
    public static readonly IReadOnlySet<long> CredentialCritical = new HashSet<long> { CredentialFormat.Header.Alg, CredentialFormat.Header.Kid };

    /// <summary>What a document's reader understands: alg, content type, kid, typ and x5chain.</summary>
    public static readonly IReadOnlySet<long> DocumentLabels = new HashSet<long>
    {
        CredentialFormat.Header.Alg, CredentialFormat.Header.ContentType, CredentialFormat.Header.Kid, CredentialFormat.Header.Typ, CredentialFormat.Header.X5Chain,
    };

    /// <summary>The largest signed document read (a trust list with many certificates stays far below).</summary>
    public const int MaxDocumentBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Reads the envelope and headers of <paramref name="message"/>. Returns the message, or null with
    /// <paramref name="failure"/> (COSE_MALFORMED, CBOR_TOO_DEEP, UNKNOWN_CRITICAL_HEADER,
    /// ALGORITHM_MISSING, ALGORITHM_UNPROTECTED, ALGORITHM_NOT_ALLOWED, KID_MISSING) and a detail for logs.
    /// Never throws for any input.
    /// </summary>
    /// <param name="message">The untrusted bytes.</param>
    /// <param name="understood">The header labels the caller reads.</param>
    /// <param name="critical">The labels <c>crit</c> may list (each must also be present).</param>
    /// <param name="limits">The nesting cap for skipped values.</param>
    /// <param name="maxBytes">The largest message read.</param>
    /// <param name="failure">Why the message was refused; <see cref="ReasonCode.None"/> when read.</param>
    /// <param name="detail">A detail for logs; empty when read.</param>
    public static CoseEnvelope? TryRead(byte[] message, IReadOnlySet<long> understood, IReadOnlySet<long> critical, CodecLimits limits, int maxBytes, out ReasonCode failure, out string detail)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(understood);
        ArgumentNullException.ThrowIfNull(critical);
        ArgumentNullException.ThrowIfNull(limits);
        if (message.Length > maxBytes)
        {
            return Fail(ReasonCode.CoseMalformed, $"{message.Length} bytes is more than {maxBytes}", out failure, out detail);
        }

        var reader = StrictCborReaders.Rent(message, canonical: true);
        try
        {
            if (reader.PeekState() == CborReaderState.Tag && reader.ReadTag() != (CborTag)CredentialFormat.CoseSign1Tag)
            {
                return Fail(ReasonCode.CoseMalformed, "tag is not 18 (COSE_Sign1)", out failure, out detail);
            }

            if (reader.ReadStartArray() != 4)
            {
                return Fail(ReasonCode.CoseMalformed, "COSE_Sign1 is not an array of 4", out failure, out detail);
            }

            var protectedBytes = reader.ReadByteString();
            if (StrictCborReaders.ContainsIndefiniteLength(protectedBytes, limits.MaxCborDepth))
            {
                return Fail(ReasonCode.CoseMalformed, "the protected header holds an indefinite length (docs/format.md §3)", out failure, out detail);
            }

            var headers = ReadProtected(protectedBytes, understood, limits);
            var unprotectedAlg = false;
            var count = reader.ReadStartMap();
            for (var i = 0; count is null ? reader.PeekState() != CborReaderState.EndMap : i < count; i++)
            {
                var label = reader.ReadInt64();
                if (headers.Labels.Contains(label))
                {
                    return Fail(ReasonCode.CoseMalformed, $"header {label} is both protected and unprotected", out failure, out detail);
                }

                switch (label)
                {
                    case CredentialFormat.Header.Alg:
                        unprotectedAlg = true;
                        SkipBounded(reader, 1, limits.MaxCborDepth);
                        break;
                    case CredentialFormat.Header.Kid:
                        headers = headers with { Kid = headers.Kid ?? reader.ReadByteString() };
                        break;
                    default:
                        SkipBounded(reader, 1, limits.MaxCborDepth);
                        break;
                }
            }

            reader.ReadEndMap();
            if (headers.Critical is { } listed)
            {
                // RFC 9052 §3.1: each critical label must be understood by this reader and present.
                var refused = listed.Where(l => !critical.Contains(l) || !headers.Labels.Contains(l)).Cast<long?>().FirstOrDefault();
                if (listed.Count == 0 || refused is not null)
                {
                    return Fail(ReasonCode.UnknownCriticalHeader, listed.Count == 0 ? "the crit list is empty" : $"critical header {refused} is not understood", out failure, out detail);
                }
            }

            if (headers.Alg is not { } alg)
            {
                // The algorithm must come from the protected header; one in the unprotected header is ignored.
                return unprotectedAlg
                    ? Fail(ReasonCode.AlgorithmUnprotected, "alg only in the unprotected header", out failure, out detail)
                    : Fail(ReasonCode.AlgorithmMissing, "no alg header", out failure, out detail);
            }

            if (!SignatureAlgorithm.TryFromCoseId(alg, out var algorithm))
            {
                return Fail(ReasonCode.AlgorithmNotAllowed, $"alg {alg} is not on the allow-list", out failure, out detail);
            }

            if (headers.Kid is null || !KeyId.TryRead(headers.Kid, out var kid))
            {
                return Fail(ReasonCode.KidMissing, "kid missing or not 8 bytes", out failure, out detail);
            }

            var payload = reader.ReadByteString();
            var signature = reader.ReadByteString();
            reader.ReadEndArray();
            if (reader.BytesRemaining != 0)
            {
                return Fail(ReasonCode.CoseMalformed, $"{reader.BytesRemaining} bytes after the message", out failure, out detail);
            }

            if (StrictCborReaders.ContainsIndefiniteLength(payload, limits.MaxCborDepth))
            {
                return Fail(ReasonCode.ClaimsMalformed, "the payload holds an indefinite length (docs/format.md §3)", out failure, out detail);
            }

            failure = ReasonCode.None;
            detail = string.Empty;
            return new CoseEnvelope(protectedBytes, payload, signature, algorithm, kid, headers.ContentType, headers.Typ, headers.X5Chain, headers.Dictionary);
        }
        catch (CborTooDeepException e)
        {
            return Fail(ReasonCode.CborTooDeep, e.Message, out failure, out detail);
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            return Fail(ReasonCode.CoseMalformed, e.Message, out failure, out detail);
        }
        finally
        {
            StrictCborReaders.Return(reader);
        }
    }

    /// <summary>Skips one CBOR value, refusing nesting deeper than <paramref name="max"/> (a skipped value can still be a bomb).</summary>
    /// <exception cref="CborTooDeepException">Deeper than <paramref name="max"/>.</exception>
    public static void SkipBounded(CborReader reader, int depth, int max)
    {
        ArgumentNullException.ThrowIfNull(reader);
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

    private sealed record Protected(HashSet<long> Labels, long? Alg, byte[]? Kid, List<long>? Critical, string? ContentType, string? Typ, byte[]? X5Chain, long? Dictionary = null);

    private static Protected ReadProtected(byte[] protectedBytes, IReadOnlySet<long> understood, CodecLimits limits)
    {
        var header = new Protected([], null, null, null, null, null, null);
        if (protectedBytes.Length == 0)
        {
            return header;
        }

        var reader = StrictCborReaders.Rent(protectedBytes);
        try
        {
            var count = reader.ReadStartMap();
            for (var i = 0; count is null ? reader.PeekState() != CborReaderState.EndMap : i < count; i++)
            {
                var label = reader.ReadInt64();
                header.Labels.Add(label);
                header = label switch
                {
                    CredentialFormat.Header.Alg => header with { Alg = reader.ReadInt64() },
                    CredentialFormat.Header.Kid => header with { Kid = reader.ReadByteString() },
                    CredentialFormat.Header.Crit => header with { Critical = ReadLabels(reader, limits) },
                    CredentialFormat.Header.ContentType when understood.Contains(label) => header with { ContentType = reader.ReadTextString() },
                    CredentialFormat.Header.Typ when understood.Contains(label) => header with { Typ = reader.ReadTextString() },
                    CredentialFormat.Header.X5Chain when understood.Contains(label) => header with { X5Chain = reader.ReadByteString() },
                    CredentialFormat.Header.Dictionary when understood.Contains(label) => header with { Dictionary = reader.ReadInt64() },
                    _ => Skipped(reader, header, limits),
                };
            }

            reader.ReadEndMap();
            if (reader.BytesRemaining != 0)
            {
                throw new CborContentException("bytes after the protected header map");
            }

            return header;
        }
        finally
        {
            StrictCborReaders.Return(reader);
        }
    }

    private static Protected Skipped(CborReader reader, Protected header, CodecLimits limits)
    {
        SkipBounded(reader, 1, limits.MaxCborDepth);
        return header;
    }

    /// <summary>The labels of <c>crit</c>; a text label (never understood) is kept as <see cref="long.MinValue"/>.</summary>
    private static List<long> ReadLabels(CborReader reader, CodecLimits limits)
    {
        var labels = new List<long>();
        var count = reader.ReadStartArray();
        for (var i = 0; count is null ? reader.PeekState() != CborReaderState.EndArray : i < count; i++)
        {
            if (reader.PeekState() is CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger)
            {
                labels.Add(reader.ReadInt64());
            }
            else
            {
                labels.Add(long.MinValue);
                SkipBounded(reader, 2, limits.MaxCborDepth);
            }
        }

        reader.ReadEndArray();
        return labels;
    }

    private static CoseEnvelope? Fail(ReasonCode reason, string why, out ReasonCode failure, out string detail)
    {
        failure = reason;
        detail = why;
        return null;
    }
}

/// <summary>A CBOR value nested deeper than <see cref="CodecLimits.MaxCborDepth"/>.</summary>
public sealed class CborTooDeepException(string message) : Exception(message);
