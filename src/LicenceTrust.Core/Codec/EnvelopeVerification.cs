using System.Formats.Cbor;
using LicenceTrust.Core.Crypto;

namespace LicenceTrust.Core.Codec;

/// <summary>Why a signed envelope was not accepted; <see cref="None"/> when it was.</summary>
public enum EnvelopeRefusal
{
    None,

    /// <summary>The bytes are not a COSE_Sign1 message the one reader accepts.</summary>
    Malformed,

    /// <summary>Its typ (or content type) is not the kind of document expected.</summary>
    WrongType,

    /// <summary>The signer the document names is refused (e.g. its certificate is not of the pinned root, or missing).</summary>
    SignerRefused,

    /// <summary>No candidate key has its kid.</summary>
    UnknownKey,

    /// <summary>A key has its kid, but none of the key type its alg names.</summary>
    AlgorithmKeyMismatch,

    /// <summary>No key of its kid and alg verifies its signature.</summary>
    SignatureInvalid,
}

/// <summary>What a signed document must declare: its <c>typ</c> (label 16) or its content type (label 3).</summary>
/// <param name="Name">What it is called in errors, e.g. "status list token".</param>
/// <param name="Typ">The <c>typ</c> it must carry, or null.</param>
/// <param name="ContentType">The content type it must carry, or null.</param>
public sealed record DocumentKind(string Name, string? Typ = null, string? ContentType = null)
{
    public bool Matches(CoseEnvelope message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return (Typ is null || message.Typ == Typ) && (ContentType is null || message.ContentType == ContentType);
    }
}

/// <summary>
/// The one check of a COSE_Sign1 signature, for every signed object: credentials, the re-check after
/// signing, receipts, status-list tokens, status answers, trust lists, agreements and notices. In this
/// order: the kind (typ or content type, for documents), then among the candidate keys those with the
/// message's kid, of those the ones whose key type is the protected <c>alg</c>, and the first whose key
/// verifies the <c>Sig_structure</c> is the signer. Pure; thread-safe.
/// </summary>
public static class EnvelopeVerification
{
    /// <summary>
    /// The first of <paramref name="candidates"/> that signed the message, or null with the
    /// <paramref name="refusal"/>. <paramref name="describe"/> gives a candidate's kid (null: any kid, for a
    /// single key known in advance) and key. <paramref name="remembered"/>, when given, says a candidate
    /// already verified these exact bytes (the signature memo), and <paramref name="verified"/> is told of
    /// a fresh verification: the Sig_structure is then not even built.
    /// </summary>
    public static T? FindSigner<T>(
        SignatureAlgorithm algorithm, KeyId kid, ReadOnlyMemory<byte> protectedHeader, ReadOnlyMemory<byte> payload, ReadOnlySpan<byte> signature,
        IReadOnlyList<T> candidates, Func<T, (KeyId? Kid, VerificationKey Key)> describe, out EnvelopeRefusal refusal,
        Func<T, bool>? remembered = null, Action<T>? verified = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(describe);
        byte[]? toBeSigned = null;
        var kidMatched = false;
        var keyTypeMatched = false;
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            var (candidateKid, key) = describe(candidate);
            if (candidateKid is { } k && k != kid)
            {
                continue;
            }

            kidMatched = true;
            // alg comes from the protected header only, and must match the key's type.
            if (key.Algorithm != algorithm)
            {
                continue;
            }

            keyTypeMatched = true;
            if (remembered?.Invoke(candidate) == true)
            {
                refusal = EnvelopeRefusal.None;
                return candidate;
            }

            toBeSigned ??= CoseSign1.ToBeSigned(protectedHeader.Span, payload.Span);
            if (key.Verify(toBeSigned, signature))
            {
                verified?.Invoke(candidate);
                refusal = EnvelopeRefusal.None;
                return candidate;
            }
        }

        refusal = !kidMatched ? EnvelopeRefusal.UnknownKey : !keyTypeMatched ? EnvelopeRefusal.AlgorithmKeyMismatch : EnvelopeRefusal.SignatureInvalid;
        return null;
    }

    /// <summary>
    /// Reads a signed document with the one reader, checks its kind, finds its candidate keys with
    /// <paramref name="candidatesOf"/> (which may throw <see cref="FormatException"/> for a signer it
    /// refuses, e.g. a certificate not of the pinned root) and its signer among them. Returns the message,
    /// or null with the refusal and an error for logs (for a refused signer, <paramref name="candidatesOf"/>'s
    /// own message, which the caller words). Never throws for any input.
    /// </summary>
    public static CoseEnvelope? OpenDocument<T>(
        byte[] document, DocumentKind kind, Func<CoseEnvelope, IReadOnlyList<T>> candidatesOf, Func<T, (KeyId? Kid, VerificationKey Key)> describe,
        out T? signer, out EnvelopeRefusal refusal, out string error)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(candidatesOf);
        signer = null;
        try
        {
            if (CoseSign1.ReadDocument(document, out error) is not { } message)
            {
                refusal = EnvelopeRefusal.Malformed;
                error = $"malformed {kind.Name}: {error}";
                return null;
            }

            if (!kind.Matches(message))
            {
                refusal = EnvelopeRefusal.WrongType;
                error = $"not a {kind.Name} ({(kind.Typ is null ? "content type" : "typ")})";
                return null;
            }

            IReadOnlyList<T> candidates;
            try
            {
                candidates = candidatesOf(message);
            }
            catch (FormatException e)
            {
                refusal = EnvelopeRefusal.SignerRefused;
                error = e.Message;
                return null;
            }

            signer = FindSigner(message.Algorithm, message.Kid, message.ProtectedHeader, message.Payload, message.Signature, candidates, describe, out refusal);
            error = refusal switch
            {
                EnvelopeRefusal.None => string.Empty,
                EnvelopeRefusal.UnknownKey => $"the {kind.Name} was signed by an unknown key",
                EnvelopeRefusal.AlgorithmKeyMismatch => $"the {kind.Name}'s alg does not match its signer's key",
                _ => $"the {kind.Name}'s signature does not verify",
            };
            return signer is null ? null : message;
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or OverflowException or ArgumentException)
        {
            refusal = EnvelopeRefusal.Malformed;
            error = $"malformed {kind.Name}: {e.Message}";
            return null;
        }
    }
}
