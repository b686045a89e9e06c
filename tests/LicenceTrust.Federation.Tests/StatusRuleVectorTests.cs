using System.Text.Json;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Pki;
using LicenceTrust.Core.Status;
using LicenceTrust.Samples;
using LicenceTrust.Status;
using LicenceTrust.Testing;
using LicenceTrust.Testing.Vectors;
using Microsoft.Extensions.Time.Testing;

namespace LicenceTrust.Federation.Tests;

/// <summary>
/// The one rule for status (docs/format.md §13), on the published vector <c>tests/vectors/status-rule.json</c>:
/// each credential gets the same status at its home node (Sichuan's own lists and rows) and at a peer (Chongqing,
/// holding Sichuan's signed list), and the peer says when and why from the list's details, asking no one.
/// </summary>
public class StatusRuleVectorTests
{
    private static readonly StatusRuleVectorFile Vector = JsonSerializer.Deserialize<StatusRuleVectorFile>(
        File.ReadAllText(Path.Combine(RepositoryPaths.Vectors, StatusRuleVectorFile.FileName)), JsonSerializerOptions.Web)!;

    private readonly FakeTimeProvider _time = new(TestClock.Now);

    public static TheoryData<string> Names => [.. Vector.Credentials.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_credential_has_its_licences_status_at_home_and_at_a_peer(string name)
    {
        var credential = Vector.Credentials.Single(c => c.Name == name);
        var decoded = CredentialReader.Read(credential.QrText).Credential!;
        var expected = Enum.Parse<LicenceStatus>(credential.Expected, ignoreCase: true);

        var atPeer = await PeerSource().LookupAsync(decoded.Claims.Licence, decoded.Claims.Status, CancellationToken.None);
        var atHome = await (await HomeSource()).LookupAsync(decoded.Claims.Licence, decoded.Claims.Status, CancellationToken.None);

        Assert.Equal((expected, expected), (atPeer.Status, atHome.Status));
        Assert.Equal("sc:status-list", atPeer.Source);
        var change = await PeerSource().LastChangeAsync(decoded.Claims.Licence, CancellationToken.None);
        Assert.Equal(expected == LicenceStatus.Valid ? null : new StatusChangeDetail(Vector.Since, Vector.Reason), change);
    }

    [Fact]
    public void The_vector_list_verifies_under_sichuans_sample_list_signer()
    {
        var sichuan = SampleKeys.Of(SampleProvinces.Sichuan);
        Assert.Equal(Convert.ToBase64String(sichuan.ListSigner!.CertificateDer), Vector.Signer);
        Assert.NotNull(List());
    }

    private static StatusList List()
    {
        var sichuan = SampleKeys.Of(SampleProvinces.Sichuan);
        var key = ListSignerCertificate.Parse(Convert.FromBase64String(Vector.Signer), sichuan.Root).Key;
        return StatusListToken.TryRead(Convert.FromBase64String(Vector.StatusList), key, out var error) ?? throw new InvalidDataException(error);
    }

    /// <summary>Chongqing holding Sichuan's list, fresh; its HTTP client answers nothing (no call may be made).</summary>
    private FederatedStatusSource PeerSource()
    {
        var state = new PeerState(new PeerOptions { Province = "sc", BaseUrl = "http://127.0.0.1:9", LiveStatusFallback = true }, new HttpClient(new RefusingHandler()));
        state.SetStatusList(new CachedStatusList(List(), 1, _time.GetUtcNow()));
        var peers = PeerSet.Empty with { States = new Dictionary<Province, PeerState> { [SampleProvinces.Sichuan] = state } };
        var chongqing = SampleKeys.Of(SampleProvinces.Chongqing);
        return new FederatedStatusSource(() => peers, new FederatedTrust(chongqing.Root, [.. chongqing.Issuers.Select(i => i.Certificate)]), _time);
    }

    /// <summary>Sichuan's own lists over its rows: the revoked licence in its slot, the other licence valid in its own.</summary>
    private async Task<OwnStatusLists> HomeSource()
    {
        var revoked = Vector.Credentials.Single(c => c.Name == "own-slot").Identifier;
        var other = Vector.Credentials.Single(c => c.Name == "the-other-licence").Identifier;
        var store = new RowStore(
            [new(StatusRuleVectorFile.RevokedSlot, LicenceStatus.Revoked, revoked), new(StatusRuleVectorFile.OtherSlot, LicenceStatus.Valid, other)],
            new Dictionary<string, LicenceStatus> { [revoked] = LicenceStatus.Revoked, [other] = LicenceStatus.Valid });
        var lists = new OwnStatusLists(store, SampleProvinces.Sichuan, _time, TimeSpan.FromMinutes(1), Vector.Uri[..(Vector.Uri.LastIndexOf('/') + 1)]);
        await lists.LoadAllAsync(CancellationToken.None);
        return lists;
    }

    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"the peer was called: {request.RequestUri}");
    }

    private sealed class RowStore(StatusSlot[] slots, Dictionary<string, LicenceStatus> rows) : IStatusListStore
    {
        public Task<LicenceStatus?> StatusOfAsync(string identifier, CancellationToken cancellationToken) =>
            Task.FromResult<LicenceStatus?>(rows.TryGetValue(identifier, out var status) ? status : null);

        public Task<StatusListInfo?> StatusListAsync(int list, CancellationToken cancellationToken) =>
            Task.FromResult<StatusListInfo?>(list == 1 ? new StatusListInfo(1, StatusBits.MinimumSize, 1, DateTimeOffset.UnixEpoch) : null);

        public Task<IReadOnlyList<StatusListInfo>> StatusListsAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<StatusListInfo>>([new StatusListInfo(1, StatusBits.MinimumSize, 1, DateTimeOffset.UnixEpoch)]);

        public Task<IReadOnlyList<StatusSlot>> StatusListEntriesAsync(int list, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<StatusSlot>>(slots);

        public Task<IReadOnlyList<StatusDetail>> StatusListDetailsAsync(int list, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<StatusDetail>>([]);

        public Task<StatusChangeDetail?> LastChangeAsync(string identifier, CancellationToken cancellationToken) => Task.FromResult<StatusChangeDetail?>(null);

        public bool IsUnavailable(Exception exception) => false;
    }
}
