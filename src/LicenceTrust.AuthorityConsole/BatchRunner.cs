using LicenceTrust.Issuance;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LicenceTrust.AuthorityConsole;

/// <summary>
/// Runs the console's batch jobs in the background (<see cref="BatchJobs.RunNextAsync"/>): whatever is
/// queued, and whatever a stopped or crashed runner left, checked every second. A clean stop gives the
/// lease back, so a restarted node resumes its job at once; after a crash the lease lapses first.
/// </summary>
public sealed partial class BatchRunner(BatchJobs jobs, TimeProvider time, ILogger<BatchRunner> logger) : BackgroundService
{
    /// <summary>This process's lease name: unique per run, so a restarted node never mistakes an old lease for its own.</summary>
    private readonly string _runner = $"{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await jobs.RunNextAsync(_runner, stoppingToken))
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A database outage or a lost lease: the job stays claimable, and the next round retries it.
                Failed(logger, e);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 5100, Level = LogLevel.Warning, Message = "A batch job stopped and will be retried")]
    private static partial void Failed(ILogger logger, Exception exception);
}
