namespace LicenceTrust.Core.Pki;

/// <summary>
/// LicenceTrust's private object identifiers, under a UUID-derived arc (ITU-T X.667, <c>2.25.&lt;uuid&gt;</c>)
/// so that no registration is needed and no collision is possible. Documented in docs/format.md.
/// </summary>
public static class LicenceTrustOids
{
    /// <summary>The arc: 2.25 + the decimal value of UUID 0f139c31-c887-471a-916d-588dbe4d1860, generated once for LicenceTrust.</summary>
    public const string Arc = "2.25.20040241577224575406069610807881963616";

    /// <summary>Extended key usage: may sign licence credentials.</summary>
    public const string LicenceSigningEku = Arc + ".1.1";

    /// <summary>Extended key usage: may sign trust lists, status lists and receipts.</summary>
    public const string ListSigningEku = Arc + ".1.2";

    /// <summary>Extension: SEQUENCE OF UTF8String — the licence type codes the issuer may sign.</summary>
    public const string AllowedLicenceTypes = Arc + ".2.1";

    /// <summary>organizationIdentifier (X.520, 2.5.4.97): carries the authority's unified social credit code.</summary>
    public const string OrganizationIdentifier = "2.5.4.97";

    /// <summary>SM3withSM2 signature algorithm (GM/T 0006).</summary>
    public const string Sm3WithSm2 = "1.2.156.10197.1.501";
}
