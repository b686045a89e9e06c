using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Status;

namespace LicenceTrust.Issuance;

/// <summary>How this node issues.</summary>
public sealed record IssuanceOptions
{
    /// <summary>The node's province: licences must have an area code in it.</summary>
    public required Province Province { get; init; }

    /// <summary>The licence types this node issues: each request is checked against its type's entry.</summary>
    public required LicenceTypeCatalogue LicenceTypes { get; init; }

    /// <summary>Absolute base of the status-list URIs put in credentials; the list number is appended.</summary>
    public required string StatusListBaseUri { get; init; }

    /// <summary>The format new credentials are written in: LT2, or LT1 during a transition (<c>Issuance:CredentialFormat</c>).</summary>
    public CredentialEncoding CredentialEncoding { get; init; } = CredentialEncoding.Lt2;

    /// <summary>Entries per status list; at least 131,072 (herd privacy).</summary>
    public int StatusListSize { get; init; } = StatusBits.MinimumSize;
}
