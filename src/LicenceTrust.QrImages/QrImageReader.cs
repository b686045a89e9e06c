using SkiaSharp;
using UglyToad.PdfPig;
using ZXing;
using ZXing.Common;
using ZXing.Multi.QrCode;

namespace LicenceTrust.QrImages;

/// <summary>Why an image could not be scanned; the codes are stable and end up in API problems.</summary>
public enum ImageScanError
{
    None,

    /// <summary>Not a PNG, JPEG or PDF (judged by the bytes, not the declared type).</summary>
    UnsupportedFormat,

    /// <summary>The bytes claim a format but cannot be decoded.</summary>
    Corrupt,

    /// <summary>More pixels, or more PDF pages or images, than a scan may take.</summary>
    TooLarge,
}

/// <summary>The QR texts found in an image or document, in reading order without repeats, or why none could be looked for.</summary>
public sealed record ImageScan(IReadOnlyList<string> Texts, ImageScanError Error, string Detail)
{
    public static ImageScan Failed(ImageScanError error, string detail) => new([], error, detail);
}

/// <summary>
/// Finds every QR code in a photo (PNG, JPEG) or a scanned document (PDF: the images embedded in its
/// pages). SkiaSharp decodes pixels, PdfPig extracts embedded images, ZXing.Net finds and reads the
/// codes. Bounded: pixels, pages and images are capped before any large allocation, so a hostile file
/// costs at most one capped decode. Thread-safe (no shared state).
/// </summary>
public static class QrImageReader
{
    /// <summary>Most pixels decoded from one image (a 12-megapixel phone photo has 12,000,000).</summary>
    public const long MaxPixels = 40_000_000;

    public const int MaxPdfPages = 20;

    public const int MaxPdfImages = 50;

    /// <summary>The long side a large photo is also tried at: QR finders work better on fewer, sharper pixels.</summary>
    private const int DownscaledSide = 1600;

    /// <summary>Most codes read from one image.</summary>
    private const int MaxCodesPerImage = 8;

    public static ImageScan Scan(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith("%PDF-"u8))
        {
            return ScanPdf(bytes.ToArray());
        }

        if (!IsRaster(bytes))
        {
            return ImageScan.Failed(ImageScanError.UnsupportedFormat, "not a PNG, JPEG or PDF file");
        }

