using System.Diagnostics;
using System.Text.Json;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Results;
using LicenceTrust.Testing;
using LicenceTrust.Testing.Vectors;

namespace LicenceTrust.Core.Tests;

/// <summary>
/// LT2 read outside .NET (issue 18): tests/lt2-decoder/lt2_decode.py, written from docs/format.md §12 with
/// Python's zlib (<c>decompressobj(zdict=…)</c>) and cbor2 (Debian's python3-cbor2, installed by
/// scripts/test.sh), decodes every published LT2 vector. Where .NET reads a vector, Python reads the same
/// licence; where .NET refuses the zlib layer, Python refuses it too; ES256 signatures verify in Python.
/// </summary>
public class IndependentLt2DecoderTests
{
    [Fact]
    public void Python_decodes_every_LT2_vector_as_dotnet_does()
    {
        var vectors = VectorSet.Read(Path.Combine(RepositoryPaths.Vectors, VectorSet.FileName(CredentialEncoding.Lt2))).Vectors;
        var python = Decode();
        Assert.Equal(vectors.Select(v => v.Name), python.Keys);

        foreach (var vector in vectors)
        {
            var read = CredentialReader.Read(vector.Qr);
            var theirs = python[vector.Name];
            if (read.Credential is { } credential)
            {
                Assert.True(theirs.TryGetProperty("decoded", out var decoded), $"{vector.Name}: Python could not decode it: {theirs}");
                var licence = credential.Claims.Licence;
                Assert.Equal(licence.Identifier.Value, decoded.GetProperty("identifier").GetString());
                Assert.Equal(licence.Holder.Name, decoded.GetProperty("holderName").GetString());
                Assert.Equal(licence.AuthorityName, decoded.GetProperty("authorityName").GetString());
                Assert.Equal(licence.Number, decoded.GetProperty("number").GetString());
                Assert.Equal(credential.Claims.Status.List, decoded.GetProperty("statusList").GetInt32());
                Assert.Equal(credential.Claims.Status.Index, decoded.GetProperty("statusIndex").GetInt64());
                Assert.Equal(licence.Attributes.Count, decoded.GetProperty("attributes").EnumerateObject().Count());
            }
            else if (read.Reason is ReasonCode.DecompressionFailed or ReasonCode.DecompressedTooLarge or ReasonCode.Base45Invalid or ReasonCode.PrefixMissing or ReasonCode.Empty)
            {
                Assert.True(theirs.TryGetProperty("error", out _), $"{vector.Name}: .NET refused it ({read.Reason}), Python decoded it");
            }

            if (vector.Verdict == "VALID" && theirs.TryGetProperty("decoded", out var valid) && valid.GetProperty("alg").GetInt32() == -7)
            {
                Assert.True(valid.GetProperty("signatureVerified").GetBoolean(), $"{vector.Name}: the ES256 signature does not verify in Python");
            }
        }

        Assert.Contains(vectors, v => v.Verdict == "VALID" && python[v.Name].GetProperty("decoded").GetProperty("alg").GetInt32() == -7);
    }

    /// <summary>The committed dictionary is what scripts/lt2-dictionary.py builds from its readable lists.</summary>
    [Fact]
    public void The_dictionary_file_is_what_its_script_builds()
    {
        var (code, output) = Python("scripts/lt2-dictionary.py", "--check");
        Assert.True(code == 0, output);
        Assert.Contains("matches", output, StringComparison.Ordinal);
    }

    private static Dictionary<string, JsonElement> Decode()
    {
        var (code, output) = Python("tests/lt2-decoder/lt2_decode.py", "tests/vectors/vectors-lt2.json", "keys-sample", "schemas/lt2-dictionary-1.bin");
        Assert.True(code == 0, $"the Python decoder failed: {output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(e => e.GetProperty("name").GetString()!, e => e);
    }

    /// <summary>Debian's Python (where python3-cbor2 is installed), from the repository root: exit code, and standard output (or error when it fails).</summary>
    private static (int Code, string Output) Python(params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), $"python3 {string.Join(' ', arguments)} did not finish in 60 s");
        return (process.ExitCode, process.ExitCode == 0 ? output.Result : error.Result + output.Result);
    }
}
