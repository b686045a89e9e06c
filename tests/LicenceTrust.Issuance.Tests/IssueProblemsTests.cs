using LicenceTrust.Core.Licences;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;
using LicenceTrust.Testing;

namespace LicenceTrust.Issuance.Tests;

/// <summary>Every problem of an issue form at once (<see cref="IssuanceService.Problems"/>), by the same rules as the preview, which stops at the first.</summary>
public sealed class IssueProblemsTests
{
    private static readonly SampleAuthority Regulator = SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence);

    private static readonly IssuanceService Service = new(null!, new ProvinceIssuerKeys(SampleKeys.Of(SampleProvinces.Chongqing)),
        new IssuanceOptions { Province = SampleProvinces.Chongqing, LicenceTypes = LicenceTypeCatalogue.Shipped, StatusListBaseUri = "https://cq.lt.example/s/" }, TimeProvider.System);

    private static readonly Actor Clerk = new(ActorRole.Authority, "officer:li.si", Regulator.Code.Value);

    private static IssueCommand Good => IssueCommand.For(DemoLicences.Create(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence, 9100)) with
    {
        IssueDate = null, Name = null, AuthorityName = null, ValidFrom = new DateOnly(2026, 1, 1), ValidTo = null,
    };

    [Fact]
    public void A_good_form_has_no_problem_and_previews()
    {
        Assert.Empty(Service.Problems(Good, Clerk));
        Assert.NotNull(Service.Preview(Good, Clerk));
    }

    [Fact]
    public void Every_field_in_error_is_named_once_and_the_first_is_the_one_preview_names()
    {
        var bad = Good with { HolderName = "名称\u202E", HolderCode = Good.HolderCode[..^1] + "0", AreaCode = "510104", ValidTo = new DateOnly(2025, 1, 1) };
        var problems = Service.Problems(bad, Clerk);
        Assert.Equal(["holder.name", "areaCode", "validTo"], problems.Select(p => p.Field).Where(f => f is "holder.name" or "areaCode" or "validTo"));
        Assert.Equal(problems.Count, problems.Select(p => p.Field).Distinct().Count());
        Assert.True(problems.Count >= 3, string.Join("; ", problems.Select(p => $"{p.Field}: {p.Code}")));
        var first = Assert.Throws<Core.Results.LicenceTrustException>(() => Service.Preview(bad, Clerk)).Error;
        Assert.Equal(first.Field, problems[0].Field);
    }

    [Fact]
    public void An_unknown_type_or_a_caller_that_is_no_authority_stops_at_that_one_problem()
    {
        Assert.Equal("TYPE_UNKNOWN", Assert.Single(Service.Problems(Good with { TypeCode = "99999999MA0000000X001", HolderName = "\u202E" }, Clerk)).Code);
        Assert.Equal("ROLE_NOT_ALLOWED", Assert.Single(Service.Problems(Good, new Actor(ActorRole.Partner, "bank"))).Code);
    }
}
