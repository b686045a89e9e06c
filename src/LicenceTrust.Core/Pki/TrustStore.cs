using System.Collections.Frozen;
using LicenceTrust.Core.Crypto;

namespace LicenceTrust.Core.Pki;

/// <summary>A certificate the store refused, and why.</summary>
public sealed record RejectedCertificate(string Subject, string Fingerprint, string Reason);

/// <summary>
/// An immutable set of pinned roots and the issuer certificates that chain to them. Chains are checked
/// once, when the store is built; lookups are O(1) by kid. Build a new store to change trust.
/// </summary>
public sealed class TrustStore : IIssuerDirectory
{
    private readonly FrozenDictionary<KeyId, TrustedIssuer[]> _byKid;

    private TrustStore(IReadOnlyList<TrustAnchor> roots, IReadOnlyList<TrustedIssuer> issuers, IReadOnlyList<RejectedCertificate> rejected)
    {
        Roots = roots;
        Issuers = issuers;
        Rejected = rejected;
        _byKid = issuers.GroupBy(i => i.Certificate.Kid).ToFrozenDictionary(g => g.Key, g => g.ToArray());
    }

    public IReadOnlyList<TrustAnchor> Roots { get; }

    public IReadOnlyList<TrustedIssuer> Issuers { get; }

    /// <summary>Issuer certificates that were offered but do not chain to any root.</summary>
    public IReadOnlyList<RejectedCertificate> Rejected { get; }

    public static TrustStore Create(IEnumerable<TrustAnchor> roots, IEnumerable<IssuerCertificate> issuers)
    {
        var rootList = roots.ToList();
        var trusted = new List<TrustedIssuer>();
        var rejected = new List<RejectedCertificate>();
        foreach (var issuer in issuers)
        {
            // Judge the certificate against the root it names, so the reason given is the relevant one.
            var named = rootList.Where(r => r.Certificate.SubjectDN.Equivalent(issuer.Certificate.IssuerDN)).ToList();
            TrustAnchor? root = null;
            var detail = "it names no configured root";
            foreach (var candidate in named)
            {
                if (PkiRules.CheckIssuedBy(issuer, candidate, out detail) == Results.ReasonCode.None)
                {
                    root = candidate;
                    break;
                }
            }

            if (root is null)
            {
                rejected.Add(new RejectedCertificate(issuer.Subject, issuer.Fingerprint, detail));
            }
            else
            {
                trusted.Add(new TrustedIssuer(issuer, root));
            }
        }

        return new TrustStore(rootList, trusted, rejected);
    }

    public IReadOnlyList<TrustedIssuer> FindByKid(KeyId kid) => _byKid.TryGetValue(kid, out var found) ? found : [];
}
