using System.Data.Common;
using System.Text.Json;
using Dapper;
using LicenceTrust.Core.Json;
using LicenceTrust.Core.Status;
using LicenceTrust.Issuance;

namespace LicenceTrust.Storage;

public sealed partial class IssuanceStore
{
    private sealed class Unit(DbConnection connection, DbTransaction transaction, Statements sql, IDatabase database) : IIssuanceUnit
    {
        public async Task<LicenceRecord?> FindAsync(string identifier) =>
            (await connection.QuerySingleOrDefaultAsync<LicenceRow>(sql.FindLicence, new { identifier }, transaction))?.ToRecord();

        public async Task<IReadOnlyList<LiveNumber>> FindLiveNumbersAsync(string authorityCode, IReadOnlyCollection<string> numbers)
        {
            var found = new List<LiveNumber>();
            foreach (var part in numbers.Distinct(StringComparer.Ordinal).Chunk(ValuesPerList))
            {
                found.AddRange(await connection.QueryAsync<LiveNumber>(sql.LiveNumbers, new { authorityCode, numbers = database.KeysValue(part) }, transaction));
            }

            return found;
        }

        public async Task<IReadOnlyList<(int Index, string Identifier, LicenceStatus Status)>> SlotsOfListAsync(int list) =>
            [.. (await connection.QueryAsync<(long Index, string Identifier, long Status)>(sql.SlotsOfList, new { list }, transaction)).Select(r => ((int)r.Index, r.Identifier, (LicenceStatus)r.Status))];

        public async Task InsertLostSlotsAsync(IReadOnlyList<(int List, int Index, LicenceStatus Status)> slots, DateTimeOffset at)
        {
            var millis = at.ToUnixTimeMilliseconds();
            foreach (var slot in slots)
            {
                await connection.ExecuteAsync(sql.InsertLostSlot, new { slot.List, slot.Index, Status = (int)slot.Status, At = millis }, transaction);
            }
        }

        public async Task RaiseStatusListAsync(int list, int size, long version, DateTimeOffset at)
        {
            var millis = at.ToUnixTimeMilliseconds();
            if (await connection.ExecuteScalarAsync<long>(sql.CountStatusList, new { list }, transaction) == 0)
            {
                await connection.ExecuteAsync(sql.InsertStatusList, new { id = list, size, at = millis }, transaction);
            }

            await connection.ExecuteAsync(sql.RaiseStatusList, new { list, version, at = millis }, transaction);
        }

        public async Task<int?> HighestStatusListAsync() =>
            (int?)await connection.ExecuteScalarAsync<long?>(sql.HighestStatusList, transaction: transaction);

        public Task SkipSerialsAsync(long gap) => connection.ExecuteAsync(sql.SkipSerials, new { gap }, transaction);

        public async Task<long> ReserveSerialsAsync(string authorityCode, int count) =>
            await connection.ExecuteScalarAsync<long>(sql.ReserveSerials, new { authorityCode, count }, transaction) - count + 1;

        public async Task<IReadOnlyDictionary<string, LicenceRecord>> FindByIdempotencyKeysAsync(string authorityCode, IReadOnlyCollection<string> idempotencyKeys)
        {
            var found = new Dictionary<string, LicenceRecord>(StringComparer.Ordinal);
            foreach (var keys in idempotencyKeys.Chunk(ValuesPerList))
            {
                foreach (var row in await connection.QueryAsync<LicenceRow>(sql.FindByIdempotencyKeys, new { authorityCode, keys = database.KeysValue(keys) }, transaction))
                {
                    found[row.IdempotencyKey!] = row.ToRecord();
                }
            }

            return found;
        }

        public async Task<IReadOnlySet<int>> TakenSlotsAsync(int list, IReadOnlyCollection<int> candidates)
        {
            var taken = new HashSet<int>();
            foreach (var part in candidates.Chunk(ValuesPerList))
            {
                taken.UnionWith((await connection.QueryAsync<long>(sql.TakenSlots, new { list, candidates = database.KeysValue(part.Select(c => (long)c).ToArray()) }, transaction)).Select(i => (int)i));
            }

            return taken;
        }

