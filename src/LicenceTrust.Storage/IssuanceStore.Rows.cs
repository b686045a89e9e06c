using System.Text.Json;
using LicenceTrust.Core.Json;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;

namespace LicenceTrust.Storage;

public sealed partial class IssuanceStore
{
    private sealed class LicenceRow
    {
        public string Identifier { get; init; } = string.Empty;
        public string LicenceJson { get; init; } = string.Empty;
        public long Status { get; init; }
        public long StatusList { get; init; }
        public long StatusIndex { get; init; }
        public string QrText { get; init; } = string.Empty;
        public long IssuedAt { get; init; }
        public string IssuedBy { get; init; } = string.Empty;
        public string? Supersedes { get; init; }
        public string? SupersededBy { get; init; }

        public string? IdempotencyKey { get; init; }

        public LicenceRecord ToRecord() => new(
            (JsonSerializer.Deserialize<LicenceView>(LicenceJson, JsonViews.Options) ?? throw new InvalidDataException($"licence {Identifier}: empty JSON")).ToLicence(),
            (LicenceStatus)Status, (int)StatusList, (int)StatusIndex, QrText, DateTimeOffset.FromUnixTimeMilliseconds(IssuedAt), IssuedBy, Supersedes, SupersededBy);
    }

    private sealed class EventRow
    {
        public string Identifier { get; init; } = string.Empty;
        public long FromStatus { get; init; }
        public long ToStatus { get; init; }
        public string Reason { get; init; } = string.Empty;
        public string Actor { get; init; } = string.Empty;
        public long At { get; init; }

        public StatusEvent ToEvent() => new(Identifier, (LicenceStatus)FromStatus, (LicenceStatus)ToStatus, Reason, Actor, DateTimeOffset.FromUnixTimeMilliseconds(At));
    }

    private sealed class ApprovalRow
    {
        public long Id { get; init; }
        public long Kind { get; init; }
        public string AuthorityCode { get; init; } = string.Empty;
        public string? Subject { get; init; }
        public string? CommandJson { get; init; }
        public string? Reason { get; init; }
        public string RequestKey { get; init; } = string.Empty;
        public string RequestedBy { get; init; } = string.Empty;
        public long RequestedAt { get; init; }
        public long State { get; init; }
        public string? DecidedBy { get; init; }
        public long? DecidedAt { get; init; }
        public string? DecisionReason { get; init; }
        public string? Result { get; init; }

        public ApprovalRequest ToRequest() => new(Id, (ApprovalKind)Kind, AuthorityCode, Subject,
            CommandJson is null ? null : JsonSerializer.Deserialize<IssueCommand>(CommandJson, CommandJsonOptions), Reason, RequestKey, RequestedBy,
            DateTimeOffset.FromUnixTimeMilliseconds(RequestedAt), (ApprovalState)State, DecidedBy, DecidedAt is { } d ? DateTimeOffset.FromUnixTimeMilliseconds(d) : null, DecisionReason, Result);
    }

    private sealed class AdminRequestRow
    {
        public long Id { get; init; }
        public long Kind { get; init; }
        public string DetailsJson { get; init; } = "{}";
        public string RequestedBy { get; init; } = string.Empty;
        public long RequestedAt { get; init; }
        public long State { get; init; }
        public string? DecidedBy { get; init; }
        public long? DecidedAt { get; init; }
        public string? DecisionReason { get; init; }
        public string? Result { get; init; }

        public AdminRequest ToRequest() => new(Id, (AdminRequestKind)Kind, JsonSerializer.Deserialize<AdminRequestDetails>(DetailsJson, CommandJsonOptions)!, RequestedBy,
            DateTimeOffset.FromUnixTimeMilliseconds(RequestedAt), (ApprovalState)State, DecidedBy, DecidedAt is { } d ? DateTimeOffset.FromUnixTimeMilliseconds(d) : null, DecisionReason, Result);
    }

    private sealed class BatchJobRow
    {
        public long Id { get; init; }
        public string AuthorityCode { get; init; } = string.Empty;
        public string FileName { get; init; } = string.Empty;
        public string FileSha256 { get; init; } = string.Empty;
        public long TotalRows { get; init; }
        public long BadRows { get; init; }
        public long State { get; init; }
        public long DoneRows { get; init; }
        public long Issued { get; init; }
        public long Replayed { get; init; }
        public long Failed { get; init; }
        public string SubmittedBy { get; init; } = string.Empty;
        public long SubmittedAt { get; init; }
        public string? IssuedBy { get; init; }
        public long? ApprovalId { get; init; }
        public long? FinishedAt { get; init; }

        public BatchJob ToJob() => new(Id, AuthorityCode, FileName, FileSha256, (int)TotalRows, (int)BadRows, (BatchState)State, (int)DoneRows, (int)Issued, (int)Replayed, (int)Failed,
            SubmittedBy, DateTimeOffset.FromUnixTimeMilliseconds(SubmittedAt), IssuedBy, ApprovalId, FinishedAt is { } f ? DateTimeOffset.FromUnixTimeMilliseconds(f) : null);
    }

    /// <summary>A draft's command as stored: plain property names, the text exactly as the clerk's form gave it after the text policy.</summary>
    internal static readonly JsonSerializerOptions CommandJsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private sealed class AuditRow
    {
        public long Sequence { get; init; }
        public long EventId { get; init; }
        public string Event { get; init; } = string.Empty;
        public string Actor { get; init; } = string.Empty;
        public string Subject { get; init; } = string.Empty;
        public string Data { get; init; } = string.Empty;
        public long At { get; init; }
        public string PreviousHash { get; init; } = string.Empty;
        public string Hash { get; init; } = string.Empty;

        public AuditEntry ToEntry() => new(Sequence, (int)EventId, Event, Actor, Subject, Data, DateTimeOffset.FromUnixTimeMilliseconds(At), PreviousHash, Hash);
    }
}
