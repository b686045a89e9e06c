using LicenceTrust.Samples;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CsvHelper;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Issuance;
using LicenceTrust.KeyStore;
using LicenceTrust.Storage;
using LicenceTrust.Storage.Postgres;
using LicenceTrust.Storage.Sqlite;

namespace LicenceTrust.Cli;

/// <summary>Node administration against its database: migrate, API keys, audit verification, batch issue.</summary>
internal static class NodeCommands
{
    private static readonly Option<FileInfo?> Sqlite = new("--sqlite") { Description = "The node's SQLite database file." };
    private static readonly Option<string?> Postgres = new("--postgres") { Description = "The node's PostgreSQL connection string." };

    public static IEnumerable<Command> Create() => [Db(), ApiKey(), Staff(), Officer(), Audit(), Issue()];

    private static Command Db()
    {
        var migrate = WithDatabase(new Command("migrate", "Apply pending schema migrations."));
        migrate.SetAction(result =>
        {
            var applied = Database(result).Migrate();
            Console.WriteLine(applied.Count == 0 ? "The schema is up to date." : $"Applied: {string.Join(", ", applied)}");
            return 0;
        });
        var output = new Option<FileInfo>("--out") { Description = "The backup file to write (never overwritten).", Required = true };
        var backup = WithDatabase(new Command("backup", "Copy the node's database while the node runs: SQLite's online backup API, or pg_dump (custom format) for PostgreSQL."));
        backup.Options.Add(output);
        backup.SetAction(async (result, cancellationToken) =>
        {
            var to = result.GetValue(output)!.FullName;
            if (result.GetValue(Sqlite) is { } file)
            {
                if (!file.Exists)
                {
                    Console.Error.WriteLine($"--sqlite {file.FullName}: file not found.");
                    return 2;
                }

                DatabaseBackup.BackupSqlite(new SqliteDatabase(file.FullName), to);
                Console.WriteLine($"Backup written to {to}; checking the copy.");
                // The copy, not the live file: a backup that was never read back is not known to be one.
                var code = await CheckAsync(new SqliteDatabase(to), cancellationToken);
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                return code;
            }

            await DatabaseBackup.BackupPostgresAsync(result.GetValue(Postgres)!, to, cancellationToken);
            Console.WriteLine($"Backup written to {to}. Check it by restoring it into a scratch database (db restore, then db check).");
            return 0;
        });

        var from = new Argument<FileInfo>("backup") { Description = "A file written by db backup." };
        var force = new Option<bool>("--force") { Description = "Replace the database that is there (its node must be stopped)." };
        var restore = WithDatabase(new Command("restore", "Bring a backup back as the node's database, then check it (the audit chain, statuses, status lists). Stop the node first; at its next start it compares the backup with what its peers have seen (docs/operations.md)."));
        restore.Arguments.Add(from);
        restore.Options.Add(force);
        restore.SetAction(async (result, cancellationToken) =>
        {
            var source = result.GetValue(from)!.FullName;
            if (result.GetValue(Sqlite) is { } file)
            {
                DatabaseBackup.RestoreSqlite(source, file.FullName, result.GetValue(force));
            }
            else
            {
                await DatabaseBackup.RestorePostgresAsync(source, result.GetValue(Postgres)!, cancellationToken);
            }

            Console.WriteLine($"Restored {source}.");
            return await CheckAsync(Database(result), cancellationToken);
        });

        var check = WithDatabase(new Command("check", "Check a node's database: the audit hash chain, each licence's status against its status events, and the status lists' slots and counts. Exit 1 naming what breaks."));
        check.SetAction((result, cancellationToken) => CheckAsync(Database(result), cancellationToken));

        var db = new Command("db", "Database schema, backups and checks.");
        db.Subcommands.Add(migrate);
        db.Subcommands.Add(backup);
        db.Subcommands.Add(restore);
        db.Subcommands.Add(check);
        return db;
    }

    private static string Describe(AuditVerification audit) =>
        audit.Ok ? $"OK: {audit.Entries} entries, head {audit.Head}" : $"BROKEN at entry {audit.FirstBrokenSequence}: {audit.Problem}";