        public Task InsertLicencesAsync(IReadOnlyList<(LicenceRecord Record, string? IdempotencyKey)> records) =>
            InsertRowsAsync("licences", Statements.LicenceInsertColumns, records, r => new object?[]
            {
                r.Record.Identifier, r.Record.Licence.AuthorityCode, r.Record.Licence.TypeCode.Value, r.Record.Licence.Number,
                r.Record.Licence.Holder.Name, r.Record.Licence.Holder.Code, JsonViews.Serialize(r.Record.Licence.ToView(types: null)), (int)r.Record.Status, r.Record.StatusList,
                r.Record.StatusIndex, r.Record.QrText, r.Record.IssuedAt.ToUnixTimeMilliseconds(), r.Record.IssuedBy, r.IdempotencyKey, r.Record.Supersedes,
            });

        public Task InsertAuditsAsync(IReadOnlyList<AuditEntry> entries) =>
            InsertRowsAsync("audit_log", Statements.AuditInsertColumns, entries, e => new object?[]
            {
                e.Sequence, e.EventId, e.Event, e.Actor, e.Subject, e.Data, e.At.ToUnixTimeMilliseconds(), e.PreviousHash, e.Hash,
            });

        private async Task InsertRowsAsync<T>(string table, string[] columns, IReadOnlyList<T> rows, Func<T, object?[]> values)
        {
            if (rows.Count >= database.CopyFromRows)
            {
                await database.CopyRowsAsync(connection, table, columns, rows.Select(values));
                return;
            }

            // Statements stay small: binding named parameters is quadratic in their number (the drivers look
            // each one up by name), so a few dozen rows a statement beat one huge statement by far.
            var perStatement = Math.Clamp(database.MaxParameters / columns.Length, 1, database.RowsPerInsert);
            if (connection.CanCreateBatch)
            {
                // A server (PostgreSQL below its CopyFromRows, SQL Server): every statement of the chunk in one round trip.
                await using var batch = connection.CreateBatch();
                batch.Transaction = transaction;
                foreach (var part in rows.Chunk(perStatement))
                {
                    var command = batch.CreateBatchCommand();
                    command.CommandText = Statements.MultiRowInsert(table, columns, part.Length);
                    for (var r = 0; r < part.Length; r++)
                    {
                        var row = values(part[r]);
                        for (var c = 0; c < columns.Length; c++)
                        {
                            var parameter = command.CreateParameter();
                            parameter.ParameterName = $"p{r}_{c}";
                            parameter.Value = row[c] ?? DBNull.Value;
                            command.Parameters.Add(parameter);
                        }
                    }

                    batch.BatchCommands.Add(command);
                }

                await batch.ExecuteNonQueryAsync();
                return;
            }

            // SQLite, in process: one prepared statement per statement size, executed again with each part's
            // values, so nothing is parsed more than once a chunk. Microsoft.Data.Sqlite looks every parameter
            // up by name on every execution, in a list SQLite scans with strncmp; a name without its "@" is
            // first looked for as it is, a whole scan that fails, and only then with the prefix.
            var prepared = new Dictionary<int, DbCommand>();
            try
            {
                foreach (var part in rows.Chunk(perStatement))
                {
                    if (!prepared.TryGetValue(part.Length, out var command))
                    {
                        command = connection.CreateCommand();
                        command.Transaction = transaction;
                        command.CommandText = Statements.MultiRowInsert(table, columns, part.Length);
                        for (var i = 0; i < part.Length * columns.Length; i++)
                        {
                            var parameter = command.CreateParameter();
                            parameter.ParameterName = $"@p{i / columns.Length}_{i % columns.Length}";
                            command.Parameters.Add(parameter);
                        }

                        await command.PrepareAsync();
                        prepared[part.Length] = command;
                    }

                    for (var r = 0; r < part.Length; r++)
                    {
                        var row = values(part[r]);
                        for (var c = 0; c < columns.Length; c++)
                        {
                            command.Parameters[r * columns.Length + c].Value = row[c] ?? DBNull.Value;
                        }
                    }

                    await command.ExecuteNonQueryAsync();
                }
            }
            finally
            {
                foreach (var command in prepared.Values)
                {
                    await command.DisposeAsync();
                }
            }
        }

