using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Trust;
using LicenceTrust.Issuance;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;
using LicenceTrust.Sharing;
using LicenceTrust.Storage;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>
/// Chongqing, Sichuan and Guizhou as three node processes for evidence exchange (docs/federation.md §9). Chongqing's
/// agreement with Guizhou leaves out food permits (so Chongqing, as home, refuses them to Guizhou's windows), and
/// Guizhou does not recognise Chongqing's construction safety permits (so Guizhou's windows may not even ask for one).
/// </summary>
public sealed class SharingTrio : ProvinceTrio
{
    /// <summary>Settings every node gets besides its peers (a load run lifts the per-key rate limit).</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];

    protected override IEnumerable<(string Own, string Peer, string Types)> Agreements =>
    [
        ("cq", "gz", AllBut(SampleLicenceTypes.FoodBusinessPermit)), ("sc", "gz", ""), ("gz", "sc", ""), ("gz", "cq", AllBut(SampleLicenceTypes.ConstructionSafetyPermit)),
    ];

    protected override IEnumerable<string> NodeSettings => ExtraArgs;

    // A fetched licence is verified at once: the window's node must hold the home's status lists too.
    protected override bool Holds(JsonElement peer) => base.Holds(peer) && peer.GetProperty("statusFresh").GetBoolean();

    private static string AllBut(Core.Licences.LicenceType left) => string.Join(',', SampleLicenceTypes.All.Where(t => t != left).Select(t => t.Code.Value));
}

/// <summary>A window of one province fetches a holder's licences from their home province: consent, agreement, replay, forgery, audit on both sides.</summary>
public sealed class EvidenceExchangeTests(SharingTrio trio, ITestOutputHelper output) : IClassFixture<SharingTrio>
{
    private const string Canteen = "CYTB-SC-0103";
    private const string FoodChange = "CYTB-SC-0102";
    private const string Construction = "CYTB-JS-0201";
    private const string Qualification = "CYTB-RS-0301";

    private NodeProcess Chongqing => trio.Nodes["cq"];

    private NodeProcess Sichuan => trio.Nodes["sc"];

    private NodeProcess Guizhou => trio.Nodes["gz"];

    [Fact]
    public async Task A_Sichuan_window_fetches_three_Chongqing_licences_for_a_case_each_VALID_and_both_audits_hold_the_exchange()
    {
        var holder = await IssueCompanyAsync(41);

        var (status, answer) = await FetchAsync(Sichuan, new { holderCode = holder, matter = Canteen, caseNumber = "SC-2026-000101" });

        Assert.True(status == HttpStatusCode.OK, answer.ToString());
        Assert.Equal(("cq", Canteen), (answer.GetProperty("province").GetString(), answer.GetProperty("matter").GetProperty("code").GetString()));
        var licences = answer.GetProperty("licences").EnumerateArray().ToList();
        Assert.Equal(3, licences.Count);
        Assert.All(licences, l => Assert.Equal("VALID", l.GetProperty("verification").GetProperty("result").GetProperty("verdict").GetString()));
        var requestId = answer.GetProperty("requestId").GetString()!;
        var provided = await AuditAsync(Chongqing, requestId);
        var requested = await AuditAsync(Sichuan, requestId);
        output.WriteLine(provided.Single().Data);
        Assert.Equal(AuditEvents.EvidenceProvided, Assert.Single(provided).EventId);
        Assert.Equal(AuditEvents.EvidenceRequested, Assert.Single(requested).EventId);
        Assert.All(licences, l => Assert.Contains(l.GetProperty("identifier").GetString()!, provided.Single().Data, StringComparison.Ordinal));
        foreach (var node in new[] { Chongqing, Sichuan })
        {
            var chain = await node.Client(node.AdminKey).GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
            Assert.True(chain.GetProperty("ok").GetBoolean(), chain.ToString());
        }
    }

