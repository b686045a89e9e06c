using System.Text.Json;
using LicenceTrust.Core.Pki;

namespace LicenceTrust.Core.Trust;

/// <summary>
/// What a node exports for offline verification (<c>GET /api/v1/trust-bundle</c>): the provincial roots it
/// trusts and the signed trust lists it holds (its own and its peers'). Nothing in it needs to be taken
/// on faith except the roots, which a verifier should pin.
/// </summary>
/// <param name="Node">The exporting node.</param>
/// <param name="ExportedAt">When it was exported.</param>
/// <param name="Roots">Root certificates, base64 DER.</param>
/// <param name="TrustLists">Signed trust lists, base64.</param>
public sealed record TrustBundle(string Node, DateTimeOffset ExportedAt, IReadOnlyList<string> Roots, IReadOnlyList<string> TrustLists)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <exception cref="FormatException">Not a trust bundle.</exception>
    public static TrustBundle FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<TrustBundle>(json, Json) is { Roots: not null, TrustLists: not null } bundle
                ? bundle
                : throw new FormatException("not a LicenceTrust trust bundle (roots and trustLists are required)");
        }
        catch (JsonException e)
        {
            throw new FormatException("not a LicenceTrust trust bundle: " + e.Message, e);
        }
    }

    /// <summary>
    /// Builds the trust store the bundle vouches for: each root (which must match one of
    /// <paramref name="pins"/> when pins are given), and the issuers of each trust list that verifies
    /// under the root of its province. Lists that do not verify are skipped and named in <paramref name="problems"/>.
    /// </summary>
    /// <exception cref="FormatException">A root is malformed or matches no pin.</exception>
    public TrustStore Open(IReadOnlyCollection<string>? pins, out IReadOnlyList<string> problems)
    {
        var roots = new List<TrustAnchor>();
        foreach (var der in Roots.Select(Convert.FromBase64String))
        {
            var root = TrustAnchor.Create(der);
            if (pins is { Count: > 0 } && !pins.Contains(root.Fingerprint, StringComparer.OrdinalIgnoreCase))
            {
                throw new FormatException($"the bundle's {root.Province.NodeId} root {root.Fingerprint} matches no pinned fingerprint");
            }

            roots.Add(root);
        }

        var found = new List<string>();
        var issuers = new List<IssuerCertificate>();
        foreach (var token in TrustLists.Select(Convert.FromBase64String))
        {
            TrustList? list = null;
            var error = "no root of its province is in the bundle";
            foreach (var root in roots)
            {
                if ((list = TrustListToken.TryRead(token, root, out error)) is not null)
                {
                    break;
                }
            }

            if (list is null)
            {
                found.Add("a trust list was skipped: " + error);
                continue;
            }

            issuers.AddRange(list.Issuers);
        }

        problems = found;
        return TrustStore.Create(roots, issuers);
    }
}
