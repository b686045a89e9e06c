using LicenceTrust.QrImages;
using SkiaSharp;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

namespace LicenceTrust.Testing;

/// <summary>
/// What a counter clerk's phone or a document scanner produces from a printed licence: the QR code
/// rendered, rotated, scaled, placed on a larger page with other print, and noise added — as JPEG,
/// PNG, or a PDF page holding the scan. Deterministic for a given seed.
/// </summary>
public static class PrintedLicencePhoto
{
    public static byte[] Jpeg(string qrText, float degrees = 11f, float scale = 1.35f, int seed = 7) => Encode(Render(qrText, degrees, scale, seed), SKEncodedImageFormat.Jpeg);

    public static byte[] Png(string qrText, float degrees = 11f, float scale = 1.35f, int seed = 7) => Encode(Render(qrText, degrees, scale, seed), SKEncodedImageFormat.Png);

    /// <summary>An A4 PDF whose page is the scanned JPEG (as scanners write them).</summary>
    public static byte[] Pdf(params string[] qrTexts)
    {
        var builder = new PdfDocumentBuilder();
        foreach (var text in qrTexts)
        {
            var page = builder.AddPage(595, 842);
            page.AddJpeg(Jpeg(text), new PdfRectangle(20, 40, 575, 802));
        }

        return builder.Build();
    }

    /// <summary>One page holding two licences side by side (e.g. a photocopy of two documents).</summary>
    public static byte[] TwoOnOnePage(string first, string second)
    {
        using var left = SKImage.FromEncodedData(Png(first, 5f, 1.35f, 1));
        using var right = SKImage.FromEncodedData(Png(second, -8f, 1.35f, 2));
        using var surface = SKSurface.Create(new SKImageInfo(left.Width + right.Width, Math.Max(left.Height, right.Height)));
        surface.Canvas.Clear(SKColors.White);
        surface.Canvas.DrawImage(left, 0, 0, SKSamplingOptions.Default);
        surface.Canvas.DrawImage(right, left.Width, 0, SKSamplingOptions.Default);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static SKImage Render(string qrText, float degrees, float scale, int seed)
    {
        using var qr = SKImage.FromEncodedData(QrCodeImages.Png(qrText, 4));
        const int width = 1800, height = 1300;
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(new SKColor(236, 232, 220));

        // The rest of the printed page: a border and lines of "text".
        using var ink = new SKPaint { Color = new SKColor(40, 40, 60), IsAntialias = true, StrokeWidth = 6, Style = SKPaintStyle.Stroke };
        canvas.DrawRect(40, 40, width - 80, height - 80, ink);
        ink.StrokeWidth = 9;
        var random = new Random(seed);
        for (var y = 120; y < height - 120; y += 46)
        {
            canvas.DrawLine(90, y, 90 + random.Next(300, 800), y, ink);
        }

        canvas.Save();
        canvas.Translate(width * 0.68f, height * 0.52f);
        canvas.RotateDegrees(degrees);
        canvas.Scale(scale);
        canvas.DrawImage(qr, -qr.Width / 2f, -qr.Height / 2f, new SKSamplingOptions(SKFilterMode.Linear));
        canvas.Restore();

        // Sensor noise: sparse specks of grey.
        using var speck = new SKPaint { IsAntialias = false };
        for (var i = 0; i < 40_000; i++)
        {
            var shade = (byte)random.Next(60, 200);
            speck.Color = new SKColor(shade, shade, shade, 90);
            canvas.DrawPoint(random.Next(width), random.Next(height), speck);
        }

        return surface.Snapshot();
    }

    private static byte[] Encode(SKImage image, SKEncodedImageFormat format)
    {
        using (image)
        using (var data = image.Encode(format, 82))
        {
            return data.ToArray();
        }
    }
}
