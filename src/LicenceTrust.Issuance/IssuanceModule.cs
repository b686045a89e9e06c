using LicenceTrust.Core.Codec;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LicenceTrust.Issuance;

/// <summary>Where this node issues, as its host knows it: the province, the catalogue, the status lists' public base.</summary>
/// <param name="Province">The node's province.</param>
/// <param name="LicenceTypes">The node's licence-type catalogue.</param>
/// <param name="StatusListBaseUri">The absolute base of status-list URIs (the list number is appended).</param>
/// <param name="StatusListSize">Entries per status list (at least 131,072).</param>
public sealed record IssuanceSite(Province Province, LicenceTypeCatalogue LicenceTypes, string StatusListBaseUri, int StatusListSize = Core.Status.StatusBits.MinimumSize)
{
    /// <summary>The status-list base of a node reached at <paramref name="publicBase"/> (docs/federation.md §1).</summary>
    public static string StatusListBaseOf(string publicBase) => publicBase.TrimEnd('/') + "/api/v1/status-lists/";

    /// <summary>A province's default local URL, where a node listens unless told otherwise (port 5000 + the province code).</summary>
    public static string DefaultUrl(Province province) => $"http://127.0.0.1:{5000 + province.Code}";
}

/// <summary>
/// The Issuance module composes itself: its services, and its settings under <c>Issuance</c> read and
/// checked in one place (<c>CredentialFormat</c>, <c>Authorities</c>, <c>Batch</c>). The node and the CLI
/// compose with this same call; each registers first what only it knows (the stores, the issuer keys, the
/// <see cref="IssuanceSite"/>, and the node its status sink and sign-in limits).
/// </summary>
public static class IssuanceModule
{
    /// <summary>The settings section.</summary>
    public const string Section = "Issuance";

    public static IServiceCollection AddIssuance(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var site = sp.GetRequiredService<IssuanceSite>();
            return new IssuanceOptions
            {
                Province = site.Province,
                LicenceTypes = site.LicenceTypes,
                StatusListBaseUri = site.StatusListBaseUri,
                StatusListSize = site.StatusListSize,
                CredentialEncoding = EncodingFrom(section["CredentialFormat"]),
            };
        });
        services.TryAddSingleton(_ => ApprovalPolicyFrom(section.GetSection("Authorities")));
        services.TryAddSingleton(_ => BatchOptionsFrom(section.GetSection("Batch")));
        services.TryAddSingleton(sp => new SignInThrottle(sp.GetRequiredService<TimeProvider>(), new SignInThrottleOptions()));
        services.TryAddSingleton<IssuanceService>();
        services.TryAddSingleton<RestoreRecovery>();
        services.TryAddSingleton<ApiKeyService>();
        services.TryAddSingleton<StaffAccounts>();
        services.TryAddSingleton<OfficerAccounts>();
        services.TryAddSingleton<AdminRequests>();
        services.TryAddSingleton<OfficerWorkflow>();
        services.TryAddSingleton<BatchJobs>();
        services.TryAddSingleton<DirectBatch>();
        return services;
    }

    /// <summary>
    /// <c>Issuance:CredentialFormat</c>: LT2 (the default) or LT1, for a transition while some reader still
    /// knows only LT1 (docs/format.md §12.5); anything else stops the node.
    /// </summary>
    /// <exception cref="InvalidDataException">Another value.</exception>
    public static CredentialEncoding EncodingFrom(string? value) =>
        CredentialFormat.TryParseEncoding(value, out var encoding) ? encoding
            : throw new InvalidDataException($"Issuance:CredentialFormat is '{value}': use LT2 (the default) or LT1.");

    /// <summary><c>Issuance:Authorities:&lt;code&gt;:IssueApproval</c> and <c>…:RevocationApproval</c>: required (the default) or none.</summary>
    /// <exception cref="InvalidDataException">Another word, naming its setting.</exception>
    public static ApprovalPolicy ApprovalPolicyFrom(IConfigurationSection authorities)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        return ApprovalPolicy.FromSettings(authorities.GetChildren().Select(a => (a.Key, a["IssueApproval"], a["RevocationApproval"])));
    }

    /// <summary><c>Issuance:Batch:ChunkSize</c> (1–5000 rows a transaction) and <c>…:PauseMilliseconds</c> (0–60000 between chunks).</summary>
    /// <exception cref="InvalidDataException">A value out of range, naming it.</exception>
    public static BatchOptions BatchOptionsFrom(IConfigurationSection batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var defaults = new BatchOptions();
        var chunk = batch.GetValue("ChunkSize", defaults.ChunkSize);
        var pause = batch.GetValue("PauseMilliseconds", 0);
        if (chunk is < 1 or > BatchOptions.MaxChunkSize || pause is < 0 or > 60_000)
        {
            throw new InvalidDataException($"Issuance:Batch: ChunkSize must be 1-{BatchOptions.MaxChunkSize} (is {chunk}) and PauseMilliseconds 0-60000 (is {pause}).");
        }

        return defaults with { ChunkSize = chunk, Pause = TimeSpan.FromMilliseconds(pause) };
    }
}
