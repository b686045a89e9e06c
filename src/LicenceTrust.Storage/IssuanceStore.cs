using System.Data.Common;
using Dapper;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;
using LicenceTrust.Status;

namespace LicenceTrust.Storage;

/// <summary>
/// The issuance store on any <see cref="IDatabase"/>. All SQL for it is in its partial files (licences and status lists
/// here; audit, approvals, batches, the statements, the transaction unit and the row types beside it); the few
/// statements that differ by dialect come from the database.
/// </summary>
public sealed partial class IssuanceStore(IDatabase database) : IIssuanceStore, IStatusListStore
{
    private readonly Statements _sql = new(database);

    private const int ValuesPerList = 200;

    internal const string LicenceColumns =
        "identifier, licence_json AS LicenceJson, status, status_list AS StatusList, status_index AS StatusIndex, qr_text AS QrText, " +
        "issued_at AS IssuedAt, issued_by AS IssuedBy, supersedes, superseded_by AS SupersededBy";

    public async Task<T> InTransactionAsync<T>(Func<IIssuanceUnit, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var result = await work(new Unit(connection, transaction, _sql, database));
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    public async Task<LicenceRecord?> FindAsync(string identifier, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<LicenceRow>(new CommandDefinition(
            _sql.FindLicence, new { identifier }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<LicenceStatus?> StatusOfAsync(string identifier, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var status = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(_sql.StatusOf, new { identifier }, cancellationToken: cancellationToken));
        return status is { } value ? (LicenceStatus)value : null;
    }

    public async Task<Page<LicenceRecord>> ListAsync(LicenceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var text = string.IsNullOrWhiteSpace(query.Text) ? null : query.Text.Trim();
        var parameters = new
        {
            query.AuthorityCode,
            query.TypeCode,
            Status = (int?)query.Status,
            Text = text,
            NameLike = text is null ? null : ContainsPattern(text),
            IssuedFrom = query.IssuedFrom?.ToUnixTimeMilliseconds(),
            IssuedBefore = query.IssuedBefore?.ToUnixTimeMilliseconds(),
            Limit = query.PageSize,
            Offset = (long)(query.PageNumber - 1) * query.PageSize,
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.CountLicences, parameters, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<LicenceRow>(new CommandDefinition(
            _sql.ListLicences[query.Sort], parameters, cancellationToken: cancellationToken));
        return new Page<LicenceRecord>([.. rows.Select(r => r.ToRecord())], query.PageNumber, query.PageSize, total);
    }

    /// <summary>A LIKE pattern (with <c>ESCAPE '\'</c>) for text containing what was typed: its wildcards match only themselves.</summary>
    private static string ContainsPattern(string typed) =>
        "%" + typed.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    public async Task<IReadOnlyList<StatusEvent>> HistoryAsync(string identifier, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(
            _sql.History,
            new { identifier }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToEvent())];
    }

    public async Task<StatusListInfo?> StatusListAsync(int list, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(long Id, long Size, long Version, long UpdatedAt)?>(new CommandDefinition(
            _sql.StatusList, new { list }, cancellationToken: cancellationToken));
        return row is { } r ? new StatusListInfo((int)r.Id, (int)r.Size, r.Version, DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAt)) : null;
    }

    public async Task<IReadOnlyList<StatusListInfo>> StatusListsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, long Size, long Version, long UpdatedAt)>(new CommandDefinition(
            _sql.StatusLists, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new StatusListInfo((int)r.Id, (int)r.Size, r.Version, DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAt)))];
    }

    /// <summary>Any ADO.NET error of the engine: the connection, the server or the file is not there.</summary>
    public bool IsUnavailable(Exception exception) => exception is DbException;

    public async Task<StatusChangeDetail?> LastChangeAsync(string identifier, CancellationToken cancellationToken)
    {
        var history = await HistoryAsync(identifier, cancellationToken);
        return history.Count == 0 ? null : new StatusChangeDetail(history[^1].At, history[^1].Reason);
    }

    public async Task<IReadOnlyList<StatusSlot>> StatusListEntriesAsync(int list, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Index, long Status, string? Identifier)>(new CommandDefinition(
            _sql.StatusListEntries, new { list }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new StatusSlot((int)r.Index, (LicenceStatus)r.Status, r.Identifier))];
    }

    public async Task<IReadOnlyList<StatusDetail>> StatusListDetailsAsync(int list, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Index, string Identifier, long Status, long At, string Reason)>(new CommandDefinition(
            _sql.StatusListDetails, new { list }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new StatusDetail((int)r.Index, r.Identifier, (LicenceStatus)r.Status, DateTimeOffset.FromUnixTimeMilliseconds(r.At), r.Reason))];
    }

    public async Task<LicenceCounts> CountAsync(string? authorityCode, DateTimeOffset issuedSince, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var byStatus = await connection.QueryAsync<(long Status, long Count)>(new CommandDefinition(_sql.CountByStatus, new { AuthorityCode = authorityCode }, cancellationToken: cancellationToken));
        var byType = await connection.QueryAsync<(string TypeCode, long Count)>(new CommandDefinition(_sql.CountByType, new { AuthorityCode = authorityCode }, cancellationToken: cancellationToken));
        var since = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.CountIssuedSince,
            new { AuthorityCode = authorityCode, Since = issuedSince.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return new LicenceCounts(byStatus.ToDictionary(r => (LicenceStatus)r.Status, r => r.Count), byType.ToDictionary(r => r.TypeCode, r => r.Count), since);
    }

    public async Task<IReadOnlyList<StatusEvent>> RecentStatusEventsAsync(string? authorityCode, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(_sql.RecentStatusEvents,
            new { AuthorityCode = authorityCode, Limit = limit, Offset = 0 }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToEvent())];
    }
}
