using System.Net;
using LicenceTrust.Issuance;
using Microsoft.Extensions.DependencyInjection;
using LicenceTrust.Samples;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Who sees a person's full ID number in the issuance API (docs/api.md, "Disclosure"): the issuing
/// authority, on the single-record read, audited each time; lists and admins see it masked.
/// </summary>
public class PersonalDataDisclosureTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task The_owner_reads_the_full_ID_once_audited_and_lists_and_admins_see_it_masked()
    {
        var issued = await node.IssueAsync(node.HrKey, SampleLicenceTypes.ProfessionalQualification, 970);
        var identifier = issued.GetProperty("identifier").GetString()!;
        var fullId = issued.GetProperty("licence").GetProperty("holder").GetProperty("code").GetString()!;
        Assert.DoesNotContain('*', fullId);
        var audit = node.App.Services.GetRequiredService<IIssuanceStore>();
        var before = (await audit.AuditLogAsync(CancellationToken.None)).Count(e => e.EventId == AuditEvents.PersonalDataRead && e.Subject == identifier);

        var owner = await node.Client(node.HrKey).SendAsync(HttpMethod.Get, $"/api/v1/licences/{identifier}");
        var admin = await node.Client(node.AdminKey).SendAsync(HttpMethod.Get, $"/api/v1/licences/{identifier}");
        var list = await node.Client(node.HrKey).SendAsync(HttpMethod.Get, "/api/v1/licences?pageSize=200");

        Assert.Equal(HttpStatusCode.OK, owner.Status);
        Assert.Equal(fullId, owner.Body.GetProperty("licence").GetProperty("holder").GetProperty("code").GetString());
        Assert.Contains('*', admin.Body.GetProperty("licence").GetProperty("holder").GetProperty("code").GetString()!);
        var listed = list.Body.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("identifier").GetString() == identifier);
        Assert.Contains('*', listed.GetProperty("licence").GetProperty("holder").GetProperty("code").GetString()!);
        Assert.DoesNotContain(fullId, list.Body.GetRawText(), StringComparison.Ordinal);
        var after = (await audit.AuditLogAsync(CancellationToken.None)).Where(e => e.EventId == AuditEvents.PersonalDataRead && e.Subject == identifier).ToList();
        Assert.Equal(before + 1, after.Count);
        Assert.DoesNotContain(fullId, after[^1].Data, StringComparison.Ordinal);
        Assert.True(AuditChain.Verify(await audit.AuditLogAsync(CancellationToken.None)).Ok);
    }

    [Fact]
    public async Task Reading_an_organisation_s_record_writes_no_personal_data_audit()
    {
        var issued = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 971);
        var identifier = issued.GetProperty("identifier").GetString()!;

        await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Get, $"/api/v1/licences/{identifier}");

        var audit = await node.App.Services.GetRequiredService<IIssuanceStore>().AuditLogAsync(CancellationToken.None);
        Assert.DoesNotContain(audit, e => e.EventId == AuditEvents.PersonalDataRead && e.Subject == identifier);
    }
}
