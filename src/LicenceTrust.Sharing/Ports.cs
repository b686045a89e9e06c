namespace LicenceTrust.Sharing;

/// <summary>One of this node's licences as a window may receive it: its own signed credential, which the requester verifies as a scan.</summary>
public sealed record HeldLicence(string Identifier, string TypeCode, string QrText);

/// <summary>A consent code as stored: only its hash, never the code.</summary>
/// <param name="CodeHash">SHA-256 of the code, hex.</param>
/// <param name="HolderCode">The holder who gave it.</param>
/// <param name="Types">The licence types it covers.</param>
/// <param name="Province">The province whose windows may use it (node id).</param>
public sealed record ConsentGrant(string CodeHash, string HolderCode, IReadOnlyList<string> Types, string Province, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>What using a consent code found.</summary>
public enum ConsentUse
{
    /// <summary>Used now: it will not work again.</summary>
    Used,

    /// <summary>No such code for this holder, province and types.</summary>
    Unknown,

    /// <summary>Past its time.</summary>
    Expired,

    /// <summary>Used before.</summary>
    AlreadyUsed,
}

/// <summary>Which side of an exchange a node's record is.</summary>
public enum ExchangeSide
{
    /// <summary>This node is the holder's home and answered.</summary>
    Provided = 1,

    /// <summary>This node's window asked another province.</summary>
    Requested = 2,
}

/// <summary>An evidence exchange as a node records it (no licence content: identifiers only).</summary>
/// <param name="RequestId">The request's random id: a second record of one id on one side is a replay.</param>
/// <param name="Province">The other province (node id).</param>
/// <param name="Officer">The clerk, masked.</param>
/// <param name="Outcome"><c>FETCHED</c>, or the problem code it was refused with.</param>
/// <param name="Licences">The identifiers of the licences sent or received.</param>
public sealed record Exchange(string RequestId, ExchangeSide Side, string HolderCode, string Province, string Officer, string CaseNumber, string Matter, string Purpose,
    IReadOnlyList<string> Types, DateTimeOffset At, string Outcome = Exchange.Pending, IReadOnlyList<string>? Licences = null)
{
    public const string Pending = "PENDING";
    public const string Fetched = "FETCHED";
}

/// <summary>Sharing's storage: the holder's licences, consent codes, and the exchanges both sides record.</summary>
public interface ISharingStore
{
    /// <summary>The holder's current licences (not superseded) of those types, whatever their status: the requester's verification says it.</summary>
    Task<IReadOnlyList<HeldLicence>> LicencesOfHolderAsync(string holderCode, IReadOnlyCollection<string> types, CancellationToken cancellationToken);

    Task AddConsentAsync(ConsentGrant grant, CancellationToken cancellationToken);

    /// <summary>Uses the code once, atomically across replicas: only a grant of that holder and province covering every type.</summary>
    Task<ConsentUse> UseConsentAsync(string codeHash, string holderCode, string province, IReadOnlyCollection<string> types, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Records an exchange as it starts; false when one of that id and side is recorded already (a replay).</summary>
    Task<bool> BeginExchangeAsync(Exchange exchange, CancellationToken cancellationToken);

    /// <summary>Records how the exchange ended.</summary>
    Task FinishExchangeAsync(string requestId, ExchangeSide side, string outcome, IReadOnlyList<string> licences, CancellationToken cancellationToken);

    /// <summary>The holder's usage log (用证记录): the exchanges that sent their licences, newest first.</summary>
    Task<IReadOnlyList<Exchange>> UsageAsync(string holderCode, int limit, CancellationToken cancellationToken);
}

/// <summary>Sharing's events in the node's hash-chained audit.</summary>
public enum SharingEvent
{
    ConsentGranted,
    EvidenceProvided,
    EvidenceRefused,
    EvidenceRequested,
}

/// <summary>Writes sharing events to the node's audit (the host chains them): never a licence's content, a citizen ID only masked.</summary>
public interface ISharingAudit
{
    Task RecordAsync(SharingEvent sharingEvent, string actor, string subject, string data, DateTimeOffset at, CancellationToken cancellationToken);
}
