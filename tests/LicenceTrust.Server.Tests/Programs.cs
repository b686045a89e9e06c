using System.Diagnostics;
using LicenceTrust.Testing;

namespace LicenceTrust.Server.Tests;

/// <summary>The built CLI and node, run as real child processes.</summary>
internal static class Programs
{
    public static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string Cli => Path.Combine(RepositoryPaths.Root, "src", "LicenceTrust.Cli", "bin", Configuration, "net10.0", "licencetrust.dll");

    public static string Server => Path.Combine(RepositoryPaths.Root, "src", "LicenceTrust.Server", "bin", Configuration, "net10.0", "LicenceTrust.Server.dll");

    /// <summary>
    /// Every program started, killed when the test host exits: a test whose set-up failed half-way (its
    /// dispose never ran) left three node processes syncing for the rest of the machine's day, slowing every
    /// later run.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentBag<Process> Started = Track();

    private static System.Collections.Concurrent.ConcurrentBag<Process> Track()
    {
        var started = new System.Collections.Concurrent.ConcurrentBag<Process>();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in started)
            {
                try
                {
                    if (!process.HasExited)
                    {
                        process.Kill(entireProcessTree: true);
                    }
                }
                catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Already gone, or disposed by its test: nothing to kill.
                }
            }
        };
        return started;
    }

    /// <summary>
    /// The CLI's <c>issue batch</c> options for authorities whose issuing needs no approval: a node settings
    /// file saying <c>IssueApproval: none</c> for each (without it the batch waits for an approver).
    /// </summary>
    public static string NoApproval(params string[] authorities)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("lt-settings-").FullName, "appsettings.json");
        var entries = string.Join(", ", authorities.Select(a => $"\"{a}\": {{ \"IssueApproval\": \"none\" }}"));
        File.WriteAllText(path, $"{{ \"Issuance\": {{ \"Authorities\": {{ {entries} }} }} }}");
        return $" --settings {path}";
    }

    /// <summary>Starts a program; <paramref name="output"/> gets each line of its standard output and error (else they are drained).</summary>
    public static Process Start(string dll, string arguments, string? workingDirectory = null, Action<string>? output = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet", $"{dll} {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? RepositoryPaths.Root,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        Started.Add(process);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                output?.Invoke(line.Data);
            }
        };
        // Standard error goes to the same callback: a "cannot start" line is what a failing test must show.
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                output?.Invoke(line.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs a command to completion; Output is its standard output only.</summary>
    public static async Task<(int Code, string Output)> RunAsync(string dll, string arguments, string? input = null)
    {
        var (code, output, _) = await RunWithErrorsAsync(dll, arguments, input);
        return (code, output);
    }

    /// <summary>
    /// Starts a Chongqing node (the sample keys, accepted although plaintext, a database in <paramref name="folder"/>, then <paramref name="settings"/>)
    /// that must refuse to start as an operator's mistake does: exit 1, the "cannot start" line, no stack trace.
    /// Returns its standard error, for the test to check what it names.
    /// </summary>
    public static async Task<string> NodeRefusalAsync(string folder, params string[] settings)
    {
        var refused = await RunWithErrorsAsync(Server, string.Join(' ',
        [
            $"--urls=http://127.0.0.1:{FreePorts.Next()}", $"--Node:Database={Path.Combine(folder, "cq.db")}", $"--Node:KeysDirectory={RepositoryPaths.KeysSample}",
            "--Node:AllowPlaintextKeys=true", .. settings,
        ]));

        Assert.Equal(1, refused.Code);
        Assert.Contains("LicenceTrust node cannot start:", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Error, StringComparison.Ordinal);
        return refused.Error;
    }

    /// <summary>Runs a program to its end; returns its exit code, standard output and standard error.</summary>
    public static async Task<(int Code, string Output, string Error)> RunWithErrorsAsync(string dll, string arguments, string? input = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet", $"{dll} {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null, WorkingDirectory = RepositoryPaths.Root };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteLineAsync(input);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Still running after two minutes (a node that should have refused to start, and served): the test
            // gets what it wrote, so its failure says why, instead of a bare cancellation.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, await output, await error + $"{Environment.NewLine}(still running after 2 minutes: killed)");
        }

        return (process.ExitCode, await output, await error);
    }
}
