namespace LicenceTrust.Core.Results;

/// <summary>
/// Stable reason codes. The names are the contract (they appear in the API, the vectors and the page);
/// the numbers are stable too and grouped by range: 1xx reading, 2xx trust and signature, 3xx
/// licence validity, 4xx status, 5xx federation, 6xx warnings (beside the verdict, never changing it). Retired codes stay reserved: never reuse a number.
/// </summary>
public enum ReasonCode
{
    /// <summary>Never a real reason; a result carrying it was not initialised.</summary>
    None = 0,

    // 1xx — reading the QR text (verdict UNREADABLE)
    Empty = 100,
    TooLong = 101,
    PrefixMissing = 102,
    Base45Invalid = 103,
    DecompressionFailed = 104,
    DecompressedTooLarge = 105,
    CoseMalformed = 106,
    CborTooDeep = 107,
    UnknownCriticalHeader = 108,
    AlgorithmMissing = 109,
    AlgorithmNotAllowed = 110,
    AlgorithmUnprotected = 111,
    KidMissing = 112,
    ClaimsMalformed = 113,
    LicenceClaimMalformed = 114,
    StatusClaimMalformed = 115,

    // 2xx — trust and signature (verdict INVALID)
    UnknownIssuer = 200,
    AlgorithmKeyMismatch = 201,
    SignatureInvalid = 202,
    IssuerChainInvalid = 203,
    IssuerCertificateNotYetValid = 204,
    IssuerCertificateExpired = 205,
    IssuerNotAllowedForType = 206,
    IssuerMismatch = 207,
    RootExpired = 208,
    IssuerWithdrawn = 209,

    // 3xx — licence validity (verdict INVALID, or CHECK for clock skew)
    NotYetValid = 300,
    Expired = 301,
    IssuedInFuture = 302,
    ClockSkew = 303,

    // 4xx — status (INVALID for a final status, CHECK for doubt)
    Revoked = 400,
    Suspended = 401,
    Cancelled = 402,
    Superseded = 403,
    StatusUnknown = 404,

    // 5xx — federation (verdict CHECK or INVALID)
    StatusStale = 500,
    PeerUnreachable = 501,
    TypeNotRecognised = 502,
    TrustListStale = 503,
    IssuerUnconfirmed = 504,

    // 6xx — warnings: shown beside the verdict, never change it
    TextSuspicious = 600,
}
