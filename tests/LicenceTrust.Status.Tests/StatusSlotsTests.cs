using LicenceTrust.Core.Results;

namespace LicenceTrust.Status.Tests;

/// <summary>Random slot choice (Status): distinct, free, in range, and a clear refusal when none is free.</summary>
public class StatusSlotsTests
{
    [Fact]
    public async Task Slots_are_distinct_free_and_in_range()
    {
        var used = Enumerable.Range(0, 1024).Where(i => i % 2 == 0).ToHashSet();
        var asked = 0;

        var slots = await StatusSlots.ChooseFreeAsync(1024, 300, candidates =>
        {
            asked++;
            return Task.FromResult<IReadOnlySet<int>>(candidates.Where(used.Contains).ToHashSet());
        });

        Assert.Equal(300, slots.Distinct().Count());
        Assert.All(slots, s => Assert.True(s is >= 0 and < 1024 && s % 2 == 1));
        Assert.InRange(asked, 1, StatusSlots.MaxRounds);
    }

    [Fact]
    public async Task A_full_list_is_STATUS_LIST_FULL_not_a_hang()
    {
        var refused = await Assert.ThrowsAsync<LicenceTrustException>(() =>
            StatusSlots.ChooseFreeAsync(64, 1, candidates => Task.FromResult<IReadOnlySet<int>>(candidates.ToHashSet())));

        Assert.Equal("STATUS_LIST_FULL", refused.Error.Code);
    }

    [Fact]
    public async Task Asking_for_every_slot_of_a_small_list_ends()
    {
        var slots = await StatusSlots.ChooseFreeAsync(8, 8, _ => Task.FromResult<IReadOnlySet<int>>(new HashSet<int>()));

        Assert.Equal(Enumerable.Range(0, 8), slots.Order());
    }
}
