using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Trust;
using LicenceTrust.KeyStore;
using LicenceTrust.Samples;
using LicenceTrust.Testing;
using Xunit.Abstractions;

namespace LicenceTrust.Server.Tests;

/// <summary>川渝互认 with two real node processes: each verifies the other's licences with their current status.</summary>
public class FederationTests(FederatedPair pair, ITestOutputHelper output) : IClassFixture<FederatedPair>
{
    [Theory]
    [InlineData("sc", "cq")]
    [InlineData("cq", "sc")]
    public async Task A_licence_of_one_province_verifies_at_the_other_with_its_status_for_both_algorithms(string issuer, string verifier)
    {
        var licences = await pair.LicencesAsync(issuer);
        var algorithms = new HashSet<string>();
        foreach (var item in licences)
        {
            var qr = item.GetProperty("qrText").GetString()!;
            var response = await pair.VerifyAsync(verifier, qr);
            var expected = item.GetProperty("status").GetString() switch { "VALID" => "VALID", _ => "INVALID" };

            Assert.Equal(expected, response.GetProperty("result").GetProperty("verdict").GetString());
            Assert.Equal($"{issuer}:status-list", response.GetProperty("checkedAgainst").GetProperty("statusSource").GetString());
            Assert.True(response.GetProperty("checkedAgainst").GetProperty("trustListSequence").GetInt64() >= 1);
            if (expected == "VALID")
            {
                algorithms.Add(CredentialReader.Read(qr).Credential!.Algorithm.Name);
            }
            else
            {
                Assert.Contains(response.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString(), new[] { "SUSPENDED", "REVOKED" });
            }
        }

        Assert.Equal(["ES256", "SM2-SM3"], algorithms.Order());
    }

