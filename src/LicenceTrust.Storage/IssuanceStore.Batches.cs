using System.Text.Json;
using Dapper;
using LicenceTrust.Issuance;

namespace LicenceTrust.Storage;

public sealed partial class IssuanceStore
{
    public async Task<BatchJob?> FindBatchAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<BatchJobRow>(new CommandDefinition(_sql.FindBatch, new { id }, cancellationToken: cancellationToken)))?.ToJob();
    }

    public async Task<IReadOnlyList<BatchJob>> ListBatchesAsync(string? authorityCode, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<BatchJobRow>(new CommandDefinition(_sql.ListBatches, new { AuthorityCode = authorityCode, Limit = limit, Offset = 0 }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToJob())];
    }

    public async Task<byte[]> BatchContentAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(_sql.BatchContent, new { id }, cancellationToken: cancellationToken)) ?? [];
    }

    public async Task<IReadOnlyList<BatchRowError>> BatchErrorsAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var json = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(_sql.BatchErrors, new { id }, cancellationToken: cancellationToken));
        return json is null ? [] : JsonSerializer.Deserialize<List<BatchRowError>>(json, CommandJsonOptions) ?? [];
    }

    public async Task<BatchJob?> ClaimBatchAsync(string runner, DateTimeOffset at, DateTimeOffset lapsedBefore, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var parameters = new { runner, at = at.ToUnixTimeMilliseconds(), lapsed = lapsedBefore.ToUnixTimeMilliseconds(), Limit = 1, Offset = 0 };
        var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(_sql.ClaimableBatch, parameters, transaction, cancellationToken: cancellationToken));
        BatchJob? job = null;
        if (id is { } claimed && await connection.ExecuteAsync(new CommandDefinition(_sql.ClaimBatch, new { id = claimed, parameters.runner, parameters.at, parameters.lapsed }, transaction, cancellationToken: cancellationToken)) == 1)
        {
            job = (await connection.QuerySingleAsync<BatchJobRow>(new CommandDefinition(_sql.FindBatch, new { id = claimed }, transaction, cancellationToken: cancellationToken))).ToJob();
        }

        await transaction.CommitAsync(cancellationToken);
        return job;
    }

    public async Task ReleaseBatchAsync(long id, string runner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(_sql.ReleaseBatch, new { id, runner }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }
}
