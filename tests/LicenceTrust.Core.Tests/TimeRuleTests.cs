using LicenceTrust.Core.Results;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Core.Tests;

/// <summary>The validity window in China time, with the clock-skew allowance.</summary>
public class TimeRuleTests
{
    // Valid 2026-02-01 to 2026-02-28 inclusive, China time: from 2026-01-31T16:00Z to 2026-02-28T16:00Z.
    private static readonly string Credential = Credentials.Sign(
        ALicence.OfType(SampleLicenceTypes.FoodBusinessPermit).Valid(new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 28)).Build(),
        new DateTimeOffset(2026, 1, 20, 0, 0, 0, TimeSpan.Zero)).QrText;

    private static readonly CredentialVerifier Verifier = new(SampleKeys.TrustStore, new VerificationPolicy { ClockSkew = TimeSpan.FromMinutes(5) });

    [Theory]
    [InlineData("2026-01-31T15:54:00Z", ReasonCode.NotYetValid)]
    [InlineData("2026-01-31T15:56:00Z", ReasonCode.ClockSkew)]
    [InlineData("2026-01-31T16:01:00Z", ReasonCode.ClockSkew)]
    [InlineData("2026-01-31T16:06:00Z", ReasonCode.None)]
    [InlineData("2026-02-15T00:00:00Z", ReasonCode.None)]
    [InlineData("2026-02-28T15:54:00Z", ReasonCode.None)]
    [InlineData("2026-02-28T15:57:00Z", ReasonCode.ClockSkew)]
    [InlineData("2026-02-28T16:03:00Z", ReasonCode.ClockSkew)]
    [InlineData("2026-02-28T16:06:00Z", ReasonCode.Expired)]
    [InlineData("2027-01-01T00:00:00Z", ReasonCode.Expired)]
    [InlineData("2026-01-19T23:00:00Z", ReasonCode.IssuedInFuture)]
    public void The_window_is_checked_in_China_time_with_a_skew_allowance(string now, ReasonCode expected)
    {
        var result = Verifier.Verify(Credential, DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, result.PrimaryReason);
        var verdict = expected switch
        {
            ReasonCode.None => Verdict.Valid,
            ReasonCode.ClockSkew => Verdict.Check,
            _ => Verdict.Invalid,
        };
        Assert.Equal(verdict, result.Verdict);
    }

    [Fact]
    public void A_time_failure_still_reports_the_passed_checks_before_it()
    {
        var result = Verifier.Verify(Credential, new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(["read", "issuer", "signature", "chain", "authority", "licenceType", "time"], result.Checks.Select(c => c.Name));
        Assert.Equal(CheckOutcome.Failed, result.Checks[^1].Outcome);
        Assert.All(result.Checks.SkipLast(1), c => Assert.Equal(CheckOutcome.Passed, c.Outcome));
        Assert.NotNull(result.Licence);
        Assert.NotNull(result.Issuer);
    }
}
