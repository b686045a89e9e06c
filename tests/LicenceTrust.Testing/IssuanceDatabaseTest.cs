using Xunit;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;
using LicenceTrust.Storage;

namespace LicenceTrust.Testing;

/// <summary>
/// What the tests that run once per database share: the Sichuan regulator, an issuance service on the
/// database under test, a clock a test sets, and the officers a workflow needs. The store's own contract
/// (Storage.Tests) and the issuing workflow's (Issuance.Tests) derive from it.
/// </summary>
public abstract class IssuanceDatabaseTest
{
    protected static readonly SampleAuthority Regulator = SampleAuthorities.For(SampleProvinces.Sichuan, SampleLicenceTypes.BusinessLicence);

    protected static readonly Actor RegulatorActor = new(ActorRole.Authority, Regulator.Name, Regulator.Code.Value);

    protected abstract IDatabase Database { get; }

    protected (IssuanceService Service, IssuanceStore Store) Service(TimeProvider? time = null, int statusListSize = StatusBits.MinimumSize)
    {
        Database.Migrate();
        var store = new IssuanceStore(Database);
        var keys = new ProvinceIssuerKeys(SampleKeys.Of(SampleProvinces.Sichuan));
        var options = new IssuanceOptions { Province = SampleProvinces.Sichuan, LicenceTypes = LicenceTypeCatalogue.Shipped, StatusListBaseUri = "https://sc.lt.example/s/", StatusListSize = statusListSize };
        return (new IssuanceService(store, keys, options, time ?? TimeProvider.System), store);
    }

    /// <summary>A clock a test sets (it may go back); timers run on real time.</summary>
    protected sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>Every stored credential verifies with the sample trust, and its signed status reference is the slot stored with it.</summary>
    protected static void AssertEachCredentialCarriesItsSlot(IEnumerable<LicenceRecord> records)
    {
        var verifier = new CredentialVerifier(SampleKeys.TrustStore);
        foreach (var record in records)
        {
            var read = LicenceTrust.Core.Codec.CredentialReader.Read(record.QrText).Credential!;
            Assert.Equal((long)record.StatusIndex, read.Claims.Status.Index);
            // LT2, what the service issues, carries the list number; the node's signed template makes it the URI.
            Assert.Equal(record.StatusList, read.Claims.Status.List);
            Assert.Equal("https://sc.lt.example/s/" + record.StatusList, read.Claims.Status.ResolveUri(LicenceTrust.Core.Status.StatusUriTemplate.FromBase("https://sc.lt.example/s/")));
            Assert.Equal(Verdict.Valid, verifier.Verify(record.QrText, DateTimeOffset.UtcNow).Verdict);
        }
    }

    protected static async Task<(AdminDecision? Decision, string? Error)> Attempt(Func<Task<AdminDecision>> approve)
    {
        try
        {
            return (await approve(), null);
        }
        catch (LicenceTrustException e)
        {
            return (null, e.Error.Code);
        }
    }

    protected async Task<(Officer Clerk, Officer Approver)> OfficersAsync(IssuanceStore store)
    {
        var officers = new OfficerAccounts(new OfficerStore(Database), store, TimeProvider.System, new SignInThrottle(TimeProvider.System, new SignInThrottleOptions()));
        return (await officers.CreateAsync("clerk", "经办", Regulator.Code.Value, OfficerRoles.Clerk, "maker-secret-2026"),
            await officers.CreateAsync("approver", "审核", Regulator.Code.Value, OfficerRoles.Approver, "checker-secret-2026"));
    }

    protected static IssueCommand Command(Licence demo) => IssueCommand.For(demo) with { IssueDate = null, Name = null, AuthorityName = null };
}
