using LicenceTrust.Core.Results;
using LicenceTrust.Core.Status;

namespace LicenceTrust.Issuance;

/// <summary>One row of a batch: its line in the input file and the request.</summary>
public sealed record BatchRow(int Line, IssueCommand Command);

/// <summary>What became of a batch row: the record (issued now or replayed), or the error.</summary>
public sealed record BatchRowResult(int Line, LicenceRecord? Record, LicenceTrustError? Error, bool Replayed);

/// <summary>A status change an authority asks for.</summary>
public enum StatusAction
{
    Suspend,
    Reinstate,
    Revoke,
    Cancel,
}

/// <summary>The outcome of an issue request: the record, and whether it was issued now or replayed.</summary>
public sealed record IssueOutcome(LicenceRecord Record, bool Replayed);

/// <summary>A licence's status at a point in time, with the event that set it.</summary>
public sealed record StatusAt(LicenceStatus Status, DateTimeOffset Since, StatusEvent? SetBy);
