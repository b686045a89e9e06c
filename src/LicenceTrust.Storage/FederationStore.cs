using Dapper;
using LicenceTrust.Federation;

namespace LicenceTrust.Storage;

/// <summary>The federation store on any <see cref="IDatabase"/>. All its SQL is here and is the same in every dialect.</summary>
public sealed class FederationStore(IDatabase database) : IFederationStore
{
    public sealed class Statements
    {
        public string PeerDocuments { get; } = "SELECT peer, kind, sequence, etag, document, fetched_at AS FetchedAt FROM peer_documents WHERE peer = @peer";

        public string PeerDocumentVersions { get; } = "SELECT peer, kind, sequence FROM peer_documents";

        public string DeletePeerDocument { get; } = "DELETE FROM peer_documents WHERE peer = @Peer AND kind = @Kind";

        public string InsertPeerDocument { get; } = "INSERT INTO peer_documents (peer, kind, sequence, etag, document, fetched_at) VALUES (@Peer, @Kind, @Sequence, @ETag, @Document, @FetchedAt)";

        public string TouchPeerDocument { get; } = "UPDATE peer_documents SET fetched_at = @fetchedAt WHERE peer = @peer AND kind = @kind";

        public string Withdrawals { get; } = "SELECT fingerprint, province, reason, at, notice_id AS NoticeId, notice_sequence AS NoticeSequence, notice FROM withdrawn_issuers ORDER BY at";

        public string CountWithdrawal { get; } = "SELECT COUNT(*) FROM withdrawn_issuers WHERE fingerprint = @Fingerprint OR notice_id = @NoticeId OR (province = @Province AND notice_sequence = @NoticeSequence)";

        public string InsertWithdrawal { get; } = "INSERT INTO withdrawn_issuers (fingerprint, province, reason, at, notice_id, notice_sequence, notice) VALUES (@Fingerprint, @Province, @Reason, @At, @NoticeId, @NoticeSequence, @Notice)";

        public string LastTrustListVersion { get; } = "SELECT sequence, content_hash AS ContentHash, issued_at AS IssuedAt FROM trust_list_versions WHERE sequence = (SELECT MAX(sequence) FROM trust_list_versions)";

        public string InsertTrustListVersion { get; } = "INSERT INTO trust_list_versions (sequence, content_hash, issued_at) VALUES (@sequence, @contentHash, @issuedAt)";
    }

    private static readonly Statements Sql = new();

    public async Task<IReadOnlyList<PeerDocument>> PeerDocumentsAsync(string peer, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DocumentRow>(new CommandDefinition(Sql.PeerDocuments, new { peer }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new PeerDocument(r.Peer, r.Kind, r.Sequence, r.ETag, r.Document, DateTimeOffset.FromUnixTimeMilliseconds(r.FetchedAt)))];
    }

    public async Task SavePeerDocumentAsync(PeerDocument document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var row = new { document.Peer, document.Kind, document.Sequence, document.ETag, document.Document, FetchedAt = document.FetchedAt.ToUnixTimeMilliseconds() };
        await connection.ExecuteAsync(new CommandDefinition(Sql.DeletePeerDocument, row, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(Sql.InsertPeerDocument, row, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PeerDocumentVersion>> PeerDocumentVersionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Peer, string Kind, long Sequence)>(new CommandDefinition(Sql.PeerDocumentVersions, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new PeerDocumentVersion(r.Peer, r.Kind, r.Sequence))];
    }

    public async Task DeletePeerDocumentAsync(string peer, string kind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Sql.DeletePeerDocument, new { Peer = peer, Kind = kind }, cancellationToken: cancellationToken));
    }

    public async Task TouchPeerDocumentAsync(string peer, string kind, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Sql.TouchPeerDocument, new { peer, kind, fetchedAt = fetchedAt.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Withdrawal>> WithdrawalsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<WithdrawalRow>(new CommandDefinition(Sql.Withdrawals, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new Withdrawal(r.Fingerprint, r.Province, r.Reason, DateTimeOffset.FromUnixTimeMilliseconds(r.At), r.NoticeId, r.NoticeSequence, r.Notice))];
    }

    public async Task<bool> AddWithdrawalAsync(Withdrawal withdrawal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(withdrawal);
        var row = new { withdrawal.Fingerprint, withdrawal.Province, withdrawal.Reason, At = withdrawal.At.ToUnixTimeMilliseconds(), withdrawal.NoticeId, withdrawal.NoticeSequence, withdrawal.Notice };
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(Sql.CountWithdrawal, row, transaction, cancellationToken: cancellationToken)) > 0)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(Sql.InsertWithdrawal, row, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<(long Sequence, string ContentHash, DateTimeOffset IssuedAt)?> LastTrustListVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(long Sequence, string ContentHash, long IssuedAt)?>(new CommandDefinition(Sql.LastTrustListVersion, cancellationToken: cancellationToken));
        return row is { } r ? (r.Sequence, r.ContentHash, DateTimeOffset.FromUnixTimeMilliseconds(r.IssuedAt)) : null;
    }

    public async Task AddTrustListVersionAsync(long sequence, string contentHash, DateTimeOffset issuedAt, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(Sql.InsertTrustListVersion, new { sequence, contentHash, issuedAt = issuedAt.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        }
        catch (System.Data.Common.DbException)
        {
            // A replica on the same database may have published the same version first: then nothing is left to do.
            if (await LastTrustListVersionAsync(cancellationToken) is not { } last || last.Sequence != sequence || last.ContentHash != contentHash)
            {
                throw;
            }
        }
    }

    private sealed class DocumentRow
    {
        public string Peer { get; init; } = string.Empty;
        public string Kind { get; init; } = string.Empty;
        public long Sequence { get; init; }
        public string? ETag { get; init; }
        public byte[] Document { get; init; } = [];
        public long FetchedAt { get; init; }
    }

    private sealed class WithdrawalRow
    {
        public string Fingerprint { get; init; } = string.Empty;
        public string Province { get; init; } = string.Empty;
        public string Reason { get; init; } = string.Empty;
        public long At { get; init; }
        public string NoticeId { get; init; } = string.Empty;
        public long NoticeSequence { get; init; }
        public byte[] Notice { get; init; } = [];
    }
}
