namespace LicenceTrust.Testing;

/// <summary>Fixed instants, so no test depends on today's date.</summary>
public static class TestClock
{
    /// <summary>When demo credentials are signed: 2026-01-15 02:00 UTC.</summary>
    public static readonly DateTimeOffset SignedAt = new(2026, 1, 15, 2, 0, 0, TimeSpan.Zero);

    /// <summary>When they are verified: 2026-06-01 04:00 UTC — every demo licence is in force then.</summary>
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 4, 0, 0, TimeSpan.Zero);
}