        public async Task<(int List, int Size)> OpenStatusListAsync(int size, DateTimeOffset at)
        {
            var current = await connection.QuerySingleOrDefaultAsync<(long Id, long Size, long Used)?>(
                sql.LastStatusList, new { Limit = 1, Offset = 0 }, transaction);
            // A list is closed at half full so random slot picks stay cheap.
            if (current is { } list && list.Used * 2 < list.Size)
            {
                return ((int)list.Id, (int)list.Size);
            }

            var id = (current?.Id ?? 0) + 1;
            await connection.ExecuteAsync(
                sql.InsertStatusList,
                new { id, size, at = at.ToUnixTimeMilliseconds() }, transaction);
            return ((int)id, size);
        }

        public Task InsertLicenceAsync(LicenceRecord record, string? idempotencyKey) => InsertLicencesAsync([(record, idempotencyKey)]);

        public async Task<bool> ChangeStatusAsync(string identifier, LicenceStatus from, LicenceStatus to, string? supersededBy) =>
            await connection.ExecuteAsync(
                sql.ChangeStatus,
                new { identifier, from = (int)from, to = (int)to, supersededBy }, transaction) == 1;

        public Task InsertStatusEventAsync(StatusEvent statusEvent) => connection.ExecuteAsync(
            sql.InsertStatusEvent,
            new { statusEvent.Identifier, From = (int)statusEvent.From, To = (int)statusEvent.To, statusEvent.Reason, statusEvent.Actor, At = statusEvent.At.ToUnixTimeMilliseconds() },
            transaction);

        public Task TouchStatusListAsync(int list, DateTimeOffset at, int added) => connection.ExecuteAsync(
            sql.TouchStatusList, new { list, added, at = at.ToUnixTimeMilliseconds() }, transaction);

        public async Task<(long Sequence, string Hash)> LastAuditAsync()
        {
            var last = await connection.QuerySingleOrDefaultAsync<(long Sequence, string Hash)?>(
                sql.LastAudit, new { Limit = 1, Offset = 0 }, transaction);
            return last ?? (0, AuditChain.Genesis);
        }

        public Task InsertApiKeyAsync(ApiKeyRecord record) => connection.ExecuteAsync(
            ApiKeyStore.InsertSql,
            new { record.Id, record.SecretHash, Role = (int)record.Role, record.Name, record.AuthorityCode, CreatedAt = record.CreatedAt.ToUnixTimeMilliseconds() },
            transaction);

        public async Task<bool> RevokeApiKeyAsync(string id, DateTimeOffset at) =>
            await connection.ExecuteAsync(ApiKeyStore.RevokeSql, new { id, at = at.ToUnixTimeMilliseconds() }, transaction) == 1;

        public Task InsertAuditAsync(AuditEntry entry) => InsertAuditsAsync([entry]);

        public async Task<(long Id, bool Existed)> InsertApprovalAsync(ApprovalRequest request)
        {
            var row = new
            {
                Kind = (int)request.Kind, request.AuthorityCode, request.Subject,
                CommandJson = request.Command is null ? null : JsonSerializer.Serialize(request.Command, CommandJsonOptions),
                request.Reason, request.RequestKey, request.RequestedBy, RequestedAt = request.RequestedAt.ToUnixTimeMilliseconds(), State = (int)request.State,
            };
            if (await connection.QuerySingleOrDefaultAsync<long?>(sql.FindApprovalByKey, row, transaction) is { } existing)
            {
                return (existing, true);
            }

            return (await connection.ExecuteScalarAsync<long>(sql.InsertApproval, row, transaction), false);
        }

        public async Task<bool> DecideApprovalAsync(long id, ApprovalState state, string decidedBy, DateTimeOffset at, string? reason, string? result) =>
            await connection.ExecuteAsync(sql.DecideApproval, new { id, state = (int)state, decidedBy, at = at.ToUnixTimeMilliseconds(), reason, result }, transaction) == 1;

