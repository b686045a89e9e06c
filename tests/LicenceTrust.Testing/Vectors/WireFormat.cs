using System.Formats.Cbor;
using LicenceTrust.Core.Codec;

namespace LicenceTrust.Testing.Vectors;

/// <summary>How a vector set wraps hand-made COSE messages: LT1, or LT2 with its dictionary and its header label.</summary>
public sealed class WireFormat(CredentialEncoding encoding)
{
    public string Name => Prefix.TrimEnd(':');

    public string Prefix => CredentialFormat.PrefixOf(encoding);

    public string Wrap(byte[] cose) => CredentialWriter.Wrap(cose, encoding);

    /// <summary>A protected header with these entries, plus LT2's dictionary id where the format has one.</summary>
    public Action<CborWriter> Header(params (int Label, object Value)[] entries) =>
        CoseForge.Map(encoding == CredentialEncoding.Lt2 ? [.. entries, (CredentialFormat.Header.Dictionary, PresetDictionary.One.Id)] : entries);
}
