using LicenceTrust.Issuance;
using LicenceTrust.Server.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>The keys that still authenticate while the database is down: only lately seen, never refused ones.</summary>
public class RecentApiKeysTests
{
    private static readonly Actor Partner = new(ActorRole.Partner, "bank", null);

    [Fact]
    public void A_key_is_recalled_within_the_window_only_and_never_after_the_database_refused_it()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero));
        var recent = new RecentApiKeys(clock, TimeSpan.FromMinutes(15));
        recent.Remember("lt_key-one", Partner);
        recent.Remember("lt_key-two", Partner);

        clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(Partner, recent.Recall("lt_key-one"));
        Assert.Null(recent.Recall("lt_key-unknown"));

        recent.Forget("lt_key-two");
        Assert.Null(recent.Recall("lt_key-two"));

        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(recent.Recall("lt_key-one"));
    }
}
