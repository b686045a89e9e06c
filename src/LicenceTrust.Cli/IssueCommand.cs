using System.CommandLine;
using System.Diagnostics;
using LicenceTrust.Core.Identifiers;
using LicenceTrust.Core.Licences;
using LicenceTrust.Core.Results;
using LicenceTrust.Issuance;
using LicenceTrust.KeyStore;
using LicenceTrust.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using LicenceTrust.Core.Codec;

namespace LicenceTrust.Cli;

/// <summary>
/// <c>issue batch</c>: a batch file under the authority's approval policy (docs/console.md, "The CLI's
/// batch"). Where approval is required (the default) the file is submitted by a clerk who signs in with
/// <c>--officer</c>, and waits for an approver in the console; the node signs it once released. Where the
/// node's settings say <c>IssueApproval: none</c>, it is signed at once with the keys given.
/// </summary>
internal static class IssueCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV with a header row, or JSON Lines (.jsonl): see docs/api.md." };
        var authority = new Option<string>("--authority") { Description = "The issuing authority's credit code; its key must be in --keys.", Required = true };
        var keys = new Option<DirectoryInfo>("--keys") { Description = "Key directory (keys-sample layout): rows are checked against the authority's certificates, and signed with its key where no approval is needed.", Required = true };
        var province = new Option<string>("--province") { Description = "The node's province: a node id of the registry, e.g. cq.", DefaultValueFactory = _ => "cq" };
        var baseUrl = new Option<string?>("--base-url") { Description = "The node's public base URL (status-list URIs). Default: the province's local URL." };
        var chunk = new Option<int>("--chunk") { Description = $"Rows per transaction (1-{BatchOptions.MaxChunkSize}; Issuance:Batch:ChunkSize).", DefaultValueFactory = _ => 500 };
        var licenceTypes = new Option<FileInfo?>("--licence-types") { Description = "The node's licence-type catalogue file (Node:LicenceTypes); default the shipped catalogue. Rows are checked against it." };
        var format = FormatOption.Create("Credential format: LT2 (the default, what nodes issue) or LT1 during a transition (Issuance:CredentialFormat).");
        var settings = new Option<FileInfo?>("--settings") { Description = "The node's JSON settings file (appsettings.json, Node:SettingsFile): the authority's approval policy is read from Issuance:Authorities:<code>:IssueApproval. Without it, approval is required, as at a node." };
        var officer = new Option<string?>("--officer") { Description = "A clerk of the authority who submits the file for approval (the password on the first line of standard input). Needed where the authority's issuing needs approval." };
        var batch = NodeCommands.WithDatabase(new Command("batch", "Issue licences from a file under the authority's approval policy. Bad rows are reported with line and reason and nothing of them is written. Where approval is required, the good rows wait for an approver in the console and the node signs them; where it is not, they are signed at once, and re-running the same file resumes without issuing twice."));
        batch.Arguments.Add(file);
        foreach (var option in new Option[] { authority, keys, province, baseUrl, chunk, licenceTypes, format, settings, officer })
        {
            batch.Options.Add(option);
        }

        var keyOptions = new KeyOptions();
        keyOptions.AddTo(batch);
        batch.SetAction(async (result, cancellationToken) =>
        {
            if (!Province.TryFromNodeId(result.GetValue(province), out var where))
            {
                Console.Error.WriteLine("--province must be a province node id of the registry (e.g. cq, sc, gz).");
                return 2;
            }

            // The CLI composes as the node does (StorageModule.AddStores, IssuanceModule.AddIssuance): the
            // node's settings file, with the command line's --format and --chunk over it, read and checked by
            // the module's own code; then the same batch code as the console's runs.
            ServiceProvider services;
            var code = result.GetValue(authority)!;
            var database = NodeCommands.Database(result);
            var access = keyOptions.Open(result, out var scope);
            using var token = scope;
            ProvinceKeys provinceKeys;
            try
            {
                var configuration = Settings(result.GetValue(settings), FormatOption.ValueOf(result, format), result.GetValue(chunk));
                var catalogue = result.GetValue(licenceTypes) is { } file ? LicenceTypeFiles.Load(file.FullName) : LicenceTypeCatalogue.Shipped;
                var collection = new ServiceCollection()
                    .AddSingleton(database)
                    .AddSingleton(new KeyStoreSite(result.GetValue(keys)!.FullName, "--keys " + result.GetValue(keys)!.FullName, where, access))
                    .AddKeyStore()
                    .AddSingleton(new IssuanceSite(where, catalogue, IssuanceSite.StatusListBaseOf(result.GetValue(baseUrl) ?? IssuanceSite.DefaultUrl(where))))
                    .AddStores()
                    .AddIssuance(configuration);
                services = collection.BuildServiceProvider();
                provinceKeys = services.GetRequiredService<ProvinceKeys>();
                _ = services.GetRequiredService<ApprovalPolicy>();
                _ = services.GetRequiredService<BatchOptions>();
                _ = services.GetRequiredService<IssuanceOptions>();
            }
            catch (Exception e) when (e is InvalidDataException or FileNotFoundException or FormatException)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }

            await using var disposer = services;
            var policy = services.GetRequiredService<ApprovalPolicy>();
            var clerk = result.GetValue(officer);
            if (policy.Requires(code, ApprovalKind.Batch) && clerk is null)
            {
                Console.Error.WriteLine($"BATCH_APPROVAL_REQUIRED: {code}'s issuing needs an approver (Issuance:Authorities:{code}:IssueApproval is required, also when --settings does not say none). " +
                    "Give --officer USER, a clerk of the authority (the password on standard input): the file then waits in the console's 待审核 and the node signs it once an approver releases it.");
                return 2;
            }

            database.Migrate();
            if (!services.GetRequiredService<IIssuerKeys>().Knows(code))
            {
                Console.Error.WriteLine($"--authority: no issuer key of {code} in {result.GetValue(keys)!.FullName}/{where.NodeId}.");
                return 2;
            }

            var input = result.GetValue(file)!.FullName;
            try
            {
                var signedIn = clerk is null ? null : await SignInAsync(services.GetRequiredService<OfficerAccounts>(), clerk, code, cancellationToken);
                if (policy.Requires(code, ApprovalKind.Batch))
                {
                    return await SubmitAsync(services.GetRequiredService<BatchJobs>(), input, signedIn!, cancellationToken);
                }

                var name = provinceKeys.Issuers.First(i => i.Certificate.AuthorityCode == code).Certificate.AuthorityName;
                var actor = signedIn?.AsAuthority ?? new Actor(ActorRole.Authority, $"batch:{name}", code);
                return await SignAsync(services.GetRequiredService<DirectBatch>(), actor, input, cancellationToken);
            }
            catch (LicenceTrustException e)
            {
                return NodeCommands.Refused(e);
            }
        });
        var command = new Command("issue", "Issue licences.");
        command.Subcommands.Add(batch);
        return command;
    }

    /// <summary>
    /// The node's settings file (when given) with the command line over it: <c>Issuance:CredentialFormat</c>
    /// from <c>--format</c> and <c>Issuance:Batch:ChunkSize</c> from <c>--chunk</c>.
    /// </summary>
    private static IConfiguration Settings(FileInfo? path, CredentialEncoding format, int chunk)
    {
        var builder = new ConfigurationBuilder();
        if (path is not null)
        {
            if (!path.Exists)
            {
                throw new FileNotFoundException($"--settings: {path.FullName} was not found.", path.FullName);
            }

            builder.AddJsonFile(path.FullName, optional: false);
        }

        return builder.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{IssuanceModule.Section}:CredentialFormat"] = CredentialFormat.PrefixOf(format).TrimEnd(':'),
            [$"{IssuanceModule.Section}:Batch:ChunkSize"] = chunk.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
    }

    /// <summary>The clerk signs in as at the console (the same throttle and audit entries); the password is the first line of standard input.</summary>
    private static async Task<Officer> SignInAsync(OfficerAccounts accounts, string username, string authorityCode, CancellationToken cancellationToken)
    {
        var password = Console.In.ReadLine() ?? string.Empty;
        var outcome = await accounts.SignInAsync(username, password, cancellationToken);
        if (outcome.Error is { } refused)
        {
            throw new LicenceTrustException(refused);
        }

        var officer = outcome.Account!;
        if (officer.MustChangePassword)
        {
            throw LicenceTrustException.Forbidden("PASSWORD_CHANGE_REQUIRED", $"{officer.Username}须先在控制台修改密码 (the officer must first choose their own password in the console).");
        }

        officer.Require(OfficerRoles.Clerk);
        if (officer.AuthorityCode != authorityCode)
        {
            throw LicenceTrustException.Forbidden("LICENCE_OF_ANOTHER_AUTHORITY", $"{officer.Username}不是{authorityCode}的工作人员 (the officer is not of the authority {authorityCode}).");
        }

        return officer;
    }

    /// <summary>Approval required: the file is linted and stored for an approver; nothing is signed here.</summary>
    private static async Task<int> SubmitAsync(BatchJobs jobs, string path, Officer clerk, CancellationToken cancellationToken)
    {
        var job = await jobs.SubmitAsync(Path.GetFileName(path), await File.ReadAllBytesAsync(path, cancellationToken), clerk, cancellationToken);
        var errors = await jobs.ErrorsAsync(job.Id, clerk, cancellationToken);
        var report = await WriteReportAsync(path, errors);
        Console.WriteLine(job.State == BatchState.AwaitingApproval
            ? $"batch {job.Id} submitted by {clerk.DisplayName}: {job.GoodRows} rows wait for an approver of {job.AuthorityCode} in the console (待审核); the node signs them once released. Refused {job.BadRows}."
            : $"batch {job.Id}: every row was refused ({job.BadRows}); nothing waits for approval.");
        if (report is not null)
        {
            Console.WriteLine($"rejected rows: {report}");
        }

        return errors.Count == 0 ? 0 : 3;
    }

    /// <summary>No approval needed: signed at once, chunk by chunk, with a progress bar.</summary>
    private static async Task<int> SignAsync(DirectBatch batch, Actor actor, string path, CancellationToken cancellationToken)
    {
        var file = BatchFile.Read(path);
        var watch = Stopwatch.StartNew();
        var outcome = await batch.RunAsync(file, actor, new ProgressBar(file.Rows.Count, watch), cancellationToken);
        Console.Error.WriteLine();
        var report = await WriteReportAsync(path, outcome.Errors);
        var rate = outcome.Issued / Math.Max(watch.Elapsed.TotalSeconds, 0.001);
        Console.WriteLine($"issued {outcome.Issued}, already issued {outcome.Replayed}, rejected {outcome.Errors.Count} in {watch.Elapsed.TotalSeconds:F1} s ({rate:F0} licences/s)");
        if (report is not null)
        {
            Console.WriteLine($"rejected rows: {report}");
        }

        return outcome.Errors.Count == 0 ? 0 : 3;
    }

    /// <summary>The refused rows beside the file (FILE.errors.csv), or no report when none was refused (an old one is removed).</summary>
    private static async Task<string?> WriteReportAsync(string path, IReadOnlyList<BatchRowError> errors)
    {
        var report = path + ".errors.csv";
        if (errors.Count == 0)
        {
            File.Delete(report);
            return null;
        }

        await using var output = File.Create(report);
        await BatchFile.WriteErrorsAsync(output, errors.OrderBy(e => e.Line));
        return report;
    }

    /// <summary>A progress bar on standard error (only its last state when standard error is redirected).</summary>
    private sealed class ProgressBar(int total, Stopwatch watch) : IProgress<int>
    {
        public void Report(int done)
        {
            if (Console.IsErrorRedirected && done != total)
            {
                return;
            }

            const int width = 30;
            var filled = total == 0 ? width : done * width / total;
            Console.Error.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {done}/{total} ({done / Math.Max(watch.Elapsed.TotalSeconds, 0.001):F0}/s)");
        }
    }
}
