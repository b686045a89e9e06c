using LicenceTrust.Core.Results;

namespace LicenceTrust.Core.Codec;

/// <summary>Outcome of reading QR text: a credential, or the reason it could not be read.</summary>
public sealed class ReadResult
{
    private ReadResult(DecodedCredential? credential, ReasonCode reason, string detail)
    {
        Credential = credential;
        Reason = reason;
        Detail = detail;
    }

    /// <summary>The credential; null on failure.</summary>
    public DecodedCredential? Credential { get; }

    /// <summary><see cref="ReasonCode.None"/> on success, otherwise the specific failure.</summary>
    public ReasonCode Reason { get; }

    /// <summary>A technical detail for logs and developers (no personal data).</summary>
    public string Detail { get; }

    public bool IsSuccess => Credential is not null;

    internal static ReadResult Ok(DecodedCredential credential) => new(credential, ReasonCode.None, string.Empty);

    internal static ReadResult Fail(ReasonCode reason, string detail) => new(null, reason, detail);

    public override string ToString() => IsSuccess ? "OK" : $"{ReasonCatalogue.WireName(Reason)}: {Detail}";
}
