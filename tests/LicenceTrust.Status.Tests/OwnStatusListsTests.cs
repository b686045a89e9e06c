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
        store.Lists[1] = [(7, LicenceStatus.Valid), (8, LicenceStatus.Suspended)];
        store.Lists[2] = [(3, LicenceStatus.Valid)];
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
        store.Lists[5] = [(1, LicenceStatus.Valid)];
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

    private static Licence Licence() => ALicence.OfType(SampleLicenceTypes.BusinessLicence).In(SampleProvinces.Chongqing).Build();

    /// <summary>A store whose list reads can be held back; it counts the per-licence reads.</summary>
    private sealed class SlowStore : IStatusListStore
    {
        public Dictionary<int, (int Index, LicenceStatus Status)[]> Lists { get; } = [];

        public TaskCompletionSource? Hold { get; init; }

        public int RowReads { get; private set; }

        public Task<LicenceStatus?> StatusOfAsync(string identifier, CancellationToken cancellationToken)
        {
            RowReads++;
            return Task.FromResult<LicenceStatus?>(LicenceStatus.Valid);
        }

        public Task<StatusListInfo?> StatusListAsync(int list, CancellationToken cancellationToken) =>
            Task.FromResult(Lists.ContainsKey(list) ? new StatusListInfo(list, StatusBits.MinimumSize, 1, DateTimeOffset.UnixEpoch) : null);

        public Task<IReadOnlyList<StatusListInfo>> StatusListsAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<StatusListInfo>>([.. Lists.Keys.Order().Select(id => new StatusListInfo(id, StatusBits.MinimumSize, 1, DateTimeOffset.UnixEpoch))]);

        public async Task<IReadOnlyList<(int Index, LicenceStatus Status)>> StatusListEntriesAsync(int list, CancellationToken cancellationToken)
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
