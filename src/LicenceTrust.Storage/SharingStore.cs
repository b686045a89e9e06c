using Dapper;
using LicenceTrust.Sharing;

namespace LicenceTrust.Storage;

/// <summary>The sharing store on any <see cref="IDatabase"/>: consent codes, exchanges, and the holder's licences. All its SQL is here.</summary>
public sealed class SharingStore(IDatabase database) : ISharingStore
{
    public sealed class Statements(IDatabase database)
    {
        public string LicencesOfHolder { get; } =
            $"SELECT identifier, type_code AS TypeCode, qr_text AS QrText FROM licences WHERE holder_code = @holder AND superseded_by IS NULL AND {database.InList("type_code", "types")} ORDER BY issued_at";

        public string InsertConsent { get; } = "INSERT INTO consent_codes (code_hash, holder_code, types, province, created_at, expires_at, used_at) VALUES (@CodeHash, @HolderCode, @Types, @Province, @CreatedAt, @ExpiresAt, NULL)";

        public string Consent { get; } = "SELECT holder_code AS HolderCode, types, province, expires_at AS ExpiresAt, used_at AS UsedAt FROM consent_codes WHERE code_hash = @hash";

        public string UseConsent { get; } = "UPDATE consent_codes SET used_at = @at WHERE code_hash = @hash AND used_at IS NULL";

        public string CountExchange { get; } = "SELECT COUNT(*) FROM evidence_exchanges WHERE request_id = @RequestId AND side = @Side";

        public string InsertExchange { get; } = "INSERT INTO evidence_exchanges (request_id, side, holder_code, province, officer, case_number, matter, purpose, types, at, outcome, licences) " +
            "VALUES (@RequestId, @Side, @HolderCode, @Province, @Officer, @CaseNumber, @Matter, @Purpose, @Types, @At, @Outcome, @Licences)";

        public string FinishExchange { get; } = "UPDATE evidence_exchanges SET outcome = @outcome, licences = @licences WHERE request_id = @requestId AND side = @side";

        public string Usage { get; } = database.Page("SELECT request_id AS RequestId, side, holder_code AS HolderCode, province, officer, case_number AS CaseNumber, matter, purpose, types, at, outcome, licences " +
            $"FROM evidence_exchanges WHERE holder_code = @holder AND side = {(int)ExchangeSide.Provided} AND outcome = '{Exchange.Fetched}' ORDER BY at DESC, request_id");
    }

    private readonly Statements _sql = new(database);

    public async Task<IReadOnlyList<HeldLicence>> LicencesOfHolderAsync(string holderCode, IReadOnlyCollection<string> types, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<HeldLicence>(new CommandDefinition(_sql.LicencesOfHolder, new { holder = holderCode, types = types.ToArray() }, cancellationToken: cancellationToken))];
    }

    public async Task AddConsentAsync(ConsentGrant grant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(_sql.InsertConsent, new
        {
            grant.CodeHash, grant.HolderCode, Types = string.Join(',', grant.Types), grant.Province,
            CreatedAt = grant.CreatedAt.ToUnixTimeMilliseconds(), ExpiresAt = grant.ExpiresAt.ToUnixTimeMilliseconds(),
        }, cancellationToken: cancellationToken));
    }

    public async Task<ConsentUse> UseConsentAsync(string codeHash, string holderCode, string province, IReadOnlyCollection<string> types, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var grant = await connection.QuerySingleOrDefaultAsync<ConsentRow>(new CommandDefinition(_sql.Consent, new { hash = codeHash }, transaction, cancellationToken: cancellationToken));
        // Another holder's or province's code says nothing of itself: unknown, as a code that never was.
        if (grant is null || grant.HolderCode != holderCode || grant.Province != province || !types.All(grant.Types.Split(',').Contains))
        {
            return ConsentUse.Unknown;
        }

        if (grant.UsedAt is not null)
        {
            return ConsentUse.AlreadyUsed;
        }

        if (grant.ExpiresAt <= at.ToUnixTimeMilliseconds())
        {
            return ConsentUse.Expired;
        }

        var used = await connection.ExecuteAsync(new CommandDefinition(_sql.UseConsent, new { hash = codeHash, at = at.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return used == 1 ? ConsentUse.Used : ConsentUse.AlreadyUsed;
    }

    public async Task<bool> BeginExchangeAsync(Exchange exchange, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var row = new
        {
            exchange.RequestId, Side = (int)exchange.Side, exchange.HolderCode, exchange.Province, exchange.Officer, exchange.CaseNumber, exchange.Matter, exchange.Purpose,
            Types = string.Join(',', exchange.Types), At = exchange.At.ToUnixTimeMilliseconds(), exchange.Outcome, Licences = string.Join(',', exchange.Licences ?? []),
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(_sql.CountExchange, row, transaction, cancellationToken: cancellationToken)) > 0)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(_sql.InsertExchange, row, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task FinishExchangeAsync(string requestId, ExchangeSide side, string outcome, IReadOnlyList<string> licences, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(_sql.FinishExchange, new { requestId, side = (int)side, outcome, licences = string.Join(',', licences) }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Exchange>> UsageAsync(string holderCode, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ExchangeRow>(new CommandDefinition(_sql.Usage, new { holder = holderCode, Limit = limit, Offset = 0 }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new Exchange(r.RequestId, (ExchangeSide)r.Side, r.HolderCode, r.Province, r.Officer, r.CaseNumber, r.Matter, r.Purpose, r.Types.Split(','),
            DateTimeOffset.FromUnixTimeMilliseconds(r.At), r.Outcome, r.Licences.Length == 0 ? [] : r.Licences.Split(',')))];
    }

    private sealed class ConsentRow
    {
        public string HolderCode { get; init; } = string.Empty;
        public string Types { get; init; } = string.Empty;
        public string Province { get; init; } = string.Empty;
        public long ExpiresAt { get; init; }
        public long? UsedAt { get; init; }
    }

    private sealed class ExchangeRow
    {
        public string RequestId { get; init; } = string.Empty;
        public long Side { get; init; }
        public string HolderCode { get; init; } = string.Empty;
        public string Province { get; init; } = string.Empty;
        public string Officer { get; init; } = string.Empty;
        public string CaseNumber { get; init; } = string.Empty;
        public string Matter { get; init; } = string.Empty;
        public string Purpose { get; init; } = string.Empty;
        public string Types { get; init; } = string.Empty;
        public long At { get; init; }
        public string Outcome { get; init; } = string.Empty;
        public string Licences { get; init; } = string.Empty;
    }
}
