using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Licences;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;
using LicenceTrust.Storage;
using LicenceTrust.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceTrust.Issuance.Tests;

/// <summary>
/// The module composes itself (<see cref="IssuanceModule.AddIssuance"/>, with <see cref="StorageModule.AddStores"/>),
/// as the node and the CLI both call it: every service resolves from what a host gives, and a bad setting
/// is refused naming itself.
/// </summary>
public sealed class IssuanceModuleTests : IDisposable
{
    private readonly SqliteTestFolder _sqlite = new("lt-module-");

    private ServiceProvider Compose(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        return new ServiceCollection()
            .AddSingleton(_sqlite.Database)
            .AddSingleton<IIssuerKeys>(new ProvinceIssuerKeys(SampleKeys.Of(SampleProvinces.Sichuan)))
            .AddSingleton(new IssuanceSite(SampleProvinces.Sichuan, LicenceTypeCatalogue.Shipped, IssuanceSite.StatusListBaseOf(IssuanceSite.DefaultUrl(SampleProvinces.Sichuan))))
            .AddStores()
            .AddIssuance(configuration)
            .BuildServiceProvider();
    }

    [Fact]
    public void Every_service_of_the_module_resolves_with_the_settings_read_as_the_node_reads_them()
    {
        using var services = Compose(("Issuance:CredentialFormat", "LT1"), ("Issuance:Batch:ChunkSize", "750"), ("Issuance:Authorities:X:IssueApproval", "none"));

        Assert.Equal(CredentialEncoding.Lt1, services.GetRequiredService<IssuanceOptions>().CredentialEncoding);
        Assert.Equal("http://127.0.0.1:5051/api/v1/status-lists/", services.GetRequiredService<IssuanceOptions>().StatusListBaseUri);
        Assert.Equal(750, services.GetRequiredService<BatchOptions>().ChunkSize);
        Assert.False(services.GetRequiredService<ApprovalPolicy>().Requires("X", ApprovalKind.Batch));
        Assert.True(services.GetRequiredService<ApprovalPolicy>().Requires("Y", ApprovalKind.Batch));
        foreach (var type in new[] { typeof(IssuanceService), typeof(BatchJobs), typeof(DirectBatch), typeof(OfficerWorkflow), typeof(OfficerAccounts), typeof(StaffAccounts), typeof(AdminRequests), typeof(ApiKeyService), typeof(RestoreRecovery) })
        {
            Assert.NotNull(services.GetRequiredService(type));
        }
    }

    [Theory]
    [InlineData("Issuance:CredentialFormat", "LT3", "Issuance:CredentialFormat")]
    [InlineData("Issuance:Batch:ChunkSize", "5001", "ChunkSize must be 1-5000")]
    [InlineData("Issuance:Authorities:X:IssueApproval", "sometimes", "Issuance:Authorities:X:IssueApproval")]
    public void A_bad_setting_is_refused_naming_itself(string key, string value, string named)
    {
        using var services = Compose((key, value));

        var refused = Assert.Throws<InvalidDataException>(() =>
        {
            services.GetRequiredService<IssuanceOptions>();
            services.GetRequiredService<BatchOptions>();
            services.GetRequiredService<ApprovalPolicy>();
        });
        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _sqlite.Dispose();
}
