namespace LicenceTrust.Core.Results;

/// <summary>Tunable rules for the time checks.</summary>
public sealed record VerificationPolicy
{
    /// <summary>
    /// How far the verifier's clock may be off. Within this distance of a validity boundary the answer
    /// is CHECK / CLOCK_SKEW rather than a firm VALID or INVALID. Default 5 minutes; 0 to 1 hour.
    /// </summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(5);

    public static VerificationPolicy Default { get; } = new();
}
