using LicenceTrust.Core.Results;
using LicenceTrust.Testing;
using LicenceTrust.Testing.Vectors;

namespace LicenceTrust.Core.Tests;

/// <summary>The published vectors in tests/vectors/ give their expected results (docs/format.md).</summary>
public class VectorTests
{
    private static readonly Lazy<VectorFile> File = new(() => VectorSet.Read(Path.Combine(RepositoryPaths.Vectors, "vectors.json")));

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var vector in File.Value.Vectors)
        {
            data.Add(vector.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_vector_gives_its_expected_result(string name)
    {
        var vector = File.Value.Vectors.Single(v => v.Name == name);
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
        foreach (var vector in File.Value.Vectors.Where(v => v.Verdict == "VALID"))
        {
            Assert.Equal(Verdict.Valid, verifier.Verify(string.Format(System.Globalization.CultureInfo.InvariantCulture, padding, vector.Qr), vector.VerifyAt).Verdict);
            Assert.Equal(ReasonCode.Base45Invalid, verifier.Verify(vector.Qr[..30] + " \n" + vector.Qr[30..], vector.VerifyAt).PrimaryReason);
            Assert.Equal(Verdict.Unreadable, verifier.Verify(vector.Qr.ToLowerInvariant(), vector.VerifyAt).Verdict);
            Assert.NotEqual(' ', vector.Qr[^1]);
        }
    }

    [Fact]
    public void The_vectors_cover_every_verdict_and_both_provinces()
    {
        var vectors = File.Value.Vectors;
        Assert.True(vectors.Count >= 25);
        Assert.Equal(["CHECK", "INVALID", "UNREADABLE", "VALID"], vectors.Select(v => v.Verdict).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(vectors, v => v.Name.StartsWith("valid-cq-", StringComparison.Ordinal));
        Assert.Contains(vectors, v => v.Name.StartsWith("valid-sc-", StringComparison.Ordinal));
        Assert.Equal(vectors.Count, vectors.Select(v => v.Name).Distinct(StringComparer.Ordinal).Count());
    }
}

/// <summary>The hostile corpus (tests/vectors/hostile/): each entry gets its verdict and reason; none is VALID.</summary>
public class HostileVectorTests
{
    private static readonly Lazy<VectorFile> File = new(() => VectorSet.Read(Path.Combine(RepositoryPaths.Vectors, "hostile", "hostile.json")));

    public static TheoryData<string> Names() => [.. File.Value.Vectors.Select(v => v.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void The_hostile_input_gets_its_expected_verdict_and_is_never_VALID(string name)
    {
        var vector = File.Value.Vectors.Single(v => v.Name == name);

        var result = new CredentialVerifier(SampleKeys.TrustStore).Verify(vector.Qr, vector.VerifyAt);

        Assert.NotEqual(Verdict.Valid, result.Verdict);
        Assert.Equal(vector.Verdict, result.Verdict.ToString().ToUpperInvariant());
        Assert.Equal(vector.Reason, ReasonCatalogue.WireName(result.PrimaryReason));
    }

    [Fact]
    public void The_corpus_holds_every_attack_issue_7_names_that_is_a_credential()
    {
        var names = File.Value.Vectors.Select(v => v.Name).ToHashSet();
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
