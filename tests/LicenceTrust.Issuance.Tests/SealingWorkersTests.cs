using System.Collections.Concurrent;

namespace LicenceTrust.Issuance.Tests;

/// <summary>The batch's sealing threads (Issuance): every item once, off the thread pool, failures and cancellation as themselves.</summary>
public class SealingWorkersTests
{
    [Fact]
    public async Task Every_item_runs_once_on_the_sealing_threads_and_none_on_the_thread_pool()
    {
        var runs = new int[5_000];
        var onPool = 0;
        var threads = new ConcurrentDictionary<int, string?>();

        await SealingWorkers.ForAsync(runs.Length, i =>
        {
            Interlocked.Increment(ref runs[i]);
            if (Thread.CurrentThread.IsThreadPoolThread)
            {
                Interlocked.Increment(ref onPool);
            }

            threads.TryAdd(Environment.CurrentManagedThreadId, Thread.CurrentThread.Name);
        }, CancellationToken.None);

        Assert.All(runs, count => Assert.Equal(1, count));
        Assert.Equal(0, onPool);
        Assert.InRange(threads.Count, 1, Environment.ProcessorCount);
        Assert.All(threads.Values, name => Assert.Equal("LicenceTrust sealing", name));
    }

    [Fact]
    public async Task Calls_side_by_side_each_complete_with_all_their_items()
    {
        var counts = new int[4];

        await Task.WhenAll(Enumerable.Range(0, counts.Length).Select(call =>
            SealingWorkers.ForAsync(1_000, _ => Interlocked.Increment(ref counts[call]), CancellationToken.None)));

        Assert.All(counts, count => Assert.Equal(1_000, count));
    }

    [Fact]
    public async Task The_first_failure_stops_the_rest_and_fails_the_task_with_itself()
    {
        var ran = 0;

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => SealingWorkers.ForAsync(1_000, i =>
        {
            Interlocked.Increment(ref ran);
            if (i == 10)
            {
                throw new InvalidOperationException("the credential just signed does not verify");
            }

            Thread.Sleep(1);
        }, CancellationToken.None));

        Assert.Equal("the credential just signed does not verify", failure.Message);
        Assert.InRange(ran, 11, 100);
    }

    [Fact]
    public async Task Cancellation_stops_between_items_and_cancels_the_task()
    {
        using var cancel = new CancellationTokenSource();
        var ran = 0;
        var startedAfterCancel = 0;

        var task = SealingWorkers.ForAsync(1_000_000, _ =>
        {
            // An item that starts once the cancellation is visible was let through by a check made just before it:
            // at most one per worker. (How many items run before the cancellation lands is the scheduler's business:
            // the thread cancelling can be preempted inside Cancel while another runs hundreds of items.)
            if (cancel.IsCancellationRequested)
            {
                Interlocked.Increment(ref startedAfterCancel);
            }

            if (Interlocked.Increment(ref ran) == 100)
            {
                cancel.Cancel();
            }
        }, cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.True(task.IsCanceled);
        Assert.InRange(ran, 100, 999_999);
        Assert.InRange(startedAfterCancel, 0, Environment.ProcessorCount);
    }

    [Fact]
    public async Task Nothing_to_do_completes_at_once()
    {
        await SealingWorkers.ForAsync(0, _ => throw new InvalidOperationException("never called"), CancellationToken.None);
    }
}
