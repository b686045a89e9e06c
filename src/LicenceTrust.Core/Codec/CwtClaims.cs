using System.Formats.Cbor;

namespace LicenceTrust.Core.Codec;

/// <summary>
/// Walks the claims map of a signed document (strict CBOR): each claim goes to <c>intClaim</c> or
/// <c>textClaim</c> by its key's kind, which reads the value it knows and returns false for one it does
/// not (then the value is skipped). Nothing may follow the map.
/// </summary>
internal static class CwtClaims
{
    /// <exception cref="CborContentException">The payload is not one strict CBOR map.</exception>
    public static void Read(byte[] payload, Func<int, CborReader, bool> intClaim, Func<string, CborReader, bool> textClaim)
    {
        var reader = new CborReader(payload, CborConformanceMode.Strict);
        var count = reader.ReadStartMap();
        for (var i = 0; i < count; i++)
        {
            var known = reader.PeekState() == CborReaderState.TextString
                ? textClaim(reader.ReadTextString(), reader)
                : intClaim(reader.ReadInt32(), reader);
            if (!known)
            {
                reader.SkipValue();
            }
        }

        reader.ReadEndMap();
        if (reader.BytesRemaining != 0)
        {
            throw new CborContentException("bytes follow the claims map");
        }
    }
}