    private static async Task<int> CheckAsync(IDatabase database, CancellationToken cancellationToken)
    {
        var report = await DatabaseConsistency.CheckAsync(database, cancellationToken);
        var audit = AuditChain.Verify(await new IssuanceStore(database).AuditLogAsync(cancellationToken));
        Console.WriteLine("Audit chain " + Describe(audit));
        Console.WriteLine($"{report.Licences} licences, {report.StatusLists} status lists, {report.StatusEvents} status events: {(report.Ok ? "consistent" : "INCONSISTENT")}");
        foreach (var problem in report.Problems)
        {
            Console.WriteLine("  " + problem);
        }

        return audit.Ok && report.Ok ? 0 : 1;
    }

    /// <summary><c>staff create</c>: a counter staff account for the QR page; the password is read from standard input.</summary>
    private static Command Staff()
    {
        var username = new Option<string>("--username") { Description = "Sign-in name: letters, digits, '.', '-', '_'.", Required = true };
        var name = new Option<string>("--name") { Description = "The person's name, shown on the page and in the audit log.", Required = true };
        var create = WithDatabase(new Command("create", $"Create a staff account. The password (at least {StaffAccounts.MinPasswordLength} characters) is read from the first line of standard input, so it stays out of the shell history."));
        create.Options.Add(username);
        create.Options.Add(name);
        create.SetAction(async (result, cancellationToken) =>
        {
            var password = Console.In.ReadLine() ?? string.Empty;
            var database = Database(result);
            database.Migrate();
            try
            {
                var account = await new StaffAccounts(new StaffStore(database), new IssuanceStore(database), TimeProvider.System, new SignInThrottle(TimeProvider.System, new SignInThrottleOptions()))
                    .CreateAsync(result.GetValue(username)!, result.GetValue(name)!, password, cancellationToken);
                Console.WriteLine($"Created staff account {account.Username} ({account.DisplayName}).");
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or LicenceTrustException)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        });
        var command = new Command("staff", "Counter staff accounts (QR page sign-in).");
        command.Subcommands.Add(create);
        return command;
    }

    /// <summary><c>officer create</c>: an authority console officer (docs/console.md); the password is read from standard input.</summary>
    private static Command Officer()
    {
        var username = new Option<string>("--username") { Description = "Sign-in name: letters, digits, '.', '-', '_'.", Required = true };
        var name = new Option<string>("--name") { Description = "The officer's name, shown in the console and the audit log.", Required = true };
        var authority = new Option<string>("--authority") { Description = "The authority's unified social credit code.", Required = true };
        var roles = new Option<string>("--role") { Description = "clerk and/or approver (经办, 审核); or one of sysadmin, security, auditor (系统管理员, 安全管理员, 安全审计员), never with a business role.", Required = true };
        var create = WithDatabase(new Command("create", $"Create a console officer (the node's first administrators; the console asks a second administrator for the rest). The password ({PasswordPolicy.MinLength}-{PasswordPolicy.MaxLength} characters, not containing the user name, not a common one) is read from the first line of standard input, so it stays out of the shell history."));
        create.Options.Add(username);
        create.Options.Add(name);
        create.Options.Add(authority);
        create.Options.Add(roles);
        create.SetAction(async (result, cancellationToken) =>
        {
            var password = Console.In.ReadLine() ?? string.Empty;
            var database = Database(result);
            database.Migrate();
            try
            {
                var officer = await new OfficerAccounts(new OfficerStore(database), new IssuanceStore(database), TimeProvider.System, new SignInThrottle(TimeProvider.System, new SignInThrottleOptions()))
                    .CreateAsync(result.GetValue(username)!, result.GetValue(name)!, result.GetValue(authority)!, Issuance.Officer.ParseRoles(result.GetValue(roles)), password, cancellationToken);
                Console.WriteLine($"Created officer {officer.Username} ({officer.DisplayName}) of {officer.AuthorityCode}: {officer.Roles}.");
                return 0;
            }
            catch (LicenceTrustException e)
            {
                Console.Error.WriteLine($"{e.Error.Code}: {e.Message}");
                return 2;
            }
        });
        var command = new Command("officer", "Authority console officers.");
        command.Subcommands.Add(create);
        return command;
    }

