using Dapper;
using LicenceTrust.Issuance;

namespace LicenceTrust.Storage;

public sealed partial class IssuanceStore
{
    public async Task<IReadOnlyList<AuditEntry>> AuditLogAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(
            _sql.AuditLog,
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToEntry())];
    }

    public async Task<IReadOnlyList<AuditEntry>> AuditOfAsync(string subject, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(_sql.AuditOf, new { subject }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToEntry())];
    }

    public async Task<IReadOnlyList<AuditEntry>> AuditEntriesAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var found = new List<AuditEntry>(sequences.Count);
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var part in sequences.Chunk(ValuesPerList))
        {
            found.AddRange((await connection.QueryAsync<AuditRow>(new CommandDefinition(_sql.AuditEntries, new { sequences = part }, cancellationToken: cancellationToken))).Select(r => r.ToEntry()));
        }

        return found;
    }

    public async Task<Page<AuditEntry>> SearchAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var events = query.EventIds is { Count: > 0 } ids ? ids.ToArray() : [0];
        var actor = string.IsNullOrWhiteSpace(query.Actor) ? null : query.Actor.Trim();
        var parameters = new
        {
            From = query.From?.ToUnixTimeMilliseconds(),
            Before = query.Before?.ToUnixTimeMilliseconds(),
            Actor = actor,
            ActorLike = actor is null ? null : ContainsPattern(actor),
            AnyEvent = query.EventIds is { Count: > 0 } ? 0 : 1,
            EventIds = events,
            Subject = string.IsNullOrWhiteSpace(query.Subject) ? null : query.Subject.Trim(),
            Limit = query.PageSize,
            Offset = (long)(query.PageNumber - 1) * query.PageSize,
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.CountAudit, parameters, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(_sql.SearchAudit, parameters, cancellationToken: cancellationToken));
        return new Page<AuditEntry>([.. rows.Select(r => r.ToEntry())], query.PageNumber, query.PageSize, total);
    }
}
