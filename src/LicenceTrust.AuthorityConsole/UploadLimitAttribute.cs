using Microsoft.AspNetCore.Http.Metadata;

namespace LicenceTrust.AuthorityConsole;

/// <summary>
/// Raises the node's small request body limit for the one page that takes a file (the batch upload),
/// to just above <see cref="Issuance.BatchOptions.MaxBytes"/>; every other page keeps the node's limit.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class UploadLimitAttribute : Attribute, IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize => new Issuance.BatchOptions().MaxBytes + (64 * 1024);
}