    [Fact]
    public async Task A_revocation_at_Sichuan_shows_at_Chongqing_within_the_sync_interval_and_is_measured()
    {
        var regulator = SampleAuthorities.For(SampleProvinces.Sichuan, SampleLicenceTypes.FoodBusinessPermit);
        var key = pair.Key("sc", regulator.Code.Value);
        var issued = await IssueAsync("sc", key, SampleLicenceTypes.FoodBusinessPermit, 701);
        // VALID from Chongqing's synced copy of the list (not from a live call): the revocation must then
        // arrive as a change of that list, which is what the propagation metric measures.
        var before = await pair.WaitForVerdictAsync("cq", issued.Qr,
            r => Verdict(r) == "VALID" && r.GetProperty("checkedAgainst").GetProperty("statusSource").GetString() == "sc:status-list", TimeSpan.FromSeconds(10));
        Assert.Equal("VALID", Verdict(before.Response));

        using var revoke = await pair.Client("sc", key).PostAsJsonAsync($"/api/v1/licences/{issued.Id}/revoke", new { reason = "吊销：测试" });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var (elapsed, after) = await pair.WaitForVerdictAsync("cq", issued.Qr, r => Verdict(r) == "INVALID", TimeSpan.FromSeconds(10));

        output.WriteLine($"revoked at sc → INVALID at cq after {elapsed.TotalMilliseconds:F0} ms (sync interval {FederatedPair.SyncIntervalSeconds} s)");
        Assert.Equal("REVOKED", after.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"took {elapsed}");
        var peer = (await pair.Client("cq").GetFromJsonAsync<JsonElement>("/api/v1/federation/peers")).GetProperty("peers")[0];
        var delay = peer.GetProperty("lastPropagationDelayMs").GetDouble();
        output.WriteLine($"propagation metric at cq: {delay:F0} ms");
        Assert.InRange(delay, 0, 2000);
        var metrics = string.Empty;
        for (var attempt = 0; attempt < 40 && !metrics.Contains("licencetrust_federation_propagation_delay", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(250);
            metrics = await pair.Client("cq").GetStringAsync("/metrics");
        }

        Assert.Contains("licencetrust_federation_propagation_delay_milliseconds_bucket{", metrics, StringComparison.Ordinal);
        Assert.Contains("licencetrust_federation_trust_list_age_seconds{", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suspend_then_reinstate_at_Chongqing_round_trips_at_Sichuan()
    {
        var regulator = SampleAuthorities.For(SampleProvinces.Chongqing, SampleLicenceTypes.BusinessLicence);
        var key = pair.Key("cq", regulator.Code.Value);
        var issued = await IssueAsync("cq", key, SampleLicenceTypes.BusinessLicence, 702);
        Assert.Equal("VALID", Verdict((await pair.WaitForVerdictAsync("sc", issued.Qr, r => Verdict(r) == "VALID", TimeSpan.FromSeconds(10))).Response));

        using (await pair.Client("cq", key).PostAsJsonAsync($"/api/v1/licences/{issued.Id}/suspend", new { reason = "暂扣：整改" }))
        {
        }

        var suspended = await pair.WaitForVerdictAsync("sc", issued.Qr, r => Verdict(r) == "INVALID", TimeSpan.FromSeconds(10));
        using (await pair.Client("cq", key).PostAsJsonAsync($"/api/v1/licences/{issued.Id}/reinstate", new { reason = "整改完成" }))
        {
        }

        var reinstated = await pair.WaitForVerdictAsync("sc", issued.Qr, r => Verdict(r) == "VALID", TimeSpan.FromSeconds(10));

        Assert.Equal("SUSPENDED", suspended.Response.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
        Assert.Equal("VALID", Verdict(reinstated.Response));
        Assert.True(suspended.Elapsed < TimeSpan.FromSeconds(2) && reinstated.Elapsed < TimeSpan.FromSeconds(2), $"{suspended.Elapsed}, {reinstated.Elapsed}");
    }

    [Fact]
    public async Task Each_node_publishes_metadata_and_a_signed_trust_list_that_checks_under_its_root()
    {
        var metadata = await pair.Client("sc").GetFromJsonAsync<JsonElement>("/.well-known/licencetrust");
        var token = await pair.Client("sc").GetByteArrayAsync("/api/v1/trust-list");
        var list = TrustListToken.TryRead(token, SampleKeys.Of(SampleProvinces.Sichuan).Root, out var error);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/api/v1/trust-list");
        conditional.Headers.IfNoneMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{list!.Sequence}\""));
        using var notModified = await pair.Client("sc").SendAsync(conditional);

        Assert.Equal(SampleKeys.Of(SampleProvinces.Sichuan).Root.Fingerprint, metadata.GetProperty("rootFingerprint").GetString());
        Assert.Equal(string.Empty, error);
        Assert.Equal(4, list.Issuers.Count);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task The_CLI_verifies_offline_text_and_a_photo_against_the_trust_bundle_exported_by_a_node()
    {
        var bundle = Path.Combine(pair.Folder, "cq-bundle.json");
        await File.WriteAllTextAsync(bundle, await pair.Client("cq").GetStringAsync("/api/v1/trust-bundle"));
        var sichuan = (await pair.LicencesAsync("sc")).First(l => l.GetProperty("status").GetString() == "VALID").GetProperty("qrText").GetString()!;
        var photo = Path.Combine(pair.Folder, "licence.jpg");
        await File.WriteAllBytesAsync(photo, PrintedLicencePhoto.Jpeg(sichuan));
        var pins = $"--pin {SampleKeys.Of(SampleProvinces.Chongqing).Root.Fingerprint} --pin {SampleKeys.Of(SampleProvinces.Sichuan).Root.Fingerprint}";
        var forged = Credentials.Sign(ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Sichuan).Build(),
            SigningKey.Generate(SignatureAlgorithm.Sm2Sm3), SampleKeys.IssuerWith(SampleProvinces.Sichuan, SignatureAlgorithm.Sm2Sm3).Certificate.Kid).QrText;

        var text = await Programs.RunAsync(Programs.Cli, $"verify \"{sichuan}\" --bundle {bundle} {pins}");
        var image = await Programs.RunAsync(Programs.Cli, $"verify {photo} --bundle {bundle} {pins}");
        var tampered = await Programs.RunAsync(Programs.Cli, $"verify \"{forged}\" --bundle {bundle} {pins}");
        var wrongPin = await Programs.RunAsync(Programs.Cli, $"verify \"{sichuan}\" --bundle {bundle} --pin {new string('0', 64)}");
        var missing = await Programs.RunWithErrorsAsync(Programs.Cli, $"verify {Path.Combine(pair.Folder, "no-such-photo.jpg")} --bundle {bundle} {pins}");

        Assert.Equal(0, text.Code);
        Assert.StartsWith("VALID", text.Output, StringComparison.Ordinal);
        Assert.Equal(0, image.Code);
        Assert.StartsWith("VALID", image.Output, StringComparison.Ordinal);
        Assert.Equal(1, tampered.Code);
        Assert.Contains("SIGNATURE_INVALID", tampered.Output, StringComparison.Ordinal);
        Assert.Equal(2, wrongPin.Code);
        Assert.Equal(2, missing.Code);
        Assert.Contains("no-such-photo.jpg: file not found", missing.Error, StringComparison.Ordinal);
    }

    internal static string? Verdict(JsonElement response) => response.GetProperty("result").GetProperty("verdict").GetString();

    private async Task<(string Id, string Qr)> IssueAsync(string province, string key, LicenceType type, int sequence)
    {
        var body = NodeFixture.IssueBody(type, sequence, Province.FromNodeId(province));
        using var response = await pair.Client(province, key).PostAsJsonAsync("/api/v1/licences", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return (json.GetProperty("identifier").GetString()!, json.GetProperty("qrText").GetString()!);
    }
}

/// <summary>A pair whose Chongqing node has a short status max age, for outage tests.</summary>
public sealed class ShortFreshnessPair : FederatedPair
{
    protected override double StatusMaxAgeSeconds => 3;
}

/// <summary>Freshness: with Sichuan down, Chongqing answers from cache until max age, then CHECK; and recovers.</summary>
public class FederationOutageTests(ShortFreshnessPair pair, ITestOutputHelper output) : IClassFixture<ShortFreshnessPair>
{
    [Fact]
    public async Task With_Sichuan_down_Chongqing_says_VALID_from_cache_until_max_age_then_CHECK_and_recovers_without_restart()
    {
        var licences = await pair.LicencesAsync("sc");
        string QrOf(string status) => licences.First(l => l.GetProperty("status").GetString() == status).GetProperty("qrText").GetString()!;
        var qr = QrOf("VALID");
        Assert.Equal("VALID", FederationTests.Verdict(await pair.VerifyAsync("cq", qr)));
        Assert.Equal("REVOKED", Reason(await pair.VerifyAsync("cq", QrOf("REVOKED"))));
        Assert.NotEqual("VALID", FederationTests.Verdict(await pair.VerifyAsync("cq", QrOf("SUSPENDED"))));

        await pair.StopAsync("sc");
        var cached = await pair.VerifyAsync("cq", qr);
        var (elapsed, stale) = await pair.WaitForVerdictAsync("cq", qr, r => FederationTests.Verdict(r) != "VALID", TimeSpan.FromSeconds(15));
        output.WriteLine($"sc stopped: VALID from cache, CHECK after {elapsed.TotalMilliseconds:F0} ms (status max age 3 s)");

        Assert.Equal("VALID", FederationTests.Verdict(cached));
        Assert.Equal("CHECK", FederationTests.Verdict(stale));
        Assert.Equal("STATUS_STALE", stale.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
        Assert.InRange(elapsed.TotalSeconds, 1, 6);
        var health = await pair.Client("cq").GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(health.GetProperty("peers")[0].GetProperty("lastError").GetString()));

        // A revocation cannot be undone, so stale data still proves it, with its age; a suspension can be lifted, so it is CHECK.
        var revoked = await pair.VerifyAsync("cq", QrOf("REVOKED"));
        var suspended = await pair.VerifyAsync("cq", QrOf("SUSPENDED"));
        Assert.Equal(("INVALID", "REVOKED"), (FederationTests.Verdict(revoked), Reason(revoked)));
        var age = revoked.GetProperty("checkedAgainst").GetProperty("at").GetDateTimeOffset() - revoked.GetProperty("checkedAgainst").GetProperty("statusAsOf").GetDateTimeOffset();
        Assert.True(age > TimeSpan.FromSeconds(3), $"the answer gives the data's age: {age}");
        Assert.Equal(("CHECK", "STATUS_STALE"), (FederationTests.Verdict(suspended), Reason(suspended)));

        await pair.StartAsync("sc");
        var (back, recovered) = await pair.WaitForVerdictAsync("cq", qr, r => FederationTests.Verdict(r) == "VALID", TimeSpan.FromSeconds(15));
        output.WriteLine($"sc restarted: VALID again at cq after {back.TotalMilliseconds:F0} ms");
        Assert.Equal("VALID", FederationTests.Verdict(recovered));
    }

    private static string? Reason(JsonElement response) =>
        response.GetProperty("result").GetProperty("reasons") is { ValueKind: JsonValueKind.Array } reasons && reasons.GetArrayLength() > 0
            ? reasons[0].GetProperty("code").GetString()
            : null;
}

/// <summary>Another pair with a short status max age, for the hung-peer test (its own processes, so it may stop one).</summary>
public sealed class HungPeerPair : FederatedPair
{
    protected override double StatusMaxAgeSeconds => 3;
}

/// <summary>The peer circuit breaker, with Sichuan's process stopped by SIGSTOP (it hangs, it does not refuse).</summary>
public class HungPeerTests(HungPeerPair pair, ITestOutputHelper output) : IClassFixture<HungPeerPair>
{
    [Fact]
    public async Task A_hung_peer_costs_one_timeout_then_its_licences_answer_at_once_and_VALID_returns_after_SIGCONT()
    {
        var qr = (await pair.LicencesAsync("sc")).First(l => l.GetProperty("status").GetString() == "VALID").GetProperty("qrText").GetString()!;
        Assert.Equal("VALID", FederationTests.Verdict(await pair.VerifyAsync("cq", qr)));

        await pair.PauseAsync("sc");
        try
        {
            // Once the list is stale, the first verification waits out the live call's timeout and opens the breaker.
            var (elapsed, stale) = await pair.WaitForVerdictAsync("cq", qr, r => FederationTests.Verdict(r) != "VALID", TimeSpan.FromSeconds(20));
            Assert.Equal("CHECK", FederationTests.Verdict(stale));
            output.WriteLine($"sc stopped (SIGSTOP): CHECK after {elapsed.TotalMilliseconds:F0} ms");

            var times = new List<double>();
            for (var i = 0; i < 10; i++)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var again = await pair.VerifyAsync("cq", qr);
                times.Add(clock.Elapsed.TotalMilliseconds);
                Assert.Equal("CHECK", FederationTests.Verdict(again));
            }

            times.Sort();
            output.WriteLine($"10 verifications with the breaker open: median {times[5]:F1} ms, max {times[^1]:F1} ms (the live timeout is 2,000 ms)");
            Assert.True(times[5] <= 50, $"median {times[5]} ms");
            Assert.True(times[^1] < 1_000, $"max {times[^1]} ms: a verification waited for the hung peer");

            var peer = (await pair.Client("cq").GetFromJsonAsync<JsonElement>("/api/v1/federation/peers")).GetProperty("peers")[0];
            Assert.NotEqual("closed", peer.GetProperty("breaker").GetString());
            Assert.NotEqual(JsonValueKind.Null, peer.GetProperty("breakerOpenedAt").ValueKind);
            var ready = await pair.Client("cq").GetFromJsonAsync<JsonElement>("/health/ready");
            Assert.NotEqual("closed", ready.GetProperty("peers")[0].GetProperty("breaker").GetString());
            var metrics = await pair.Client("cq").GetStringAsync("/metrics");
            Assert.Contains("licencetrust_federation_breaker_openings_total{", metrics, StringComparison.Ordinal);
        }
        finally
        {
            await pair.ResumeAsync("sc");
        }

        var (back, recovered) = await pair.WaitForVerdictAsync("cq", qr, r => FederationTests.Verdict(r) == "VALID", TimeSpan.FromSeconds(15));
        output.WriteLine($"sc resumed (SIGCONT): VALID again at cq after {back.TotalMilliseconds:F0} ms (sync interval {FederatedPair.SyncIntervalSeconds} s, backoff up to 4 intervals)");
        Assert.Equal("VALID", FederationTests.Verdict(recovered));
        var closed = (await pair.Client("cq").GetFromJsonAsync<JsonElement>("/api/v1/federation/peers")).GetProperty("peers")[0];
        Assert.Equal("closed", closed.GetProperty("breaker").GetString());
    }
}

/// <summary>A pair whose Chongqing agreement leaves out foreigners' work permits.</summary>
public sealed class NarrowAgreementPair : FederatedPair
{
    private readonly string _agreement;

    public NarrowAgreementPair()
    {
        _agreement = Path.Combine(Folder, "cq-recognition-sc.cose");
        var types = SampleLicenceTypes.All.Where(t => t != SampleLicenceTypes.ForeignerWorkPermit).Select(t => t.Code.Value).ToHashSet(StringComparer.Ordinal);
        File.WriteAllBytes(_agreement, KeyDirectory.SignRecognitionAgreement(SampleKeys.Of(SampleProvinces.Chongqing),
            new RecognitionAgreement(SampleProvinces.Chongqing, SampleProvinces.Sichuan, types, SampleKeyGenerator.LeafFrom, DateTimeOffset.UtcNow)));
    }

    protected override string? ChongqingAgreement => _agreement;
}

/// <summary>The recognition agreement and emergency withdrawal of an issuer key, across two processes.</summary>
public class RecognitionAndWithdrawalTests(NarrowAgreementPair pair, ITestOutputHelper output) : IClassFixture<NarrowAgreementPair>
{
    [Fact]
    public async Task A_licence_type_outside_the_agreement_is_INVALID_TYPE_NOT_RECOGNISED_only_where_the_agreement_excludes_it()
    {
        var permits = SampleLicenceTypes.ForeignerWorkPermit.Code.Value;
        var sichuanPermit = (await pair.LicencesAsync("sc")).First(l => l.GetProperty("status").GetString() == "VALID" && l.GetProperty("licence").GetProperty("typeCode").GetString() == permits);
        var chongqingPermit = (await pair.LicencesAsync("cq")).First(l => l.GetProperty("status").GetString() == "VALID" && l.GetProperty("licence").GetProperty("typeCode").GetString() == permits);

        var atChongqing = await pair.VerifyAsync("cq", sichuanPermit.GetProperty("qrText").GetString()!);
        var atSichuan = await pair.VerifyAsync("sc", chongqingPermit.GetProperty("qrText").GetString()!);

        Assert.Equal("INVALID", FederationTests.Verdict(atChongqing));
        Assert.Equal("TYPE_NOT_RECOGNISED", atChongqing.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
        Assert.Equal("VALID", FederationTests.Verdict(atSichuan));
    }

    [Fact]
    public async Task A_withdrawn_issuer_key_makes_its_licences_INVALID_at_both_nodes_within_10_s_and_forged_or_replayed_notices_are_refused()
    {
        var regulator = SampleKeys.IssuerWith(SampleProvinces.Sichuan, SignatureAlgorithm.Sm2Sm3).Certificate;
        var qr = (await pair.LicencesAsync("sc")).First(l => l.GetProperty("status").GetString() == "VALID"
            && l.GetProperty("licence").GetProperty("authority").GetProperty("code").GetString() == regulator.AuthorityCode).GetProperty("qrText").GetString()!;
        Assert.Equal("VALID", FederationTests.Verdict(await pair.VerifyAsync("cq", qr)));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var withdraw = await pair.Client("sc", pair.Key("sc", "admin:")).PostAsJsonAsync($"/api/v1/trust/issuers/{regulator.Fingerprint}/withdraw", new { reason = "密钥泄露（演练）" });
        var withdrawn = await withdraw.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, withdraw.StatusCode);
        var atSichuan = await pair.WaitForVerdictAsync("sc", qr, r => FederationTests.Verdict(r) == "INVALID", TimeSpan.FromSeconds(10));
        var atChongqing = await pair.WaitForVerdictAsync("cq", qr, r => FederationTests.Verdict(r) == "INVALID", TimeSpan.FromSeconds(10));
        output.WriteLine($"withdrawn at sc: INVALID at both after {clock.Elapsed.TotalMilliseconds:F0} ms; notice delivered: {withdrawn.GetProperty("peers")[0]}");

        Assert.True(withdrawn.GetProperty("peers")[0].GetProperty("delivered").GetBoolean());
        Assert.Equal("ISSUER_WITHDRAWN", atSichuan.Response.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
        Assert.Equal("ISSUER_WITHDRAWN", atChongqing.Response.GetProperty("result").GetProperty("reasons")[0].GetProperty("code").GetString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));

        var notice = Convert.FromBase64String(withdrawn.GetProperty("notice").GetString()!);
        var replayed = await PostNoticeAsync(notice);
        var sichuan = SampleKeys.Of(SampleProvinces.Sichuan);
        var forged = new WithdrawalNotice(Guid.NewGuid().ToString("N"), SampleProvinces.Sichuan, 99, DateTimeOffset.UtcNow, SampleKeys.IssuerWith(SampleProvinces.Sichuan, SignatureAlgorithm.Es256).Certificate.Fingerprint, "forged")
            .Sign(SigningKey.Generate(SignatureAlgorithm.Sm2Sm3), sichuan.ListSigner!.CertificateDer);
        var forgedResponse = await PostNoticeAsync(forged);

        replayed.AssertProblem(HttpStatusCode.Conflict, "NOTICE_REPLAYED");
        forgedResponse.AssertProblem(HttpStatusCode.BadRequest, "NOTICE_SIGNATURE_INVALID");
        var es256 = (await pair.LicencesAsync("sc")).First(l => l.GetProperty("status").GetString() == "VALID"
            && l.GetProperty("licence").GetProperty("authority").GetProperty("code").GetString() == SampleKeys.IssuerWith(SampleProvinces.Sichuan, SignatureAlgorithm.Es256).Certificate.AuthorityCode);
        Assert.Equal("VALID", FederationTests.Verdict(await pair.VerifyAsync("cq", es256.GetProperty("qrText").GetString()!)));
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostNoticeAsync(byte[] notice)
    {
        var content = new ByteArrayContent(notice);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(WithdrawalNotice.MediaType);
        using var response = await pair.Client("cq").PostAsync("/api/v1/federation/notices", content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}
