using BenchmarkDotNet.Attributes;
using ICSharpCode.SharpZipLib.Zip.Compression;
using LicenceTrust.Core.Codec;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Benchmarks;

/// <summary>
/// An LT2 credential's COSE bytes compressed with the preset dictionary: the system's zlib, as the writer
/// does it, against SharpZipLib's deflater, as it did it before (the same bytes, level and dictionary,
/// one reused deflater per thread in both).
/// </summary>
[MemoryDiagnoser]
public class Lt2CompressionBenchmarks
{
    private byte[] _cose = null!;
    private Deflater _sharpZipLib = null!;

    [GlobalSetup]
    public void Setup()
    {
        var licence = ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Sichuan).Build();
        var issuer = SampleKeys.IssuerOf(licence);
        var claims = CredentialClaims.Create(licence, TestClock.SignedAt, Credentials.Status());
        var text = CredentialWriter.Write(claims, issuer.Key, issuer.Certificate.Kid, CredentialEncoding.Lt2).QrText;
        _cose = CredentialReader.Read(text).Credential!.CoseBytes.ToArray();
        _sharpZipLib = new Deflater(Deflater.BEST_COMPRESSION);
    }

    /// <summary>The code Zlib.Compress had before, line for line.</summary>
    [Benchmark(Baseline = true)]
    public int SharpZipLibWithDictionary()
    {
        var deflater = _sharpZipLib;
        deflater.Reset();
        deflater.SetDictionary(PresetDictionary.One.Bytes);
        deflater.SetInput(_cose.AsSpan().ToArray());
        deflater.Finish();
        using var output = new MemoryStream();
        var chunk = new byte[1024];
        while (!deflater.IsFinished)
        {
            output.Write(chunk, 0, deflater.Deflate(chunk));
        }

        return output.ToArray().Length;
    }

    [Benchmark]
    public int SystemZlibWithDictionary() => Zlib.Compress(_cose, PresetDictionary.One).Length;
}
