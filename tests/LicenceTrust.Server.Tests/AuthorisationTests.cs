using System.Net;
using LicenceTrust.Samples;

namespace LicenceTrust.Server.Tests;

/// <summary>Who may do what: no key, wrong key, wrong role, other authority.</summary>
public class AuthorisationTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task No_key_and_a_wrong_key_are_401()
    {
        var body = NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 201);
        (await node.Client().SendAsync(HttpMethod.Post, "/api/v1/licences", body)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        (await node.Client("lt_000000000000_" + new string('A', 43)).SendAsync(HttpMethod.Post, "/api/v1/licences", body)).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        (await node.Client("garbage").SendAsync(HttpMethod.Get, "/api/v1/licences")).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        var tampered = node.RegulatorKey[..^1] + (node.RegulatorKey[^1] == 'A' ? 'B' : 'A');
        (await node.Client(tampered).SendAsync(HttpMethod.Get, "/api/v1/licences")).AssertProblem(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task A_partner_key_cannot_issue_list_or_change_status()
    {
        var licence = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 202);
        var id = licence.GetProperty("identifier").GetString();
        var partner = node.Client(node.PartnerKey);

        (await partner.SendAsync(HttpMethod.Post, "/api/v1/licences", NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 203))).AssertProblem(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await partner.SendAsync(HttpMethod.Get, "/api/v1/licences")).AssertProblem(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await partner.SendAsync(HttpMethod.Get, $"/api/v1/licences/{id}")).AssertProblem(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await partner.SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/revoke", new { reason = "x" })).AssertProblem(HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task Authority_B_cannot_read_suspend_or_revoke_authority_A_s_licence()
    {
        var licence = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.FoodBusinessPermit, 204);
        var id = licence.GetProperty("identifier").GetString();
        var other = node.Client(node.HrKey);

        (await other.SendAsync(HttpMethod.Get, $"/api/v1/licences/{id}")).AssertProblem(HttpStatusCode.Forbidden, "LICENCE_OF_ANOTHER_AUTHORITY");
        (await other.SendAsync(HttpMethod.Get, $"/api/v1/licences/{id}/print")).AssertProblem(HttpStatusCode.Forbidden, "LICENCE_OF_ANOTHER_AUTHORITY");
        (await other.SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/suspend", new { reason = "x" })).AssertProblem(HttpStatusCode.Forbidden, "LICENCE_OF_ANOTHER_AUTHORITY");
        (await other.SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/revoke", new { reason = "x" })).AssertProblem(HttpStatusCode.Forbidden, "LICENCE_OF_ANOTHER_AUTHORITY");
        var list = await other.SendAsync(HttpMethod.Get, "/api/v1/licences?pageSize=200");
        Assert.DoesNotContain(list.Body.GetProperty("items").EnumerateArray(), i => i.GetProperty("identifier").GetString() == id);

        var still = await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Get, $"/api/v1/licences/{id}");
        Assert.Equal("VALID", still.Body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_authority_may_issue_only_the_types_its_certificate_allows()
    {
        var response = await node.Client(node.HrKey).SendAsync(HttpMethod.Post, "/api/v1/licences", NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 205));
        response.AssertProblem(HttpStatusCode.Forbidden, "TYPE_NOT_ALLOWED_FOR_AUTHORITY");
    }

    [Fact]
    public async Task An_admin_can_read_everything_but_cannot_issue()
    {
        var licence = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 206);
        var admin = node.Client(node.AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(HttpMethod.Get, $"/api/v1/licences/{licence.GetProperty("identifier").GetString()}")).Status);
        (await admin.SendAsync(HttpMethod.Post, "/api/v1/licences", NodeFixture.IssueBody(SampleLicenceTypes.BusinessLicence, 207))).AssertProblem(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Get, "/api/v1/audit/verify")).AssertProblem(HttpStatusCode.Forbidden, "FORBIDDEN");
    }
}
