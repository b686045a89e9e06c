using LicenceTrust.Samples;
using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Status;
using LicenceTrust.Testing;

namespace LicenceTrust.Status.Tests;

/// <summary>This node's status lists in memory: loaded before serving, and never waited for.</summary>
public class OwnStatusListsTests
{
    private const string Base = "https://cq.lt.example/api/v1/status-lists/";

    [Fact]
    public async Task Every_list_is_in_memory_after_LoadAll_and_answers_without_the_database()
    {
        var store = new SlowStore();
        store.Lists[1] = [new(7, LicenceStatus.Valid, Mine), new(8, LicenceStatus.Suspended, Mine)];
        store.Lists[2] = [new(3, LicenceStatus.Valid, Mine)];
        var lists = new OwnStatusLists(store, SampleProvinces.Chongqing, TimeProvider.System, TimeSpan.FromMinutes(1), Base);

        var licences = await lists.LoadAllAsync(CancellationToken.None);
        var valid = await lists.LookupAsync(Licence(), new StatusReference(7, Base + "1"), CancellationToken.None);
        var suspended = await lists.LookupAsync(Licence(), new StatusReference(8, Base + "1"), CancellationToken.None);

        Assert.Equal((2, 3L), (lists.Loaded, licences));
        Assert.Equal((LicenceStatus?)LicenceStatus.Valid, valid.Status);
        Assert.Equal((LicenceStatus?)LicenceStatus.Suspended, suspended.Status);
        Assert.Equal(0, store.RowReads);
    }

    [Fact]
    public async Task A_list_opened_since_start_is_answered_from_the_licences_row_while_it_loads_in_the_background()
    {
        var store = new SlowStore { Hold = new TaskCompletionSource() };
        store.Lists[5] = [new(1, LicenceStatus.Valid, Mine)];
        var lists = new OwnStatusLists(store, SampleProvinces.Chongqing, TimeProvider.System, TimeSpan.FromMinutes(1), Base);

        // The list's entries cannot be read yet (a 65,000-row list on a busy database): the lookup must not wait for them.
        var lookup = lists.LookupAsync(Licence(), new StatusReference(1, Base + "5"), CancellationToken.None);
        var finished = await Task.WhenAny(lookup, Task.Delay(TimeSpan.FromSeconds(5))) == lookup;

        Assert.True(finished, "the lookup waited for the list to load");
        Assert.Equal((LicenceStatus?)LicenceStatus.Valid, (await lookup).Status);
        Assert.Equal(1, store.RowReads);
        store.Hold.SetResult();
        for (var i = 0; i < 100 && lists.Loaded == 0; i++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(1, lists.Loaded);
        await lists.LookupAsync(Licence(), new StatusReference(1, Base + "5"), CancellationToken.None);
        Assert.Equal(1, store.RowReads);
    }

    [Fact]
    public async Task A_credential_pointing_at_another_licences_slot_is_judged_by_its_own_identifier()
    {
        // Two credentials of one licence: the first in its own slot (7), the second pointing at slot 9, which is
        // another licence's and valid. The licence is revoked: both are, at home as at a peer (docs/format.md §13).
        var store = new SlowStore();
        store.Lists[1] = [new(7, LicenceStatus.Revoked, Mine), new(9, LicenceStatus.Valid, "CQ-OTHER-LICENCE")];
        store.Statuses[Mine] = LicenceStatus.Revoked;
        var lists = new OwnStatusLists(store, SampleProvinces.Chongqing, TimeProvider.System, TimeSpan.FromMinutes(1), Base);
        await lists.LoadAllAsync(CancellationToken.None);

        var own = await lists.LookupAsync(Licence(), new StatusReference(7, Base + "1"), CancellationToken.None);
        var borrowed = await lists.LookupAsync(Licence(), new StatusReference(9, Base + "1"), CancellationToken.None);

        Assert.Equal((LicenceStatus?)LicenceStatus.Revoked, own.Status);
        Assert.Equal((LicenceStatus?)LicenceStatus.Revoked, borrowed.Status);
    }

    private static readonly Licence Sample = ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Chongqing).Build();

    private static string Mine => Sample.Identifier.Value;

    private static Licence Licence() => Sample;

    /// <summary>A store whose list reads can be held back; it counts the per-licence reads.</summary>
    private sealed class SlowStore : IStatusListStore
    {
        public Dictionary<int, StatusSlot[]> Lists { get; } = [];

        public Dictionary<string, LicenceStatus> Statuses { get; } = [];

        public TaskCompletionSource? Hold { get; init; }

        public int RowReads { get; private set; }

        public Task<LicenceStatus?> StatusOfAsync(string identifier, CancellationToken cancellationToken)
        {
            RowReads++;
            return Task.FromResult<LicenceStatus?>(Statuses.GetValueOrDefault(identifier, LicenceStatus.Valid));
        }

        public Task<StatusListInfo?> StatusListAsync(int list, CancellationToken cancellationToken) =>
            Task.FromResult(Lists.ContainsKey(list) ? new StatusListInfo(list, StatusBits.MinimumSize, 1, DateTimeOffset.UnixEpoch) : null);

        public Task<IReadOnlyList<StatusListInfo>> StatusListsAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<StatusListInfo>>([.. Lists.Keys.Order().Select(id => new StatusListInfo(id, StatusBits.MinimumSize, 1, DateTimeOffset.UnixEpoch))]);

        public Task<IReadOnlyList<StatusDetail>> StatusListDetailsAsync(int list, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<StatusDetail>>([]);

        public async Task<IReadOnlyList<StatusSlot>> StatusListEntriesAsync(int list, CancellationToken cancellationToken)
        {
            if (Hold is not null)
            {
                await Hold.Task;
            }

            return Lists[list];
        }

        public Task<StatusChangeDetail?> LastChangeAsync(string identifier, CancellationToken cancellationToken) => Task.FromResult<StatusChangeDetail?>(null);

        public bool IsUnavailable(Exception exception) => false;
    }
}
