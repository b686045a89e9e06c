namespace LicenceTrust.Core.Codec;

/// <summary>Input caps for decoding untrusted QR text. Defaults suit every credential LicenceTrust writes.</summary>
public sealed record CodecLimits
{
    /// <summary>Longest QR text accepted, in characters. Default 4,296: a version-40 QR code in alphanumeric mode.</summary>
    public int MaxTextLength { get; init; } = 4296;

    /// <summary>Largest inflated COSE message, in bytes. Default 16 KiB.</summary>
    public int MaxInflatedBytes { get; init; } = 16 * 1024;

    /// <summary>Deepest CBOR nesting accepted inside unknown values. Default 16.</summary>
    public int MaxCborDepth { get; init; } = 16;

    public static CodecLimits Default { get; } = new();
}
