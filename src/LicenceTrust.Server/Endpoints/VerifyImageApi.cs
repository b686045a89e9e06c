using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.QrImages;
using LicenceTrust.Server.Hosting;
using LicenceTrust.Verification;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace LicenceTrust.Server.Endpoints;

/// <summary>One QR code found in an uploaded image, and its verification.</summary>
public sealed record ImageVerifyResponse(int Found, IReadOnlyList<VerifyResponse> Results);

/// <summary>
/// POST /api/v1/verify/image: a photo (PNG, JPEG) or a scanned PDF, as the raw body or as the <c>file</c>
/// field of a multipart form (the staff page's upload). Every QR code on it is read and verified; a code
/// of another system gets UNREADABLE. Decoding is CPU-bound, so a gate caps how many run at once.
/// </summary>
public static class VerifyImageApi
{
    /// <summary>Raw body types taken; the format itself is judged by the bytes (the generated client sends octet-stream).</summary>
    public static readonly string[] ImageTypes = ["image/png", "image/jpeg", "application/pdf", "application/octet-stream"];

    public static void MapVerifyImageApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/verify/image", VerifyImageAsync)
            .Accepts<IFormFile>("multipart/form-data", ImageTypes)
            .WithProblems(400, 413, 415, 429, 503)
            .WithName("VerifyImage").WithSummary("Verify every QR code in a photo or a scanned PDF");

    private static async Task<Ok<ImageVerifyResponse>> VerifyImageAsync(HttpContext http, VerificationService verification, LicenceTypeCatalogue types, ImageScanGate gate, IOptions<NodeOptions> options)
    {
        var limit = options.Value.MaxImageBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit + (64 * 1024);
        }

        var bytes = await ReadUploadAsync(http.Request, limit, http.RequestAborted);
        var scan = await gate.ScanAsync(bytes, http.RequestAborted);
        switch (scan.Error)
        {
            case ImageScanError.UnsupportedFormat:
                throw new LicenceTrustException(new(ErrorKind.UnsupportedMediaType, "IMAGE_FORMAT_UNSUPPORTED", "文件不是PNG、JPEG图片或PDF文档 (the file is not a PNG or JPEG image or a PDF document)."));
            case ImageScanError.Corrupt:
                throw LicenceTrustException.Validation("IMAGE_UNREADABLE", $"文件已损坏，无法读取 (the file cannot be read: {scan.Detail}).", "file");
            case ImageScanError.TooLarge:
                throw new LicenceTrustException(new(ErrorKind.TooLarge, "IMAGE_TOO_LARGE", $"图片或文档过大 ({scan.Detail})."));
        }

        if (scan.Texts.Count == 0)
        {
            throw LicenceTrustException.Validation("NO_QR_CODE_FOUND",
                "图片中未找到二维码，请将二维码完整、清晰地拍入画面 (no QR code was found; photograph the whole code, sharp and well lit).", "file");
        }

        var disclosure = VerifyApi.DisclosureFor(http);
        var results = new List<VerifyResponse>(scan.Texts.Count);
        foreach (var text in scan.Texts)
        {
            results.Add(await VerifyApi.ToDetailedResponseAsync(await verification.VerifyAsync(text, http.RequestAborted), disclosure, types, verification, http.RequestAborted));
        }

        return TypedResults.Ok(new ImageVerifyResponse(results.Count, results));
    }

    private static async Task<byte[]> ReadUploadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        Stream source;
        long? length;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            var file = form.Files.GetFile("file") ?? form.Files.FirstOrDefault()
                ?? throw LicenceTrustException.Validation("FILE_REQUIRED", "请选择要上传的图片或PDF (the form has no file; send it as the field 'file').", "file");
            source = file.OpenReadStream();
            length = file.Length;
        }
        else if (request.ContentType is { } type && ImageTypes.Any(t => type.StartsWith(t, StringComparison.OrdinalIgnoreCase)))
        {
            source = request.Body;
            length = request.ContentLength;
        }
        else
        {
            throw new LicenceTrustException(new(ErrorKind.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
                "请上传PNG、JPEG图片或PDF文档 (send image/png, image/jpeg or application/pdf, raw or as the 'file' field of multipart/form-data)."));
        }

        if (length > limit)
        {
            throw new LicenceTrustException(new(ErrorKind.TooLarge, "IMAGE_TOO_LARGE", $"文件超过{limit / 1024 / 1024} MiB (the file is larger than {limit} bytes)."));
        }

        await using (source)
        {
            using var buffer = new MemoryStream();
            await source.CopyToAsync(buffer, cancellationToken);
            if (buffer.Length > limit)
            {
                throw new LicenceTrustException(new(ErrorKind.TooLarge, "IMAGE_TOO_LARGE", $"文件超过{limit / 1024 / 1024} MiB (the file is larger than {limit} bytes)."));
            }

            return buffer.Length > 0
                ? buffer.ToArray()
                : throw LicenceTrustException.Validation("BODY_EMPTY", "上传的文件是空的 (the upload is empty).", "file");
        }
    }
}

/// <summary>Caps concurrent image decodes (CPU-bound) so uploads cannot starve verification.</summary>
public sealed class ImageScanGate(IOptions<NodeOptions> options)
{
    private readonly SemaphoreSlim _slots = new(options.Value.ImageScanConcurrency);

    public async Task<ImageScan> ScanAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken))
        {
            throw new LicenceTrustException(new(ErrorKind.Unavailable, "SCAN_BUSY", "识别服务繁忙，请稍后重试 (too many images are being scanned; retry shortly)."));
        }

        try
        {
            return QrImageReader.Scan(bytes);
        }
        finally
        {
            _slots.Release();
        }
    }
}