        public Task<long> InsertAdminRequestAsync(AdminRequest request) => connection.ExecuteScalarAsync<long>(sql.InsertAdminRequest, new
        {
            Kind = (int)request.Kind, DetailsJson = JsonSerializer.Serialize(request.Details, CommandJsonOptions), request.RequestedBy,
            RequestedAt = request.RequestedAt.ToUnixTimeMilliseconds(), State = (int)request.State,
        }, transaction);

        public async Task<bool> DecideAdminRequestAsync(long id, ApprovalState state, string decidedBy, DateTimeOffset at, string? reason, string? result) =>
            await connection.ExecuteAsync(sql.DecideAdminRequest, new { id, state = (int)state, decidedBy, at = at.ToUnixTimeMilliseconds(), reason, result }, transaction) == 1;

        public async Task<bool> InsertOfficerAsync(Officer officer)
        {
            if (await connection.QuerySingleOrDefaultAsync<string>(OfficerStore.ExistsSql, new { username = officer.Username }, transaction) is not null)
            {
                return false;
            }

            await connection.ExecuteAsync(OfficerStore.InsertSql, OfficerStore.InsertParameters(officer), transaction);
            return true;
        }

        public async Task<bool> SetOfficerPasswordAsync(string username, string passwordHash, bool mustChange) =>
            await connection.ExecuteAsync(OfficerStore.SetPasswordSql, new { username, passwordHash, mustChangePassword = mustChange ? 1 : 0 }, transaction) == 1;

        public async Task<OfficerRoles?> SetOfficerRolesAsync(string username, OfficerRoles roles)
        {
            if (await connection.QuerySingleOrDefaultAsync<int?>(OfficerStore.RolesSql, new { username }, transaction) is not { } before)
            {
                return null;
            }

            await connection.ExecuteAsync(OfficerStore.SetRolesSql, new { username, roles = (int)roles }, transaction);
            return (OfficerRoles)before;
        }

        public Task<long> InsertBatchAsync(BatchJob job, byte[] content, IReadOnlyList<BatchRowError> errors) => connection.ExecuteScalarAsync<long>(sql.InsertBatch, new
        {
            job.AuthorityCode, job.FileName, job.FileSha256, Content = content, job.TotalRows, job.BadRows, ErrorsJson = JsonSerializer.Serialize(errors, CommandJsonOptions),
            State = (int)job.State, job.SubmittedBy, SubmittedAt = job.SubmittedAt.ToUnixTimeMilliseconds(), job.IssuedBy, FinishedAt = job.FinishedAt?.ToUnixTimeMilliseconds(),
        }, transaction);

        public Task LinkBatchApprovalAsync(long id, long approvalId) => connection.ExecuteAsync(sql.LinkBatchApproval, new { id, approvalId }, transaction);

        public async Task<bool> DecideBatchAsync(long id, BatchState state, string by, DateTimeOffset at) =>
            await connection.ExecuteAsync(sql.DecideBatch, new
            {
                id, state = (int)state,
                issuedBy = state == BatchState.Queued ? by : null,
                finishedAt = state == BatchState.Rejected ? at.ToUnixTimeMilliseconds() : (long?)null,
            }, transaction) == 1;

        public async Task<bool> AdvanceBatchAsync(long id, string runner, BatchProgress progress, IReadOnlyList<BatchRowError>? errors, DateTimeOffset at) =>
            await connection.ExecuteAsync(sql.AdvanceBatch, new
            {
                id, runner, progress.Done, progress.Issued, progress.Replayed, progress.Failed,
                errors = errors is null ? null : JsonSerializer.Serialize(errors, CommandJsonOptions), at = at.ToUnixTimeMilliseconds(),
            }, transaction) == 1;

        public async Task<BatchJob?> FinishBatchAsync(long id, string runner, DateTimeOffset at) =>
            await connection.ExecuteAsync(sql.FinishBatch, new { id, runner, at = at.ToUnixTimeMilliseconds() }, transaction) == 1
                ? (await connection.QuerySingleAsync<BatchJobRow>(sql.FindBatch, new { id }, transaction)).ToJob()
                : null;
    }
}
