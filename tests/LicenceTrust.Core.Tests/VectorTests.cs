using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Results;
using LicenceTrust.Testing;
using LicenceTrust.Testing.Vectors;

namespace LicenceTrust.Core.Tests;

/// <summary>The published vectors in tests/vectors/ give their expected results, in both formats (docs/format.md §10, §12.6).</summary>
public class VectorTests
{
    private static readonly Dictionary<string, VectorFile> Files = new[] { CredentialEncoding.Lt1, CredentialEncoding.Lt2 }
        .ToDictionary(VectorSet.FileName, e => VectorSet.Read(Path.Combine(RepositoryPaths.Vectors, VectorSet.FileName(e))));

    public static TheoryData<string, string> Names() => VectorFiles.Names(Files);

    [Theory]
    [MemberData(nameof(Names))]
    public void The_vector_gives_its_expected_result(string file, string name)
    {
        var vector = Files[file].Vectors.Single(v => v.Name == name);
        var result = new CredentialVerifier(SampleKeys.TrustStore).Verify(vector.Qr, vector.VerifyAt);

        Assert.Equal(vector.Verdict, result.Verdict.ToString().ToUpperInvariant());
        Assert.Equal(vector.Reason, result.PrimaryReason == ReasonCode.None ? null : ReasonCatalogue.WireName(result.PrimaryReason));
    }

    /// <summary>A scanner's CR LF or TAB, or pasted spaces, around a genuine text change nothing (docs/format.md §1); inside, or in another case, they do.</summary>
    [Theory]
    [InlineData("   {0}")]
    [InlineData("{0}\r\n")]
    [InlineData("\t{0}\n")]
    [InlineData(" \r\n{0} \t ")]
    public void Whitespace_around_every_genuine_vector_is_trimmed(string padding)
    {
        var verifier = new CredentialVerifier(SampleKeys.TrustStore);
        foreach (var vector in Files.Values.SelectMany(f => f.Vectors).Where(v => v.Verdict == "VALID"))
        {
            Assert.Equal(Verdict.Valid, verifier.Verify(string.Format(System.Globalization.CultureInfo.InvariantCulture, padding, vector.Qr), vector.VerifyAt).Verdict);
            Assert.Equal(ReasonCode.Base45Invalid, verifier.Verify(vector.Qr[..30] + " \n" + vector.Qr[30..], vector.VerifyAt).PrimaryReason);
            Assert.Equal(Verdict.Unreadable, verifier.Verify(vector.Qr.ToLowerInvariant(), vector.VerifyAt).Verdict);
            Assert.NotEqual(' ', vector.Qr[^1]);
        }
    }

    [Theory]
    [InlineData("vectors.json", "LT1:")]
    [InlineData("vectors-lt2.json", "LT2:")]
    public void The_vectors_cover_every_verdict_and_both_provinces(string file, string prefix)
    {
        var vectors = Files[file].Vectors;
        Assert.True(vectors.Count >= 25);
        Assert.Equal(["CHECK", "INVALID", "UNREADABLE", "VALID"], vectors.Select(v => v.Verdict).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(vectors, v => v.Name.StartsWith("valid-cq-", StringComparison.Ordinal));
        Assert.Contains(vectors, v => v.Name.StartsWith("valid-sc-", StringComparison.Ordinal));
        Assert.Equal(vectors.Count, vectors.Select(v => v.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(vectors.Where(v => v.Verdict == "VALID"), v => Assert.StartsWith(prefix, v.Qr, StringComparison.Ordinal));
    }

    /// <summary>LT2 has a vector for each rule of its own layers (docs/format.md §12.6).</summary>
    [Fact]
    public void The_LT2_vectors_hold_each_rule_of_its_own_layers()
    {
        var names = Files["vectors-lt2.json"].Vectors.Select(v => v.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "lt1-data-under-lt2-prefix", "lt2-data-under-lt1-prefix", "unknown-dictionary", "bytes-before-trailer",
            "dictionary-id-2", "dictionary-id-missing", "dictionary-id-unprotected", "version-1-written", "attribute-under-text-key", "nbf-carried",
            "attribute-key-undefined", "valid-superseding-version-2" }, names);
    }
}

/// <summary>The hostile corpus (tests/vectors/hostile/), LT1 and LT2: each entry gets its verdict and reason; none is VALID.</summary>
public class HostileVectorTests
{
    private static readonly Dictionary<string, VectorFile> Files = new[] { CredentialEncoding.Lt1, CredentialEncoding.Lt2 }
        .ToDictionary(HostileSet.FileName, e => VectorSet.Read(Path.Combine(RepositoryPaths.Vectors, "hostile", HostileSet.FileName(e))));

    public static TheoryData<string, string> Names() => VectorFiles.Names(Files);

    [Theory]
    [MemberData(nameof(Names))]
    public void The_hostile_input_gets_its_expected_verdict_and_is_never_VALID(string file, string name)
    {
        var vector = Files[file].Vectors.Single(v => v.Name == name);

        var result = new CredentialVerifier(SampleKeys.TrustStore).Verify(vector.Qr, vector.VerifyAt);

        Assert.NotEqual(Verdict.Valid, result.Verdict);
        Assert.Equal(vector.Verdict, result.Verdict.ToString().ToUpperInvariant());
        Assert.Equal(vector.Reason, ReasonCatalogue.WireName(result.PrimaryReason));
    }

    [Theory]
    [InlineData("hostile.json")]
    [InlineData("hostile-lt2.json")]
    public void The_corpus_holds_every_attack_issue_7_names_that_is_a_credential(string file)
    {
        var names = Files[file].Vectors.Select(v => v.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "inner-newline", "wrong-prefix", "deep-cbor", "duplicate-header-keys", "huge-integer-claim", "alg-none", "alg-swap",
            "kid-collision", "signed-before-issuer-certificate", "issuer-certificate-expired", "sichuan-key-for-chongqing-authority" }, names);
    }
}

/// <summary>The status-list half of the hostile corpus: each token gets its judgement; no forged, foreign, stale or replayed list is accepted.</summary>
public class HostileStatusListTests
{
    private static readonly Lazy<StatusListVectorFile> File = new(() => VectorSet.Read<StatusListVectorFile>(Path.Combine(RepositoryPaths.Vectors, "hostile", "status-lists.json")));

    public static TheoryData<string> Names() => [.. File.Value.Vectors.Select(v => v.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void The_status_list_gets_its_expected_judgement(string name)
    {
        var vector = File.Value.Vectors.Single(v => v.Name == name);

        Assert.Equal(vector.Expected, HostileStatusLists.Judge(vector));
    }

    [Fact]
    public void The_corpus_holds_the_status_list_attacks_issue_7_names_and_accepts_only_genuine_lists()
    {
        var vectors = File.Value.Vectors;
        Assert.Contains(vectors, v => v.Expected == "NOT_SIGNED_BY_SIGNER");
        Assert.Contains(vectors, v => v.Expected == "ROLLBACK");
        Assert.All(vectors.Where(v => v.Expected == "ACCEPTED"), v => Assert.StartsWith("genuine", v.Name, StringComparison.Ordinal));
    }
}

/// <summary>Theory data of vector files: each vector by its file and name (names repeat across files).</summary>
internal static class VectorFiles
{
    public static TheoryData<string, string> Names(Dictionary<string, VectorFile> files)
    {
        var data = new TheoryData<string, string>();
        foreach (var (file, vectors) in files)
        {
            foreach (var vector in vectors.Vectors)
            {
                data.Add(file, vector.Name);
            }
        }

        return data;
    }
}
