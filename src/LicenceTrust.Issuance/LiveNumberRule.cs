using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Core.Text;

namespace LicenceTrust.Issuance;

/// <summary>
/// One live licence per number: among an authority's licences that are in force or suspended, a type and
/// number appear once. Every path that signs (the API, an approved console draft, a batch from the console
/// or the CLI, a new version) asks here inside its write transaction, where writers are serialised, so two
/// requests cannot both pass. A licence that is revoked, cancelled or superseded frees its number; a
/// reissue with the same number is a new version (变更换发), which supersedes the old one in the same step.
/// </summary>
internal static class LiveNumberRule
{
    public const string Code = "LICENCE_NUMBER_LIVE";

    /// <summary>409 LICENCE_NUMBER_LIVE, naming the live licence.</summary>
    public static LicenceTrustException Refusal(LicenceType type, string number, string identifier) =>
        new(new LicenceTrustError(ErrorKind.Conflict, Code,
            $"证照编号{TextPolicy.Quote(number, 40)}已有一张在用的{type.NameZh}（{identifier}）；如需换发，请在该证照上办理变更换发 " +
            $"(a {type.NameEn} with this number is in force or suspended: {identifier}; reissue it as a new version of that licence).", "number"));

    /// <summary>Refuses when a live licence of the authority has this type and number (other than <paramref name="except"/>, the one a new version replaces).</summary>
    /// <exception cref="LicenceTrustException">LICENCE_NUMBER_LIVE.</exception>
    public static async Task EnsureFreeAsync(IIssuanceUnit unit, string authorityCode, LicenceType type, string number, string? except = null)
    {
        var live = await unit.FindLiveNumbersAsync(authorityCode, [number.Trim()]);
        if (live.FirstOrDefault(l => l.TypeCode == type.Code.Value && l.Identifier != except) is { } found)
        {
            throw Refusal(type, number, found.Identifier);
        }
    }

    /// <summary>The live licences among <paramref name="rows"/> (type, number), by row: one query for the lot.</summary>
    public static async Task<IReadOnlyDictionary<(string Type, string Number), string>> LiveAsync(IIssuanceUnit unit, string authorityCode, IEnumerable<(string Type, string Number)> rows)
    {
        var wanted = rows.Select(r => (r.Type, Number: r.Number.Trim())).ToList();
        if (wanted.Count == 0)
        {
            return new Dictionary<(string, string), string>();
        }

        var live = await unit.FindLiveNumbersAsync(authorityCode, [.. wanted.Select(w => w.Number)]);
        return live.GroupBy(l => (l.TypeCode, l.Number)).ToDictionary(g => g.Key, g => g.First().Identifier);
    }
}
