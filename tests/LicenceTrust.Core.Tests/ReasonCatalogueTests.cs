using LicenceTrust.Core.Results;

namespace LicenceTrust.Core.Tests;

public class ReasonCatalogueTests
{
    [Fact]
    public void Every_reason_code_has_both_messages_and_a_non_valid_verdict()
    {
        foreach (var code in Enum.GetValues<ReasonCode>().Where(c => c != ReasonCode.None))
        {
            var info = ReasonCatalogue.Get(code);
            Assert.False(string.IsNullOrWhiteSpace(info.MessageZh), $"{code} zh");
            Assert.False(string.IsNullOrWhiteSpace(info.MessageEn), $"{code} en");
            Assert.NotEqual(Verdict.Valid, info.Verdict);
        }
    }

    [Fact]
    public void Wire_names_are_unique_upper_snake_case_and_parse_back()
    {
        var names = ReasonCatalogue.All.Select(r => r.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.Matches("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$", n));
        Assert.Equal("SIGNATURE_INVALID", ReasonCatalogue.WireName(ReasonCode.SignatureInvalid));
        Assert.Equal("CBOR_TOO_DEEP", ReasonCatalogue.WireName(ReasonCode.CborTooDeep));
        Assert.True(ReasonCatalogue.TryParseWireName("STATUS_STALE", out var code));
        Assert.Equal(ReasonCode.StatusStale, code);
        Assert.False(ReasonCatalogue.TryParseWireName("NOPE", out _));
    }

    [Fact]
    public void The_numbers_are_stable()
    {
        // Changing a number breaks stored results and partners: retire, never renumber.
        Assert.Equal(103, (int)ReasonCode.Base45Invalid);
        Assert.Equal(202, (int)ReasonCode.SignatureInvalid);
        Assert.Equal(301, (int)ReasonCode.Expired);
        Assert.Equal(400, (int)ReasonCode.Revoked);
        Assert.Equal(502, (int)ReasonCode.TypeNotRecognised);
    }

    [Fact]
    public void The_default_verdict_is_never_valid() => Assert.Equal(Verdict.Unreadable, default(Verdict));

    [Fact]
    public void A_result_cannot_be_valid_with_a_failed_check()
    {
        var checks = new[] { new VerificationCheck("read", CheckOutcome.Passed), new VerificationCheck("signature", CheckOutcome.Failed, ReasonCode.SignatureInvalid) };
        var issuer = Testing.SampleKeys.TrustStore.Issuers[0].Certificate;
        var licence = Testing.ALicence.OfType(LicenceTrust.Samples.SampleLicenceTypes.BusinessLicence).Build();
        Assert.Throws<InvalidOperationException>(() => VerificationResult.Valid(checks, licence, issuer, DateTimeOffset.UnixEpoch));
        Assert.Throws<InvalidOperationException>(() => VerificationResult.Valid([], licence, issuer, DateTimeOffset.UnixEpoch));
    }
}
