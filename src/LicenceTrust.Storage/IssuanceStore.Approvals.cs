using Dapper;
using LicenceTrust.Issuance;

namespace LicenceTrust.Storage;

public sealed partial class IssuanceStore
{
    public async Task<ApprovalRequest?> FindApprovalAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<ApprovalRow>(new CommandDefinition(_sql.FindApproval, new { id }, cancellationToken: cancellationToken)))?.ToRequest();
    }

    public async Task<AdminRequest?> FindAdminRequestAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<AdminRequestRow>(new CommandDefinition(_sql.FindAdminRequest, new { id }, cancellationToken: cancellationToken)))?.ToRequest();
    }

    public async Task<IReadOnlyList<AdminRequest>> ListAdminRequestsAsync(ApprovalState? state, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AdminRequestRow>(new CommandDefinition(_sql.ListAdminRequests,
            new { State = (int?)state, Limit = AdminRequestListLimit, Offset = 0 }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRequest()).Reverse()];
    }

    /// <summary>The newest requests a list holds (administrators' requests are few: a page of them is every one that matters).</summary>
    private const int AdminRequestListLimit = 500;

    public async Task<Page<ApprovalRequest>> ListApprovalsAsync(ApprovalQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = Math.Max(1, query.PageNumber);
        var parameters = new
        {
            query.AuthorityCode, State = (int?)query.State, query.Subject, Kind = (int?)query.Kind, query.RequestedBy,
            RequestedBefore = query.RequestedBefore?.ToUnixTimeMilliseconds(), Limit = query.Limit, Offset = (long)(page - 1) * query.Limit,
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.CountApprovals, parameters, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<ApprovalRow>(new CommandDefinition(query.OldestFirst ? _sql.ListApprovalsOldestFirst : _sql.ListApprovals, parameters, cancellationToken: cancellationToken));
        return new Page<ApprovalRequest>([.. rows.Select(r => r.ToRequest())], page, query.Limit, total);
    }
}
