using System.CommandLine;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Results;
using LicenceTrust.Issuance;
using LicenceTrust.Storage;
using LicenceTrust.Storage.Postgres;
using LicenceTrust.Storage.Sqlite;

namespace LicenceTrust.Cli;

/// <summary>Node administration against its database: migrate, API keys, officers, audit verification; batch issue in <see cref="IssueCommand"/>.</summary>
internal static class NodeCommands
{
    private static readonly Option<FileInfo?> Sqlite = new("--sqlite") { Description = "The node's SQLite database file." };
    private static readonly Option<string?> Postgres = new("--postgres") { Description = "The node's PostgreSQL connection string." };

    public static IEnumerable<Command> Create() => [Db(), ApiKey(), Staff(), Officer(), Audit(), IssueCommand.Create()];

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
                return Refused(e);
            }
        });
        var command = new Command("officer", "Authority console officers.");
        command.Subcommands.Add(create);
        return command;
    }

    private static Command ApiKey()
    {
        var role = new Option<string>("--role") { Description = "authority, partner, holder-app or admin.", Required = true };
        var name = new Option<string>("--name") { Description = "Who the key is for (shown in the audit log).", Required = true };
        var authority = new Option<string?>("--authority") { Description = "The authority's unified social credit code (role authority only)." };
        var create = WithDatabase(new Command("create", "Create an API key; the key is printed once and stored only as a hash."));
        create.Options.Add(role);
        create.Options.Add(name);
        create.Options.Add(authority);
        create.SetAction(async (result, cancellationToken) =>
        {
            if (!Enum.TryParse<ActorRole>(result.GetValue(role)?.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var actorRole) || !Enum.IsDefined(actorRole))
            {
                Console.Error.WriteLine("--role: use authority, partner, holder-app or admin.");
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

    /// <summary>A refusal of the product's rules, as every command reports it: its code and message on standard error, exit code 2.</summary>
    internal static int Refused(LicenceTrustException refusal)
    {
        Console.Error.WriteLine($"{refusal.Error.Code}: {refusal.Message}");
        return 2;
    }

    internal static Command WithDatabase(Command command)
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

    internal static IDatabase Database(ParseResult result) =>
        result.GetValue(Sqlite) is { } file ? new SqliteDatabase(file.FullName) : new PostgresDatabase(result.GetValue(Postgres)!);
}
