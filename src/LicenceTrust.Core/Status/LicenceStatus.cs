namespace LicenceTrust.Core.Status;

/// <summary>
/// A licence's status (docs/api.md, "Status lists"). VALID and SUSPENDED can change; REVOKED, CANCELLED and SUPERSEDED
/// are final. The numbers are stored in databases: never renumber.
/// </summary>
public enum LicenceStatus
{
    /// <summary>有效 — in force.</summary>
    Valid = 0,

    /// <summary>暂扣/中止 — suspended; may be reinstated.</summary>
    Suspended = 1,

    /// <summary>吊销/撤销 — revoked by the authority (a sanction). Final.</summary>
    Revoked = 2,

    /// <summary>注销 — cancelled (e.g. the business closed). Final.</summary>
    Cancelled = 3,

    /// <summary>变更换发 — replaced by a new version. Final.</summary>
    Superseded = 4,
}

/// <summary>The rules for moving between statuses.</summary>
public static class LicenceStatusRules
{
    /// <summary>
    /// Whether <paramref name="from"/> may become <paramref name="to"/>: suspend only a valid licence,
    /// reinstate only a suspended one, and end (revoke, cancel, supersede) any licence not yet ended.
    /// </summary>
    public static bool CanChange(LicenceStatus from, LicenceStatus to) => (from, to) switch
    {
        (LicenceStatus.Valid, LicenceStatus.Suspended) => true,
        (LicenceStatus.Suspended, LicenceStatus.Valid) => true,
        (LicenceStatus.Valid or LicenceStatus.Suspended, _) when to.IsFinal() => true,
        _ => false,
    };

    /// <summary>Whether no change can follow (revoked, cancelled, superseded): such a status stays true however old the data that says it.</summary>
    public static bool IsFinal(this LicenceStatus status) => status is LicenceStatus.Revoked or LicenceStatus.Cancelled or LicenceStatus.Superseded;

    /// <summary>
    /// The 2-bit value in a Token Status List: 0 VALID, 1 INVALID (revoked, cancelled, superseded),
    /// 2 SUSPENDED. Which final status it is, and why, comes from the online status API.
    /// </summary>
    public static byte ToStatusListValue(this LicenceStatus status) => status switch
    {
        LicenceStatus.Valid => 0,
        LicenceStatus.Suspended => 2,
        _ => 1,
    };

    /// <summary>
    /// The reading of a status-list entry, the inverse of <see cref="ToStatusListValue"/>: 0 VALID,
    /// 2 SUSPENDED, 1 some final status (reported as REVOKED: which one, and why, the online status API
    /// says); null for the values the list format leaves undefined (3).
    /// </summary>
    public static LicenceStatus? FromStatusListValue(byte value) => value switch
    {
        0 => LicenceStatus.Valid,
        1 => LicenceStatus.Revoked,
        2 => LicenceStatus.Suspended,
        _ => null,
    };

    /// <summary>Upper-case wire name: VALID, SUSPENDED, REVOKED, CANCELLED, SUPERSEDED.</summary>
    public static string WireName(this LicenceStatus status) => status.ToString().ToUpperInvariant();

    public static string NameZh(this LicenceStatus status) => status switch
    {
        LicenceStatus.Valid => "有效",
        LicenceStatus.Suspended => "已暂扣",
        LicenceStatus.Revoked => "已吊销",
        LicenceStatus.Cancelled => "已注销",
        _ => "已变更换发",
    };
}
