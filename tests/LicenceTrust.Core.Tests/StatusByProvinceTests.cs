using LicenceTrust.Samples;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Status;
using LicenceTrust.Testing;
using LicenceTrust.Verification;

namespace LicenceTrust.Core.Tests;

/// <summary>A licence of this province gets its status from this node's own lists, never through Federation; any other province's from the federated source.</summary>
public class StatusByProvinceTests
{
    [Fact]
    public async Task Own_licences_go_to_the_own_lists_and_the_others_to_the_federated_source()
    {
        var own = new Recording("cq:database");
        var others = new Recording("sc:status-list");
        var router = new StatusByProvince(SampleProvinces.Chongqing, own, others);
        var chongqing = ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Chongqing).Build();
        var sichuan = ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Sichuan).Build();

        Assert.Equal("cq:database", (await router.LookupAsync(chongqing, Credentials.Status(), CancellationToken.None)).Source);
        Assert.Equal("sc:status-list", (await router.LookupAsync(sichuan, Credentials.Status(), CancellationToken.None)).Source);
        await router.LastChangeAsync(chongqing, CancellationToken.None);
        Assert.Equal([chongqing.Identifier.Value, chongqing.Identifier.Value], own.Asked);
        Assert.Equal([sichuan.Identifier.Value], others.Asked);
    }

    private sealed class Recording(string source) : IStatusSource
    {
        public List<string> Asked { get; } = [];

        public Task<StatusLookup> LookupAsync(Licence licence, StatusReference reference, CancellationToken cancellationToken)
        {
            Asked.Add(licence.Identifier.Value);
            return Task.FromResult(StatusLookup.Found(LicenceStatus.Valid, source, TestClock.Now));
        }

        public Task<StatusChangeDetail?> LastChangeAsync(Licence licence, CancellationToken cancellationToken)
        {
            Asked.Add(licence.Identifier.Value);
            return Task.FromResult<StatusChangeDetail?>(null);
        }
    }
}
