namespace LicenceTrust.Core.Results;

/// <summary>
/// The answer a verifier gives. The default value is <see cref="Unreadable"/>, never <see cref="Valid"/>,
/// so an uninitialised result can never be read as a green light.
/// </summary>
public enum Verdict
{
    /// <summary>Grey: not a LicenceTrust credential, or not decodable.</summary>
    Unreadable = 0,

    /// <summary>Red: genuine data is wrong, or the licence is not in force.</summary>
    Invalid = 1,

    /// <summary>Amber: could not be confirmed (stale status, unreachable peer, clock skew).</summary>
    Check = 2,

    /// <summary>Green: genuine and in force.</summary>
    Valid = 3,
}