    private static Command ApiKey()
    {
        var role = new Option<string>("--role") { Description = "authority, partner or admin.", Required = true };
        var name = new Option<string>("--name") { Description = "Who the key is for (shown in the audit log).", Required = true };
        var authority = new Option<string?>("--authority") { Description = "The authority's unified social credit code (role authority only)." };
        var create = WithDatabase(new Command("create", "Create an API key; the key is printed once and stored only as a hash."));
        create.Options.Add(role);
        create.Options.Add(name);
        create.Options.Add(authority);
        create.SetAction(async (result, cancellationToken) =>
        {
            if (!Enum.TryParse<ActorRole>(result.GetValue(role), ignoreCase: true, out var actorRole) || !Enum.IsDefined(actorRole))
            {
                Console.Error.WriteLine("--role: use authority, partner or admin.");
                return 2;
            }

            var code = result.GetValue(authority);
            if (actorRole == ActorRole.Authority && !UnifiedSocialCreditCode.TryParse(code, out _, out var error))
            {
                Console.Error.WriteLine($"--authority: {error}");
                return 2;
            }

            var database = Database(result);
            database.Migrate();
            string key;
            ApiKeyRecord record;
            try
            {
                (key, record) = await new ApiKeyService(new ApiKeyStore(database), new IssuanceStore(database), TimeProvider.System)
                    .CreateAsync(actorRole, result.GetValue(name)!, actorRole == ActorRole.Authority ? code : null, cancellationToken);
            }
            catch (LicenceTrustException e)
            {
                Console.Error.WriteLine($"--name: {e.Message}");
                return 2;
            }

            Console.WriteLine(key);
            Console.Error.WriteLine($"Created {record.Role} key {record.Id} for {record.Name}. Store it now: it cannot be shown again.");
            return 0;
        });
        var command = new Command("apikey", "API keys.");
        command.Subcommands.Add(create);
        return command;
    }

    private static Command Audit()
    {
        var verify = WithDatabase(new Command("verify", "Check the audit hash chain; exit 1 and name the first broken entry if it was tampered with."));
        verify.SetAction(async (result, cancellationToken) =>
        {
            var outcome = AuditChain.Verify(await new IssuanceStore(Database(result)).AuditLogAsync(cancellationToken));
            Console.WriteLine(Describe(outcome));
            return outcome.Ok ? 0 : 1;
        });
        var command = new Command("audit", "Audit log.");
        command.Subcommands.Add(verify);
        return command;
    }

