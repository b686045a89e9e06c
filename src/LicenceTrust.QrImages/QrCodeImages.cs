using QRCoder;

namespace LicenceTrust.QrImages;

/// <summary>
/// Renders credential QR codes with QRCoder at error-correction level Q (25 % recoverable), which
/// survives creases and glare on printed licences. LT1 and LT2 text is all Base45, so QRCoder encodes it in
/// alphanumeric mode. Thread-safe (no shared state).
/// </summary>
public static class QrCodeImages
{
    /// <summary>The error-correction level of every LicenceTrust QR code.</summary>
    public const QRCodeGenerator.ECCLevel Level = QRCodeGenerator.ECCLevel.Q;

    /// <summary>The QR version (1–40) the text needs at level Q.</summary>
    public static int Version(string text) => Create(text).Version;

    /// <summary>A PNG image; <paramref name="pixelsPerModule"/> 1–40, with a 4-module quiet zone.</summary>
    public static byte[] Png(string text, int pixelsPerModule = 6)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pixelsPerModule, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pixelsPerModule, 40);
        using var data = Create(text);
        return new PngByteQRCode(data).GetGraphic(pixelsPerModule);
    }

    /// <summary>An SVG document scaled to its viewBox, with a 4-module quiet zone.</summary>
    public static string Svg(string text)
    {
        using var data = Create(text);
        return new SvgQRCode(data).GetGraphic(4);
    }

    /// <summary>The dark modules, row by row, with the 4-module quiet zone: for drawing the code as vectors (a PDF copy).</summary>
    public static bool[][] Modules(string text)
    {
        using var data = Create(text);
        return [.. data.ModuleMatrix.Select(row => row.Cast<bool>().ToArray())];
    }

    private static QRCodeData Create(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        using var generator = new QRCodeGenerator();
        return generator.CreateQrCode(text, Level);
    }
}