    [Fact]
    public async Task A_personal_licence_needs_the_holders_consent_code_which_works_once_and_the_holders_usage_log_shows_the_fetch()
    {
        var person = await IssuePersonAsync(42);
        var app = await Chongqing.HolderAppKeyAsync();

        var (withoutStatus, without) = await FetchAsync(Sichuan, new { holderCode = person, matter = Qualification, caseNumber = "SC-2026-000102" });
        using var made = await Chongqing.Client(app).PostAsJsonAsync("/api/v1/consents",
            new { holderCode = person, types = new[] { SampleLicenceTypes.ProfessionalQualification.Code.Value }, province = "sc", minutes = 10 });
        var consent = await made.Content.ReadFromJsonAsync<JsonElement>();
        var code = consent.GetProperty("code").GetString();
        var (withStatus, with) = await FetchAsync(Sichuan, new { holderCode = person, matter = Qualification, caseNumber = "SC-2026-000102", consentCode = code });
        var (againStatus, again) = await FetchAsync(Sichuan, new { holderCode = person, matter = Qualification, caseNumber = "SC-2026-000103", consentCode = code });
        var usage = await Chongqing.Client(app).GetFromJsonAsync<JsonElement>($"/api/v1/holders/{person}/usage");
        using var notApp = await Chongqing.Client(Chongqing.PartnerKey).GetAsync($"/api/v1/holders/{person}/usage");

        Assert.Equal((HttpStatusCode.Forbidden, "CONSENT_REQUIRED"), (withoutStatus, without.GetProperty("code").GetString()));
        Assert.True(made.IsSuccessStatusCode, consent.ToString());
        Assert.Matches("^[0-9]{8}$", code);
        Assert.DoesNotContain(person[6..14], consent.ToString(), StringComparison.Ordinal);
        Assert.True(withStatus == HttpStatusCode.OK, with.ToString());
        Assert.Equal("VALID", with.GetProperty("licences")[0].GetProperty("verification").GetProperty("result").GetProperty("verdict").GetString());
        Assert.Equal((HttpStatusCode.Forbidden, "CONSENT_USED"), (againStatus, again.GetProperty("code").GetString()));
        var entry = Assert.Single(usage.GetProperty("entries").EnumerateArray());
        Assert.Equal(("sc", Qualification, "SC-2026-000102"), (entry.GetProperty("province").GetString(), entry.GetProperty("matter").GetString(), entry.GetProperty("caseNumber").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, notApp.StatusCode);
    }

    [Fact]
    public async Task Types_outside_the_agreement_are_refused_by_the_home_node_and_before_asking_by_the_requesting_one()
    {
        var holder = await IssueCompanyAsync(43);

        // Chongqing's agreement with Guizhou leaves out food permits: Chongqing, the home, refuses.
        var (homeStatus, home) = await FetchAsync(Guizhou, new { holderCode = holder, matter = FoodChange, caseNumber = "GZ-2026-000001" });
        // Guizhou does not recognise Chongqing's construction safety permits: it refuses to ask at all.
        var (requesterStatus, requester) = await FetchAsync(Guizhou, new { holderCode = holder, matter = Construction, caseNumber = "GZ-2026-000002" });
        var (onlyBusinessStatus, onlyBusiness) = await FetchAsync(Guizhou, new
        {
            holderCode = holder, matter = FoodChange, caseNumber = "GZ-2026-000003", types = new[] { SampleLicenceTypes.BusinessLicence.Code.Value },
        });
        var asked = await new IssuanceStore(Chongqing.Database).SearchAuditAsync(new AuditQuery(Actor: "peer:gz", PageSize: 100), CancellationToken.None);

        Assert.Equal((HttpStatusCode.Forbidden, "EVIDENCE_NOT_ALLOWED"), (homeStatus, home.GetProperty("code").GetString()));
        Assert.StartsWith("重庆市节点", home.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Forbidden, "EVIDENCE_NOT_ALLOWED"), (requesterStatus, requester.GetProperty("code").GetString()));
        Assert.DoesNotContain(asked.Items, e => e.Data.Contains("GZ-2026-000002", StringComparison.Ordinal));
        Assert.True(onlyBusinessStatus == HttpStatusCode.OK, onlyBusiness.ToString());
        Assert.Equal("VALID", Assert.Single(onlyBusiness.GetProperty("licences").EnumerateArray()).GetProperty("verification").GetProperty("result").GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task A_replayed_a_forged_an_expired_and_a_strangers_request_are_refused_with_their_codes_and_audited()
    {
        var holder = await IssueCompanyAsync(44);
        var sichuan = KeyDirectory.Load(trio.Keys, SampleProvinces.Sichuan, KeyAccess.From(null, allowPlaintext: true)).ListSigner!;
        var guizhou = KeyDirectory.Load(trio.Keys, Province.FromNodeId("gz"), KeyAccess.From(null, allowPlaintext: true)).ListSigner!;
        EvidenceRequest Request(Province from, DateTimeOffset at) => new(from, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), at, "w******ow", "SC-2026-000105", Canteen, holder,
            [SampleLicenceTypes.BusinessLicence.Code.Value], null, "测试");
        var good = Request(SampleProvinces.Sichuan, DateTimeOffset.UtcNow).Sign(sichuan.Key, sichuan.CertificateDer);

        var first = await PostAsync(good);
        var replayed = await PostAsync(good);
        var forged = await PostAsync(Request(SampleProvinces.Sichuan, DateTimeOffset.UtcNow).Sign(guizhou.Key, guizhou.CertificateDer));
        var expired = await PostAsync(Request(SampleProvinces.Sichuan, DateTimeOffset.UtcNow.AddMinutes(-5)).Sign(sichuan.Key, sichuan.CertificateDer));
        var stranger = await PostAsync(Request(Province.FromNodeId("hb"), DateTimeOffset.UtcNow).Sign(guizhou.Key, guizhou.CertificateDer));
        var (badCheckStatus, badCheck) = await FetchAsync(Sichuan, new { holderCode = holder[..17] + (holder[17] == '0' ? '1' : '0'), matter = Canteen, caseNumber = "SC-2026-000106" });
        var (unknownStatus, unknown) = await FetchAsync(Sichuan, new { holderCode = holder, matter = "CYTB-XX-9999", caseNumber = "SC-2026-000107" });
        var (strayStatus, stray) = await FetchAsync(Sichuan, new
        {
            holderCode = holder, matter = "CYTB-SC-0101", caseNumber = "SC-2026-000112", types = new[] { SampleLicenceTypes.ConstructionSafetyPermit.Code.Value },
        });

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal((HttpStatusCode.Conflict, "EVIDENCE_REQUEST_REPLAYED"), (replayed.Status, replayed.Code));
        Assert.Equal((HttpStatusCode.BadRequest, "EVIDENCE_SIGNATURE_INVALID"), (forged.Status, forged.Code));
        Assert.Equal((HttpStatusCode.BadRequest, "EVIDENCE_REQUEST_EXPIRED"), (expired.Status, expired.Code));
        Assert.Equal((HttpStatusCode.Forbidden, "EVIDENCE_NOT_FROM_PEER"), (stranger.Status, stranger.Code));
        Assert.Equal((HttpStatusCode.BadRequest, "HOLDER_CODE_INVALID"), (badCheckStatus, badCheck.GetProperty("code").GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, "MATTER_UNKNOWN"), (unknownStatus, unknown.GetProperty("code").GetString()));
        Assert.Equal((HttpStatusCode.Forbidden, "EVIDENCE_NOT_ALLOWED"), (strayStatus, stray.GetProperty("code").GetString()));
        // Refused at the window before anything is asked, and audited there by code and field only.
        var windowRefusals = (await new IssuanceStore(Sichuan.Database).SearchAuditAsync(new AuditQuery(EventIds: [AuditEvents.EvidenceRequested], Subject: "-", PageSize: 100), CancellationToken.None)).Items;
        foreach (var expected in new[] { "refused=HOLDER_CODE_INVALID field=holderCode", "refused=MATTER_UNKNOWN field=matter", "refused=EVIDENCE_NOT_ALLOWED field=-" })
        {
            Assert.Contains(windowRefusals, e => e.Data == expected);
        }
        var refusals = await new IssuanceStore(Chongqing.Database).SearchAuditAsync(new AuditQuery(EventIds: [AuditEvents.EvidenceRefused], PageSize: 100), CancellationToken.None);
        foreach (var code in new[] { "EVIDENCE_REQUEST_REPLAYED", "EVIDENCE_SIGNATURE_INVALID", "EVIDENCE_REQUEST_EXPIRED", "EVIDENCE_NOT_FROM_PEER" })
        {
            Assert.Contains(refusals.Items, e => e.Data.Contains("refused=" + code, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(refusals.Items, e => e.Data.Contains("SC-2026-000112", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_text_the_text_policy_refuses_is_never_signed_by_the_window_node_and_a_request_carrying_one_is_refused_by_the_home_node()
    {
        var holder = await IssueCompanyAsync(46);
        var sichuan = KeyDirectory.Load(trio.Keys, SampleProvinces.Sichuan, KeyAccess.From(null, allowPlaintext: true)).ListSigner!;

        // At the window: nothing is signed or sent, and the refusal is audited without the text.
        var (caseStatus, caseProblem) = await FetchAsync(Sichuan, new { holderCode = holder, matter = Canteen, caseNumber = "SC-2026-000109\u202E101" });
        var (officerStatus, officerProblem) = await FetchAsync(Sichuan, new { holderCode = holder, matter = Canteen, caseNumber = "SC-2026-000110", officer = "clerk\u0000" });
        // At the home node: a peer that signs one anyway.
        var spoofed = new EvidenceRequest(SampleProvinces.Sichuan, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), DateTimeOffset.UtcNow, "w******ow",
            "SC-2026-000111\u202E111", Canteen, holder, [SampleLicenceTypes.BusinessLicence.Code.Value], null, "测试");
        var home = await PostAsync(spoofed.Sign(sichuan.Key, sichuan.CertificateDer));

        Assert.Equal((HttpStatusCode.BadRequest, "TEXT_CHARACTER_NOT_ALLOWED", "caseNumber", "U+202E"),
            (caseStatus, caseProblem.GetProperty("code").GetString(), caseProblem.GetProperty("field").GetString(), caseProblem.GetProperty("codePoint").GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, "TEXT_CHARACTER_NOT_ALLOWED", "officer"), (officerStatus, officerProblem.GetProperty("code").GetString(), officerProblem.GetProperty("field").GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, "TEXT_CHARACTER_NOT_ALLOWED"), (home.Status, home.Code));
        var asked = await new IssuanceStore(Sichuan.Database).SearchAuditAsync(new AuditQuery(EventIds: [AuditEvents.EvidenceRequested], PageSize: 200), CancellationToken.None);
        Assert.DoesNotContain(asked.Items, e => e.Data.Contains("SC-2026-000109", StringComparison.Ordinal) || e.Data.Contains("SC-2026-000110", StringComparison.Ordinal));
        Assert.Contains(asked.Items, e => e.Data == "refused=TEXT_CHARACTER_NOT_ALLOWED field=caseNumber");
        var refused = Assert.Single(await AuditAsync(Chongqing, spoofed.Id));
        Assert.Equal((AuditEvents.EvidenceRefused, "province=sc field=caseNumber character=U+202E refused=TEXT_CHARACTER_NOT_ALLOWED"), (refused.EventId, refused.Data));
        var everything = await new IssuanceStore(Chongqing.Database).SearchAuditAsync(new AuditQuery(PageSize: 500), CancellationToken.None);
        Assert.DoesNotContain(everything.Items, e => e.Data.Contains('\u202E', StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_flood_of_requests_from_a_peer_is_let_through_no_faster_than_its_rate_cut_with_its_code_and_audited_once()
    {
        var holder = await IssueCompanyAsync(45);
        var sichuan = KeyDirectory.Load(trio.Keys, SampleProvinces.Sichuan, KeyAccess.From(null, allowPlaintext: true)).ListSigner!;
        var flood = Enumerable.Range(0, 300).Select(i => new EvidenceRequest(SampleProvinces.Sichuan, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), DateTimeOffset.UtcNow,
            $"f-{i}", "SC-2026-000108", Canteen, holder, [SampleLicenceTypes.BusinessLicence.Code.Value], null, "测试").Sign(sichuan.Key, sichuan.CertificateDer)).ToList();

        // All at once. How many meet an empty bucket depends on how fast this machine takes them in (a busy one lets
        // the bucket refill meanwhile); what the gate guarantees is that no more are let through than its rate.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answers = await Task.WhenAll(flood.Select(PostAsync));
        var seconds = clock.Elapsed.TotalSeconds;

        // Let the peer's bucket fill again (50 a second) before the class's other tests ask.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var refusals = await new IssuanceStore(Chongqing.Database).SearchAuditAsync(new AuditQuery(EventIds: [AuditEvents.EvidenceRefused], PageSize: 200), CancellationToken.None);
        output.WriteLine($"in {seconds:F1} s: " + string.Join(", ", answers.GroupBy(a => $"{(int)a.Status} {a.Code}").Select(g => $"{g.Key} x{g.Count()}")));

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK || (a.Status, a.Code) == (HttpStatusCode.TooManyRequests, "EVIDENCE_RATE_LIMITED"), $"{a.Status} {a.Code}"));
        Assert.InRange(answers.Count(a => a.Status == HttpStatusCode.OK), 1, (2 * EvidenceGate.PeerRequestsPerSecond) + (EvidenceGate.PeerRequestsPerSecond * seconds) + 5);
        var audited = refusals.Items.Count(e => e.Data.Contains("refused=EVIDENCE_RATE_LIMITED", StringComparison.Ordinal) && e.Actor == "peer:sc");
        Assert.Equal(answers.Any(a => a.Status == HttpStatusCode.TooManyRequests) ? 1 : 0, audited);
    }

    private async Task<(HttpStatusCode Status, string? Code)> PostAsync(byte[] document)
    {
        using var content = new ByteArrayContent(document);
        content.Headers.ContentType = new MediaTypeHeaderValue(EvidenceRequest.MediaType);
        using var client = Chongqing.Client();
        using var response = await client.PostAsync(EvidenceRequester.InboxPath, content);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, body.TryGetProperty("code", out var code) ? code.GetString() : null);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> FetchAsync(NodeProcess at, object body)
    {
        using var client = at.Client(at.PartnerKey);
        using var response = await client.PostAsJsonAsync("/api/v1/evidence/fetch", body);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static async Task<IReadOnlyList<AuditEntry>> AuditAsync(NodeProcess node, string subject) =>
        (await new IssuanceStore(node.Database).SearchAuditAsync(new AuditQuery(Subject: subject), CancellationToken.None)).Items;

    /// <summary>A Chongqing company with a business licence, a food permit and a construction safety permit; returns its credit code.</summary>
    private async Task<string> IssueCompanyAsync(int sequence)
    {
        string? holder = null;
        foreach (var type in new[] { SampleLicenceTypes.BusinessLicence, SampleLicenceTypes.FoodBusinessPermit, SampleLicenceTypes.ConstructionSafetyPermit })
        {
            var key = await Chongqing.AuthorityKeyAsync(SampleAuthorities.For(SampleProvinces.Chongqing, type).Code.Value);
            var issued = await NodeFixture.IssueAsync(Chongqing.Client(key), SampleProvinces.Chongqing, type, sequence);
            holder ??= NodeFixture.IssueBody(type, sequence, SampleProvinces.Chongqing)["holder"] is Dictionary<string, object?> h ? (string)h["code"]! : null;
            Assert.False(string.IsNullOrEmpty(issued.GetProperty("identifier").GetString()));
        }

        return holder!;
    }

    /// <summary>A Chongqing citizen with a professional qualification; returns their citizen ID number.</summary>
    private async Task<string> IssuePersonAsync(int sequence)
    {
        await NodeFixture.IssueAsync(Chongqing.Client(Chongqing.HrKey), SampleProvinces.Chongqing, SampleLicenceTypes.ProfessionalQualification, sequence);
        return DemoLicences.Create(SampleProvinces.Chongqing, SampleLicenceTypes.ProfessionalQualification, sequence).Holder.Code;
    }
}