    private static Command Issue()
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV with a header row, or JSON Lines (.jsonl): see docs/api.md." };
        var authority = new Option<string>("--authority") { Description = "The issuing authority's credit code; its key must be in --keys.", Required = true };
        var keys = new Option<DirectoryInfo>("--keys") { Description = "Key directory (keys-sample layout).", Required = true };
        var province = new Option<string>("--province") { Description = "The node's province: a node id of the registry, e.g. cq.", DefaultValueFactory = _ => "cq" };
        var baseUrl = new Option<string?>("--base-url") { Description = "The node's public base URL (status-list URIs). Default: the province's local URL." };
        var chunk = new Option<int>("--chunk") { Description = "Rows per transaction (1-5000).", DefaultValueFactory = _ => 500 };
        var licenceTypes = new Option<FileInfo?>("--licence-types") { Description = "The node's licence-type catalogue file (Node:LicenceTypes); default the shipped catalogue. Rows are checked against it." };
        var format = FormatOption.Create("Credential format: LT2 (the default, what nodes issue) or LT1 during a transition (Issuance:CredentialFormat).");
        var batch = WithDatabase(new Command("batch", "Issue licences from a file. Bad rows are reported with line and reason and nothing of them is written; good rows are issued. Re-running the same file resumes without issuing twice."));
        batch.Arguments.Add(file);
        batch.Options.Add(authority);
        batch.Options.Add(keys);
        batch.Options.Add(province);
        batch.Options.Add(baseUrl);
        batch.Options.Add(chunk);
        batch.Options.Add(licenceTypes);
        batch.Options.Add(format);
        var keyOptions = new KeyOptions();
        keyOptions.AddTo(batch);
        batch.SetAction(async (result, cancellationToken) =>
        {
            if (!Province.TryFromNodeId(result.GetValue(province), out var where) || result.GetValue(chunk) is < 1 or > 5000)
            {
                Console.Error.WriteLine("--province must be a province node id of the registry (e.g. cq, sc, gz); --chunk 1-5000.");
                return 2;
            }

            var database = Database(result);
            database.Migrate();
            var access = keyOptions.Open(result, out var scope);
            using var token = scope;
            var provinceKeys = KeyDirectory.Load(result.GetValue(keys)!.FullName, where, access);
            var issuerKeys = new ProvinceIssuerKeys(provinceKeys);
            var code = result.GetValue(authority)!;
            if (!issuerKeys.Knows(code))
            {
                Console.Error.WriteLine($"--authority: no issuer key of {code} in {result.GetValue(keys)!.FullName}/{where.NodeId}.");
                return 2;
            }

            var options = new IssuanceOptions
            {
                Province = where,
                LicenceTypes = result.GetValue(licenceTypes) is { } catalogue ? LicenceTypeFiles.Load(catalogue.FullName) : LicenceTypeCatalogue.Shipped,
                StatusListBaseUri = (result.GetValue(baseUrl) ?? $"http://127.0.0.1:{5000 + where.Code}").TrimEnd('/') + "/api/v1/status-lists/",
                CredentialEncoding = FormatOption.ValueOf(result, format),
            };
            var service = new IssuanceService(new IssuanceStore(database), issuerKeys, options, TimeProvider.System);
            var name = provinceKeys.Issuers.First(i => i.Certificate.AuthorityCode == code).Certificate.AuthorityName;
            var path = result.GetValue(file)!.FullName;
            return await RunBatchAsync(service, new Actor(ActorRole.Authority, $"batch:{name}", code), path, result.GetValue(chunk), cancellationToken);
        });
        var command = new Command("issue", "Issue licences.");
        command.Subcommands.Add(batch);
        return command;
    }

    private static async Task<int> RunBatchAsync(IssuanceService service, Actor actor, string path, int chunkSize, CancellationToken cancellationToken)
    {
        var file = BatchFile.Read(path);
        var rows = file.Rows;
        var errors = file.Refused.ToList();
        int issued = 0, replayed = 0, done = 0;
        var watch = Stopwatch.StartNew();
        await foreach (var results in service.IssueChunksAsync(rows.Chunk(chunkSize), actor, cancellationToken))
        {
            foreach (var row in results)
            {
                if (row.Error is { } error)
                {
                    errors.Add(new BatchRowError(row.Line, error.Code, error.Field ?? string.Empty, error.Detail));
                }
                else if (row.Replayed)
                {
                    replayed++;
                }
                else
                {
                    issued++;
                }
            }

            done += results.Count;
            Progress(done, rows.Count, watch.Elapsed);
        }

        Console.Error.WriteLine();
        var report = path + ".errors.csv";
        if (errors.Count > 0)
        {
            await using var output = File.Create(report);
            await BatchFile.WriteErrorsAsync(output, errors.OrderBy(e => e.Line));
        }
        else if (File.Exists(report))
        {
            File.Delete(report);
        }

        var rate = issued / Math.Max(watch.Elapsed.TotalSeconds, 0.001);
        Console.WriteLine($"issued {issued}, already issued {replayed}, rejected {errors.Count} in {watch.Elapsed.TotalSeconds:F1} s ({rate:F0} licences/s)");
        if (errors.Count > 0)
        {
            Console.WriteLine($"rejected rows: {report}");
        }

        return errors.Count == 0 ? 0 : 3;
    }

    private static void Progress(int done, int total, TimeSpan elapsed)
    {
        if (Console.IsErrorRedirected && done != total)
        {
            return;
        }

        const int width = 30;
        var filled = total == 0 ? width : done * width / total;
        Console.Error.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {done}/{total} ({done / Math.Max(elapsed.TotalSeconds, 0.001):F0}/s)");
    }

    private static Command WithDatabase(Command command)
    {
        command.Options.Add(Sqlite);
        command.Options.Add(Postgres);
        command.Validators.Add(result =>
        {
            if ((result.GetValue(Sqlite) is null) == (result.GetValue(Postgres) is null))
            {
                result.AddError("Give exactly one of --sqlite FILE or --postgres CONNECTION-STRING.");
            }
        });
        return command;
    }

    private static IDatabase Database(ParseResult result) =>
        result.GetValue(Sqlite) is { } file ? new SqliteDatabase(file.FullName) : new PostgresDatabase(result.GetValue(Postgres)!);
}
