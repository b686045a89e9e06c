using LicenceTrust.Samples;
using System.Buffers.Binary;
using LicenceTrust.Core.Licences;
using LicenceTrust.QrImages;
using LicenceTrust.Testing;

namespace LicenceTrust.Core.Tests;

/// <summary>Finding QR codes in photos and scans: what the image endpoint and the staff page upload rely on.</summary>
public class QrImageReaderTests
{
    private static readonly string Text = Credentials.Sign(ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Sichuan).Build()).QrText;

    [Theory]
    [InlineData(11f, 1.35f)]
    [InlineData(-23f, 0.9f)]
    [InlineData(90f, 1.8f)]
    public void A_rotated_scaled_noisy_photo_of_a_printed_licence_yields_its_QR_text(float degrees, float scale)
    {
        var scan = QrImageReader.Scan(PrintedLicencePhoto.Jpeg(Text, degrees, scale));

        Assert.Equal(ImageScanError.None, scan.Error);
        Assert.Equal([Text], scan.Texts);
    }

    [Fact]
    public void A_PNG_photo_works_too() => Assert.Equal([Text], QrImageReader.Scan(PrintedLicencePhoto.Png(Text)).Texts);

    [Fact]
    public void Every_code_on_every_page_of_a_scanned_PDF_is_found()
    {
        var other = Credentials.Sign(ALicence.OfType(SampleLicenceTypes.FoodBusinessPermit).Build()).QrText;

        var scan = QrImageReader.Scan(PrintedLicencePhoto.Pdf(Text, other));

        Assert.Equal(ImageScanError.None, scan.Error);
        Assert.Equal([Text, other], scan.Texts);
    }

    [Fact]
    public void Two_licences_on_one_page_are_both_found()
    {
        var other = Credentials.Sign(ALicence.OfType(SampleLicenceTypes.FoodBusinessPermit).Build()).QrText;

        var scan = QrImageReader.Scan(PrintedLicencePhoto.TwoOnOnePage(Text, other));

        Assert.Equal(new[] { Text, other }.Order(), scan.Texts.Order());
    }

    [Fact]
    public void A_photo_without_a_code_is_scanned_and_yields_nothing()
    {
        var scan = QrImageReader.Scan(PrintedLicencePhoto.Jpeg("HC1:not ours", 0, 0.01f));

        Assert.Equal(ImageScanError.None, scan.Error);
        Assert.Empty(scan.Texts);
    }

    [Fact]
    public void Bad_files_get_a_specific_error_not_an_exception()
    {
        var png = PrintedLicencePhoto.Png(Text);

        Assert.Equal(ImageScanError.UnsupportedFormat, QrImageReader.Scan([]).Error);
        Assert.Equal(ImageScanError.UnsupportedFormat, QrImageReader.Scan("GIF89a....."u8).Error);
        Assert.Equal(ImageScanError.UnsupportedFormat, QrImageReader.Scan(new Random(3).GetItems<byte>([.. Enumerable.Range(0, 256).Select(i => (byte)i)], 5000)).Error);
        Assert.Equal(ImageScanError.Corrupt, QrImageReader.Scan(png.AsSpan(0, 40)).Error);
        Assert.Equal(ImageScanError.Corrupt, QrImageReader.Scan("%PDF-1.7\n garbage that is no PDF"u8).Error);
        Assert.Equal(ImageScanError.Corrupt, QrImageReader.Scan(PrintedLicencePhoto.Pdf(Text)[..300]).Error);
    }

    [Fact]
    public void A_decompression_bomb_is_refused_before_its_pixels_are_allocated()
    {
        // A valid PNG header claiming 100,000 × 100,000 pixels: the check is on the header, not the decode.
        var png = PrintedLicencePhoto.Png(Text).ToArray();
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 100_000);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 100_000);
        var crc = Crc32(png.AsSpan(12, 17));
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), crc);

        var scan = QrImageReader.Scan(png);

        Assert.Equal(ImageScanError.TooLarge, scan.Error);
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
