namespace LicenceTrust.Core.Results;

/// <summary>What kind of failure an error is; the HTTP edge maps each kind to one status code.</summary>
public enum ErrorKind
{
    /// <summary>The request breaks a rule (400).</summary>
    Validation,

    /// <summary>The caller is not who they say (401).</summary>
    Unauthenticated,

    /// <summary>The caller may not do this (403).</summary>
    Forbidden,

    /// <summary>The thing does not exist, or the caller may not know it exists (404).</summary>
    NotFound,

    /// <summary>The request conflicts with the current state (409).</summary>
    Conflict,

    /// <summary>A dependency (database, key store) is unavailable (503).</summary>
    Unavailable,

    /// <summary>The content is of a type the operation does not take (415).</summary>
    UnsupportedMediaType,

    /// <summary>The content is larger than the operation takes (413).</summary>
    TooLarge,

    /// <summary>The node's storage is full: nothing can be written until an operator makes room (507).</summary>
    StorageFull,

    /// <summary>Too many attempts: wait and retry (429).</summary>
    TooManyRequests,
}

/// <summary>
/// The one error vocabulary inside LicenceTrust. <see cref="Code"/> is stable (upper snake case) and
/// documented in docs/api.md; <see cref="Detail"/> is for people and never holds personal data.
/// </summary>
/// <param name="Kind">What kind of failure.</param>
/// <param name="Code">Stable error code, e.g. <c>STATUS_CHANGE_NOT_ALLOWED</c>.</param>
/// <param name="Detail">What went wrong, in words a caller can act on.</param>
/// <param name="Field">The request field at fault, as a JSON path (e.g. <c>holder.code</c>), if any.</param>
/// <param name="CodePoint">The refused character, as <c>U+202E</c>, when a text broke the text policy.</param>
/// <param name="RetryAfterSeconds">For <see cref="ErrorKind.TooManyRequests"/>: how long to wait (the HTTP edge sends it as Retry-After).</param>
public sealed record LicenceTrustError(ErrorKind Kind, string Code, string Detail, string? Field = null, string? CodePoint = null, int? RetryAfterSeconds = null);

/// <summary>Carries a <see cref="LicenceTrustError"/> out of a module; the server turns it into problem details.</summary>
public sealed class LicenceTrustException(LicenceTrustError error) : Exception(error.Detail)
{
    public LicenceTrustError Error { get; } = error;

    public static LicenceTrustException Validation(string code, string detail, string? field = null) => new(new(ErrorKind.Validation, code, detail, field));

    public static LicenceTrustException Forbidden(string code, string detail) => new(new(ErrorKind.Forbidden, code, detail));

    public static LicenceTrustException NotFound(string code, string detail) => new(new(ErrorKind.NotFound, code, detail));

    public static LicenceTrustException Conflict(string code, string detail) => new(new(ErrorKind.Conflict, code, detail));
}