        var found = new List<string>();
        var error = ScanRaster(bytes, found, out var detail);
        return error == ImageScanError.None ? new ImageScan(found, error, string.Empty) : ImageScan.Failed(error, detail);
    }

    private static bool IsRaster(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]);

    private static ImageScan ScanPdf(byte[] pdf)
    {
        var found = new List<string>();
        try
        {
            using var document = PdfDocument.Open(pdf);
            if (document.NumberOfPages > MaxPdfPages)
            {
                return ImageScan.Failed(ImageScanError.TooLarge, $"the PDF has {document.NumberOfPages} pages; at most {MaxPdfPages} are scanned");
            }

            var images = 0;
            foreach (var page in document.GetPages())
            {
                foreach (var image in page.GetImages())
                {
                    if (++images > MaxPdfImages)
                    {
                        return ImageScan.Failed(ImageScanError.TooLarge, $"the PDF holds more than {MaxPdfImages} images");
                    }

                    // Scans are usually JPEG (DCTDecode: the raw bytes are the JPEG); PdfPig renders the others as PNG.
                    var raster = IsRaster(image.RawMemory.Span) ? image.RawMemory.ToArray() : image.TryGetPng(out var png) ? png : null;
                    if (raster is not null)
                    {
                        // One unreadable embedded image does not spoil the page: the others are still scanned.
                        _ = ScanRaster(raster, found, out _);
                    }
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // PdfPig reports malformed documents with many exception types; all mean the same to a caller.
            return ImageScan.Failed(ImageScanError.Corrupt, "the PDF cannot be read: " + e.GetType().Name);
        }

        return new ImageScan(found, ImageScanError.None, string.Empty);
    }

    private static ImageScanError ScanRaster(ReadOnlySpan<byte> bytes, List<string> found, out string detail)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            detail = "the image cannot be decoded";
            return ImageScanError.Corrupt;
        }

        var info = codec.Info;
        if ((long)info.Width * info.Height > MaxPixels)
        {
            detail = $"the image has {info.Width}×{info.Height} pixels; at most {MaxPixels:N0} are scanned";
            return ImageScanError.TooLarge;
        }

        // Decoded through the codec, not SKBitmap.Decode, so a truncated file is reported rather than half-read.
        using var bitmap = new SKBitmap(new SKImageInfo(info.Width, info.Height, SKColorType.Bgra8888, SKAlphaType.Unpremul));
        var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success))
        {
            detail = $"the image cannot be decoded ({result})";
            return ImageScanError.Corrupt;
        }

        // Fallbacks run only while nothing is found: a slight blur removes sensor noise that breaks the
        // finder patterns' 1:1:3:1:1 ratio; a smaller copy of a large photo sharpens soft focus.
        var before = found.Count;
        Decode(bitmap, found);
        if (found.Count == before)
        {
            using var blurred = Blurred(bitmap);
            Decode(blurred, found);
        }

        var longSide = Math.Max(info.Width, info.Height);
        if (found.Count == before && longSide > DownscaledSide)
        {
            var scale = (float)DownscaledSide / longSide;
            using var smaller = bitmap.Resize(new SKImageInfo((int)(info.Width * scale), (int)(info.Height * scale), SKColorType.Bgra8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            if (smaller is not null)
            {
                Decode(smaller, found);
            }
        }

        detail = string.Empty;
        return ImageScanError.None;
    }

    private static SKBitmap Blurred(SKBitmap source)
    {
        var blurred = new SKBitmap(source.Info);
        using var canvas = new SKCanvas(blurred);
        using var filter = SKImageFilter.CreateBlur(1.2f, 1.2f);
        using var paint = new SKPaint { ImageFilter = filter };
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, 0, 0, SKSamplingOptions.Default, paint);
        return blurred;
    }

    private static void Decode(SKBitmap bgra, List<string> found)
    {
        var width = bgra.Width;
        var height = bgra.Height;
        var pixels = new byte[width * height];
        var source = bgra.GetPixelSpan();
        for (var y = 0; y < height; y++)
        {
            var row = source.Slice(y * bgra.RowBytes, width * 4);
            for (var x = 0; x < width; x++)
            {
                // Transparent pixels count as white paper (PNG exports often have an alpha background).
                var alpha = row[(x * 4) + 3];
                var luma = ((row[(x * 4) + 2] * 77) + (row[(x * 4) + 1] * 150) + (row[x * 4] * 29)) >> 8;
                pixels[(y * width) + x] = (byte)(((luma * alpha) + (255 * (255 - alpha))) / 255);
            }
        }

        var hints = new Dictionary<DecodeHintType, object>
        {
            [DecodeHintType.TRY_HARDER] = true,
            [DecodeHintType.POSSIBLE_FORMATS] = new List<BarcodeFormat> { BarcodeFormat.QR_CODE },
        };

        // ZXing's multi-reader often stops at the first of several codes: paint each code found white and
        // look again, until a pass finds nothing new.
        for (var pass = 0; pass < MaxCodesPerImage; pass++)
        {
            var results = DecodeOnce(pixels, width, height, hints);
            var added = false;
            foreach (var result in results)
            {
                if (!string.IsNullOrEmpty(result.Text) && !found.Contains(result.Text, StringComparer.Ordinal))
                {
                    found.Add(result.Text);
                    added = true;
                }

                Erase(pixels, width, height, result.ResultPoints);
            }

            if (!added)
            {
                return;
            }
        }
    }

    private static Result[] DecodeOnce(byte[] pixels, int width, int height, Dictionary<DecodeHintType, object> hints)
    {
        var luminance = new RGBLuminanceSource(pixels, width, height, RGBLuminanceSource.BitmapFormat.Gray8);

        // The hybrid binariser copes with uneven light; the global one with fine noise. Try both.
        foreach (Binarizer binarizer in new Binarizer[] { new HybridBinarizer(luminance), new GlobalHistogramBinarizer(luminance) })
        {
            // The multi-code finder is weaker than the single-code one on a lone, skewed code: try both.
            var bitmap = new BinaryBitmap(binarizer);
            if (new QRCodeMultiReader().decodeMultiple(bitmap, hints) is { Length: > 0 } results)
            {
                return results;
            }

            if (new ZXing.QrCode.QRCodeReader().decode(bitmap, hints) is { } single)
            {
                return [single];
            }
        }

        return [];
    }

    /// <summary>Whitens the code's area: the finder centres' bounding box, widened to cover the outer modules.</summary>
    private static void Erase(byte[] pixels, int width, int height, ResultPoint[]? points)
    {
        if (points is not { Length: >= 3 })
        {
            return;
        }

        var left = points.Min(p => p.X);
        var right = points.Max(p => p.X);
        var top = points.Min(p => p.Y);
        var bottom = points.Max(p => p.Y);
        var margin = Math.Max(right - left, bottom - top) * 0.25f;
        var x0 = Math.Clamp((int)(left - margin), 0, width);
        var x1 = Math.Clamp((int)(right + margin), 0, width);
        var y0 = Math.Clamp((int)(top - margin), 0, height);
        var y1 = Math.Clamp((int)(bottom + margin), 0, height);
        for (var y = y0; y < y1; y++)
        {
            pixels.AsSpan((y * width) + x0, x1 - x0).Fill(255);
        }
    }
}
