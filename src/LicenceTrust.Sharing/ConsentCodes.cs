using System.Security.Cryptography;
using System.Text;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;

namespace LicenceTrust.Sharing;

/// <summary>A consent code made for a holder: the code to read to the clerk (shown once, stored only hashed) and until when it works.</summary>
public sealed record ConsentCode(string Code, string HolderMasked, IReadOnlyList<string> Types, string Province, DateTimeOffset ExpiresAt);

/// <summary>
/// The holder's consent (授权码, docs/federation.md §9.2): the home province's own app (渝快办, 天府通办), which has
/// identified the holder, asks for a one-time code for one holder, a set of licence types and one requesting province,
/// valid for at most 10 minutes. The home node keeps only its hash and uses it once when a request names it.
/// </summary>
public sealed class ConsentCodes(ISharingStore store, ISharingAudit audit, Province own, LicenceTypeCatalogue types, TimeProvider time)
{
    /// <summary>The longest a code works.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Digits in a code: read aloud at a counter, and bound to one holder, province and types besides.</summary>
    public const int Digits = 8;

    /// <exception cref="LicenceTrustException">The holder is not of this province, a type or the province is unknown, or the lifetime is out of range.</exception>
    public async Task<ConsentCode> CreateAsync(string? holderCode, IReadOnlyList<string>? typeCodes, string? province, int? minutes, string app, CancellationToken cancellationToken)
    {
        var holder = HolderHome.Of(holderCode);
        if (holder.Province != own)
        {
            throw LicenceTrustException.Validation("HOLDER_NOT_OF_THIS_PROVINCE", $"持证主体不属于{own.NameZh}，应由其所属省份授权 (the holder's licences are held by {holder.Province.NodeId}, not here).", "holderCode");
        }

        // The holder's own province's windows fetch by the same rules, so a code may be for them too.
        if (!Province.TryFromNodeId(province, out var requester))
        {
            throw LicenceTrustException.Validation("PROVINCE_INVALID", "province应为省份的节点代码，如sc (province is a province's node id, e.g. sc).", "province");
        }

        if (typeCodes is not { Count: > 0 and <= Core.Trust.EvidenceRequest.MaxTypes } || typeCodes.Any(t => !LicenceTypeCode.TryParse(t, out var code, out _) || !types.TryGet(code, out _)))
        {
            throw LicenceTrustException.Validation("LICENCE_TYPE_UNKNOWN", $"types应列出1-{Core.Trust.EvidenceRequest.MaxTypes}个证照类型代码 (types lists 1 to {Core.Trust.EvidenceRequest.MaxTypes} codes of the licence-type catalogue).", "types");
        }

        var lifetime = TimeSpan.FromMinutes(minutes ?? MaxLifetime.TotalMinutes);
        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime)
        {
            throw LicenceTrustException.Validation("CONSENT_LIFETIME_INVALID", "授权码有效期应为1-10分钟 (minutes is 1 to 10).", "minutes");
        }

        var code = RandomNumberGenerator.GetInt32(0, 100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        var now = time.GetUtcNow();
        var distinct = typeCodes.Distinct(StringComparer.Ordinal).ToList();
        await store.AddConsentAsync(new ConsentGrant(HashOf(code), holder.Code, distinct, requester.NodeId, now, now + lifetime), cancellationToken);
        await audit.RecordAsync(SharingEvent.ConsentGranted, app, holder.Masked, $"province={requester.NodeId} types={string.Join(',', distinct)} until={(now + lifetime):O}", now, cancellationToken);
        return new ConsentCode(code, holder.Masked, distinct, requester.NodeId, now + lifetime);
    }

    /// <summary>Uses a code named by a request, once.</summary>
    /// <exception cref="LicenceTrustException"><c>CONSENT_INVALID</c>, <c>CONSENT_EXPIRED</c> or <c>CONSENT_USED</c>.</exception>
    public async Task UseAsync(string code, string holderCode, Province requester, IReadOnlyCollection<string> typeCodes, CancellationToken cancellationToken)
    {
        switch (await store.UseConsentAsync(HashOf(code), holderCode, requester.NodeId, typeCodes, time.GetUtcNow(), cancellationToken))
        {
            case ConsentUse.Used:
                return;
            case ConsentUse.Expired:
                throw LicenceTrustException.Forbidden("CONSENT_EXPIRED", "授权码已过期，请持证人重新授权 (the consent code has expired: ask the holder for a new one).");
            case ConsentUse.AlreadyUsed:
                throw LicenceTrustException.Forbidden("CONSENT_USED", "授权码已使用过，每个授权码只能使用一次 (the consent code was used before: each works once).");
            default:
                throw LicenceTrustException.Forbidden("CONSENT_INVALID", "授权码与持证人、调取省份或证照类型不符 (no consent code of this holder for this province and these types).");
        }
    }

    private static string HashOf(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
