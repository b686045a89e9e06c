using LicenceTrust.Samples;
using System.Net;
using System.Text.Json;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>POST /api/v1/verify at the Chongqing node: signature and chain, then status from its database.</summary>
public class VerifyApiTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task A_genuine_licence_in_force_is_VALID_with_its_status_source()
    {
        var qr = (await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 501)).GetProperty("qrText").GetString();

        var response = await VerifyAsync(qr);

        Assert.Equal("VALID", response.GetProperty("result").GetProperty("verdict").GetString());
        Assert.Empty(response.GetProperty("result").GetProperty("reasons").EnumerateArray());
        Assert.Equal("VALID", response.GetProperty("status").GetString());
        Assert.Equal("cq:database", response.GetProperty("checkedAgainst").GetProperty("statusSource").GetString());
        Assert.Equal("cq", response.GetProperty("checkedAgainst").GetProperty("node").GetString());
        Assert.Contains(response.GetProperty("result").GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "status" && c.GetProperty("outcome").GetString() == "PASSED");
    }

    /// <summary>A counter scanner's CR LF or TAB, or a pasted space, around the text: trimmed at /verify and in a batch; lower case is not normalised.</summary>
    [Fact]
    public async Task Whitespace_a_scanner_adds_around_the_text_is_trimmed_at_verify_and_in_a_batch_and_nothing_else_is()
    {
        var qr = (await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 509)).GetProperty("qrText").GetString()!;
        string[] padded = [qr + "\r\n", qr + "\n", qr + "\t", "  " + qr + "  ", "\r\n" + qr];

        foreach (var text in padded)
        {
            Assert.Equal("VALID", (await VerifyAsync(text)).GetProperty("result").GetProperty("verdict").GetString());
        }

        var batch = await node.Client(node.PartnerKey).SendAsync(HttpMethod.Post, "/api/v1/verify/batch", new { qrTexts = padded.Append(qr.ToLowerInvariant()) });
        Assert.Equal(["VALID", "VALID", "VALID", "VALID", "VALID", "UNREADABLE"],
            batch.Body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("result").GetProperty("verdict").GetString()));
        Assert.Equal("UNREADABLE", (await VerifyAsync(qr[..20] + "\r\n" + qr[20..])).GetProperty("result").GetProperty("verdict").GetString());
    }

    /// <summary>
    /// Two texts of one signed content (with and without tag 18, which is not signed) answer with the same
    /// identifier and payload hash, so a relying party deduplicates on them (docs/format.md §1); an
    /// unreadable text has neither.
    /// </summary>
    [Fact]
    public async Task An_answer_carries_the_identifier_and_the_payload_hash_the_same_for_every_text_of_one_credential()
    {
        var issued = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 511);
        var qr = issued.GetProperty("qrText").GetString()!;
        var decoded = LicenceTrust.Core.Codec.CredentialReader.Read(qr).Credential!;
        var untagged = LicenceTrust.Core.Codec.CredentialWriter.Wrap(decoded.CoseBytes.Span[1..], decoded.Encoding);
        Assert.NotEqual(qr, untagged);

        var first = (await VerifyAsync(qr)).GetProperty("result");
        var second = (await VerifyAsync(untagged)).GetProperty("result");
        var unreadable = (await VerifyAsync("LT2:NOT-A-CREDENTIAL")).GetProperty("result");

        Assert.Equal("VALID", second.GetProperty("verdict").GetString());
        Assert.Equal(issued.GetProperty("identifier").GetString(), first.GetProperty("identifier").GetString());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(decoded.Payload.Span)), first.GetProperty("payloadSha256").GetString());
        Assert.Equal(first.GetProperty("identifier").GetString(), second.GetProperty("identifier").GetString());
        Assert.Equal(first.GetProperty("payloadSha256").GetString(), second.GetProperty("payloadSha256").GetString());
        Assert.Equal(JsonValueKind.Null, unreadable.GetProperty("identifier").ValueKind);
        Assert.Equal(JsonValueKind.Null, unreadable.GetProperty("payloadSha256").ValueKind);
    }

    [Fact]
    public async Task Suspended_and_revoked_licences_are_INVALID_with_the_reason_in_Chinese()
    {
        var issued = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.FoodBusinessPermit, 502);
        var id = issued.GetProperty("identifier").GetString();
        var qr = issued.GetProperty("qrText").GetString();
        var client = node.Client(node.RegulatorKey);

        await client.SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/suspend", new { reason = "整改" });
        var suspended = await VerifyAsync(qr);
        await client.SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/revoke", new { reason = "吊销" });
        var revoked = await VerifyAsync(qr);

        Assert.Equal("INVALID", suspended.GetProperty("result").GetProperty("verdict").GetString());
        Assert.Equal("SUSPENDED", suspended.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
        Assert.Equal("INVALID", revoked.GetProperty("result").GetProperty("verdict").GetString());
        Assert.Equal("REVOKED", revoked.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
        Assert.Equal("证照已吊销。", revoked.GetProperty("result").GetProperty("reasons")[0].GetProperty("messageZh").GetString());
    }

    [Fact]
    public async Task A_revocation_shows_on_the_very_next_scan_even_though_the_status_was_cached()
    {
        var issued = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 507);
        var qr = issued.GetProperty("qrText").GetString();
        var first = await VerifyAsync(qr);
        var second = await VerifyAsync(qr);

        await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, $"/api/v1/licences/{issued.GetProperty("identifier").GetString()}/revoke", new { reason = "吊销" });
        var after = await VerifyAsync(qr);

        Assert.Equal("VALID", first.GetProperty("result").GetProperty("verdict").GetString());
        Assert.Equal("VALID", second.GetProperty("result").GetProperty("verdict").GetString());
        Assert.Equal("REVOKED", after.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_change_written_by_another_replica_on_the_same_database_shows_within_the_status_cache_lifetime()
    {
        var issued = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 508);
        var qr = issued.GetProperty("qrText").GetString();
        Assert.Equal("VALID", (await VerifyAsync(qr)).GetProperty("result").GetProperty("verdict").GetString());
        var services = node.App.Services;
        var replica = new LicenceTrust.Issuance.IssuanceService(
            new LicenceTrust.Storage.IssuanceStore(new LicenceTrust.Storage.Sqlite.SqliteDatabase(node.DatabasePath)),
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<LicenceTrust.Issuance.IIssuerKeys>(services),
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<LicenceTrust.Issuance.IssuanceOptions>(services),
            TimeProvider.System);
        var regulator = LicenceTrust.Samples.SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence);

        await replica.ChangeStatusAsync(issued.GetProperty("identifier").GetString()!, LicenceTrust.Issuance.StatusAction.Suspend, "另一副本暂扣",
            new LicenceTrust.Issuance.Actor(LicenceTrust.Issuance.ActorRole.Authority, regulator.Name, regulator.Code.Value));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string? verdict;
        do
        {
            await Task.Delay(50);
            verdict = (await VerifyAsync(qr)).GetProperty("result").GetProperty("verdict").GetString();
        }
        while (verdict == "VALID" && clock.Elapsed < TimeSpan.FromSeconds(5));

        Assert.Equal("INVALID", verdict);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_person_s_ID_number_never_appears_in_a_verification()
    {
        var issued = await node.IssueAsync(node.HrKey, SampleLicenceTypes.ProfessionalQualification, 503);
        var fullId = issued.GetProperty("licence").GetProperty("holder").GetProperty("code").GetString()!;

        using var response = await node.Client().PostAsync("/api/v1/verify", JsonBody(issued.GetProperty("qrText").GetString()));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"verdict\":\"VALID\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(fullId, text, StringComparison.Ordinal);
        Assert.Contains(fullId[..6] + "********", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_not_federated_with_Sichuan_does_not_recognise_its_licences_and_never_says_VALID()
    {
        // This fixture has no peers: the sample Sichuan issuers in keys-sample/sc are not trusted from disk.
        var sichuan = Credentials.Sign(ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Sichuan).Build(), DateTimeOffset.UtcNow.AddMinutes(-10)).QrText;
        var response = await VerifyAsync(sichuan);

        Assert.Equal("INVALID", response.GetProperty("result").GetProperty("verdict").GetString());
        Assert.Equal("TYPE_NOT_RECOGNISED", response.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, response.GetProperty("checkedAgainst").GetProperty("statusSource").ValueKind);
    }

    [Fact]
    public async Task A_genuine_credential_this_node_has_no_record_of_is_CHECK()
    {
        var unknown = Credentials.Sign(ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Chongqing).Numbered(99999).Build(), DateTimeOffset.UtcNow.AddMinutes(-10)).QrText;
        var response = await VerifyAsync(unknown);
        Assert.Equal("CHECK", response.GetProperty("result").GetProperty("verdict").GetString());
        Assert.Equal("STATUS_UNKNOWN", response.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_forged_licence_is_INVALID_and_the_status_is_not_looked_up()
    {
        var licence = ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Chongqing).Build();
        var forged = Credentials.Sign(licence, SigningKey.Generate(SignatureAlgorithm.Sm2Sm3), SampleKeys.IssuerOf(licence).Certificate.Kid).QrText;
        var response = await VerifyAsync(forged);

        Assert.Equal("INVALID", response.GetProperty("result").GetProperty("verdict").GetString());
        Assert.Equal("SIGNATURE_INVALID", response.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, response.GetProperty("checkedAgainst").GetProperty("statusSource").ValueKind);
    }

    [Theory]
    [InlineData("{\"qrText\":\"HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH\"}", "PREFIX_MISSING")]
    [InlineData("{\"qrText\":\"\"}", "EMPTY")]
    [InlineData("{}", "EMPTY")]
    [InlineData("{\"qrText\":\"LT1:abc\"}", "BASE45_INVALID")]
    public async Task Text_that_is_not_a_credential_is_UNREADABLE_with_its_reason(string raw, string code)
    {
        var response = await node.Client().SendAsync(HttpMethod.Post, "/api/v1/verify", rawJson: raw);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("UNREADABLE", response.Body.GetProperty("result").GetProperty("verdict").GetString());
        Assert.Equal(code, response.Body.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("not json", HttpStatusCode.BadRequest, "BODY_INVALID")]
    [InlineData("{\"qrText\":1}", HttpStatusCode.BadRequest, "BODY_INVALID")]
    public async Task Malformed_requests_are_specific_4xx(string raw, HttpStatusCode status, string code) =>
        (await node.Client().SendAsync(HttpMethod.Post, "/api/v1/verify", rawJson: raw)).AssertProblem(status, code);

    [Fact]
    public async Task A_licence_known_only_by_its_identifier_is_verified_from_its_own_credential()
    {
        var issued = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 504);
        var id = issued.GetProperty("identifier").GetString();
        var before = await node.Client(node.PartnerKey).SendAsync(HttpMethod.Get, $"/api/v1/licences/{id}/verification");
        await node.Client(node.RegulatorKey).SendAsync(HttpMethod.Post, $"/api/v1/licences/{id}/suspend", new { reason = "核查" });
        var after = await node.Client().SendAsync(HttpMethod.Get, $"/api/v1/licences/{id}/verification");
        var unknown = await node.Client().SendAsync(HttpMethod.Get, "/api/v1/licences/1.2.156.3005.2.nope/verification");

        Assert.Equal("VALID", before.Body.GetProperty("result").GetProperty("verdict").GetString());
        Assert.Equal(id, before.Body.GetProperty("result").GetProperty("licence").GetProperty("identifier").GetString());
        Assert.Equal("SUSPENDED", after.Body.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
        unknown.AssertProblem(HttpStatusCode.NotFound, "LICENCE_NOT_FOUND");
    }

    [Fact]
    public async Task Public_callers_see_the_summary_with_the_person_s_name_masked_partners_see_the_licence()
    {
        var issued = await node.IssueAsync(node.HrKey, SampleLicenceTypes.ProfessionalQualification, 505);
        var name = issued.GetProperty("licence").GetProperty("holder").GetProperty("name").GetString()!;
        var qr = issued.GetProperty("qrText").GetString();

        var anonymous = await node.Client().SendAsync(HttpMethod.Post, "/api/v1/verify", new { qrText = qr });
        var partner = await node.Client(node.PartnerKey).SendAsync(HttpMethod.Post, "/api/v1/verify", new { qrText = qr });

        var summary = anonymous.Body.GetProperty("result").GetProperty("summary");
        Assert.Equal(JsonValueKind.Null, anonymous.Body.GetProperty("result").GetProperty("licence").ValueKind);
        Assert.Equal(name[..1] + new string('*', name.Length - 1), summary.GetProperty("holder").GetProperty("name").GetString());
        Assert.Equal(issued.GetProperty("licence").GetProperty("number").GetString(), summary.GetProperty("number").GetString());
        Assert.Equal(SampleLicenceTypes.ProfessionalQualification.Code.Value, summary.GetProperty("typeCode").GetString());
        Assert.DoesNotContain(name, anonymous.Body.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(name, partner.Body.GetProperty("result").GetProperty("licence").GetProperty("holder").GetProperty("name").GetString());
        Assert.Equal(issued.GetProperty("identifier").GetString(), partner.Body.GetProperty("result").GetProperty("licence").GetProperty("identifier").GetString());
    }

    [Fact]
    public async Task An_organisation_s_name_and_credit_code_are_public_register_data_and_shown()
    {
        var issued = await node.IssueAsync(node.RegulatorKey, SampleLicenceTypes.BusinessLicence, 506);

        var summary = (await VerifyAsync(issued.GetProperty("qrText").GetString())).GetProperty("result").GetProperty("summary");

        Assert.Equal(issued.GetProperty("licence").GetProperty("holder").GetProperty("name").GetString(), summary.GetProperty("holder").GetProperty("name").GetString());
        Assert.Equal(issued.GetProperty("licence").GetProperty("holder").GetProperty("code").GetString(), summary.GetProperty("holder").GetProperty("code").GetString());
    }

    private async Task<JsonElement> VerifyAsync(string? qr)
    {
        var response = await node.Client().SendAsync(HttpMethod.Post, "/api/v1/verify", new { qrText = qr });
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return response.Body;
    }

    private static StringContent JsonBody(string? qr) =>
        new(JsonSerializer.Serialize(new { qrText = qr }), System.Text.Encoding.UTF8, "application/json");
}
