using Dapper;

namespace LicenceTrust.Storage;

/// <summary>What <see cref="DatabaseConsistency.CheckAsync"/> found; <see cref="Problems"/> is empty when all holds.</summary>
public sealed record ConsistencyReport(long Licences, long StatusLists, long StatusEvents, IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;
}

/// <summary>
/// The rules that tie a node's tables together, checked after a restore (and on demand with
/// <c>licencetrust db check</c>): each licence's status is the outcome of its last status event, its
/// status-list slot lies inside a list that exists, each list's count of used slots is the number of
/// licences in it, and no type and number is live twice at an authority. The published status lists are built from the licences' statuses, so when these hold
/// the lists match their entries. (The audit chain is checked by Issuance's AuditChain.)
/// </summary>
public static class DatabaseConsistency
{
    private const int MaxListed = 20;

    public static async Task<ConsistencyReport> CheckAsync(IDatabase database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken);
        var problems = new List<string>();

        // Standard SQL only (no LIMIT/TOP), so that every engine runs the same statements.
        var wrongStatus = (await connection.QueryAsync<(string Identifier, long Status, long? Last)>(new CommandDefinition(
            "SELECT l.identifier, l.status, e.to_status FROM licences l LEFT JOIN status_events e " +
            "ON e.id = (SELECT MAX(e2.id) FROM status_events e2 WHERE e2.identifier = l.identifier) " +
            "WHERE l.status <> COALESCE(e.to_status, 0)", cancellationToken: cancellationToken))).ToList();
        problems.AddRange(wrongStatus.Take(MaxListed).Select(w => $"licence {w.Identifier}: status {w.Status}, but its last status event says {w.Last ?? 0}"));

        var outside = (await connection.QueryAsync<(string Identifier, long List, long Index)>(new CommandDefinition(
            "SELECT l.identifier, l.status_list, l.status_index FROM licences l LEFT JOIN status_lists s ON s.id = l.status_list " +
            "WHERE s.id IS NULL OR l.status_index < 0 OR l.status_index >= s.size", cancellationToken: cancellationToken))).ToList();
        problems.AddRange(outside.Take(MaxListed).Select(o => $"licence {o.Identifier}: slot {o.Index} of list {o.List} is not inside a status list"));

        var miscounted = (await connection.QueryAsync<(long List, long Used, long Rows)>(new CommandDefinition(
            "SELECT s.id, s.used, COUNT(l.identifier) FROM status_lists s LEFT JOIN licences l ON l.status_list = s.id " +
            "GROUP BY s.id, s.used HAVING s.used <> COUNT(l.identifier)", cancellationToken: cancellationToken))).ToList();
        problems.AddRange(miscounted.Select(m => $"status list {m.List}: {m.Used} slots counted as used, but {m.Rows} licences are in it"));

        // One live licence per number (issue paths refuse a second since migration 0008; older data may hold some).
        var repeated = (await connection.QueryAsync<(string Authority, string Type, string Number, long Live)>(new CommandDefinition(
            "SELECT authority_code, type_code, number, COUNT(*) FROM licences WHERE status IN (0, 1) " +
            "GROUP BY authority_code, type_code, number HAVING COUNT(*) > 1", cancellationToken: cancellationToken))).ToList();
        problems.AddRange(repeated.Take(MaxListed).Select(r => $"number {r.Number} of type {r.Type} at authority {r.Authority}: {r.Live} licences in force or suspended (one is allowed; end the others or make them new versions)"));

        var counts = await connection.QuerySingleAsync<(long Licences, long Lists, long Events)>(new CommandDefinition(
            "SELECT (SELECT COUNT(*) FROM licences), (SELECT COUNT(*) FROM status_lists), (SELECT COUNT(*) FROM status_events)", cancellationToken: cancellationToken));
        if (wrongStatus.Count > MaxListed || outside.Count > MaxListed)
        {
            problems.Add($"… {wrongStatus.Count + outside.Count} licences in all break a rule; the first {MaxListed} of each kind are listed");
        }

        return new ConsistencyReport(counts.Licences, counts.Lists, counts.Events, problems);
    }
}
