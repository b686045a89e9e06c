using LicenceTrust.Samples;
using LicenceTrust.Core.Licences;
using LicenceTrust.QrImages;
using LicenceTrust.Testing;

namespace LicenceTrust.Core.Tests;

public class QrImageTests
{
    [Fact]
    public void Credentials_render_as_PNG_and_SVG()
    {
        var text = Credentials.Sign(ALicence.OfType(SampleLicenceTypes.BusinessLicence).Build()).QrText;

        var png = QrCodeImages.Png(text);
        var svg = QrCodeImages.Svg(text);

        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.StartsWith("<svg", svg.TrimStart().Replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", string.Empty, StringComparison.Ordinal).TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_demo_credential_fits_QR_version_20_at_level_Q()
    {
        // Measured versions are in docs/format.md; this guards against the format growing unnoticed.
        foreach (var province in SampleProvinces.All)
        {
            foreach (var type in SampleLicenceTypes.All)
            {
                var text = Credentials.Sign(ALicence.OfType(type).In(province).Build()).QrText;
                Assert.InRange(QrCodeImages.Version(text), 1, 20);
            }
        }
    }

    [Fact]
    public void The_text_is_in_the_QR_alphanumeric_alphabet()
    {
        var text = Credentials.Sign(ALicence.OfType(SampleLicenceTypes.ForeignerWorkPermit).Build()).QrText;
        Assert.All(text, c => Assert.Contains(c, Core.Codec.Base45.Alphabet));
    }
}
