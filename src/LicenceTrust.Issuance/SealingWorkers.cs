using System.Collections.Concurrent;

namespace LicenceTrust.Issuance;

/// <summary>
/// Threads of their own, one per core, that sign and re-verify a batch's licences, so that the sealing
/// never holds the thread pool's workers. The store of the chunk before runs on those workers (its
/// continuations), and on the node so do the requests; with the sealing on the pool they waited behind
/// it (docs/performance-history.md, "Sealing on threads of its own"). The threads live as long as the process:
/// each keeps its signer, verifier and deflater (thread-local) from one chunk to the next.
/// </summary>
internal static class SealingWorkers
{
    private static readonly BlockingCollection<Action> Queue = [];
    private static readonly Lazy<int> ThreadCount = new(Start);

    /// <summary>
    /// Runs <paramref name="body"/> for 0 ≤ i &lt; <paramref name="count"/> on the sealing threads. The first
    /// exception stops the rest and fails the task with itself; cancellation stops between items.
    /// </summary>
    public static Task ForAsync(int count, Action<int> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var workers = Math.Min(ThreadCount.Value, count);
        if (workers <= 0)
        {
            return Task.CompletedTask;
        }

        var run = new Run(count, workers, body, cancellationToken);
        for (var w = 0; w < workers; w++)
        {
            Queue.Add(run.Work);
        }

        return run.Completion;
    }

    private static int Start()
    {
        var threads = Math.Max(1, Environment.ProcessorCount);
        for (var i = 0; i < threads; i++)
        {
            new Thread(static () =>
            {
                foreach (var work in Queue.GetConsumingEnumerable())
                {
                    work();
                }
            })
            { IsBackground = true, Name = "LicenceTrust sealing" }.Start();
        }

        return threads;
    }

    /// <summary>One call's items, taken one at a time by each of its workers.</summary>
    private sealed class Run(int count, int workers, Action<int> body, CancellationToken cancellationToken)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _next = -1;
        private int _left = workers;
        private Exception? _failure;

        public Task Completion => _done.Task;

        public void Work()
        {
            try
            {
                int i;
                while (Volatile.Read(ref _failure) is null && (i = Interlocked.Increment(ref _next)) < count)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    body(i);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }

            if (Interlocked.Decrement(ref _left) > 0)
            {
                return;
            }

            if (_failure is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                _done.SetCanceled(cancellationToken);
            }
            else if (_failure is not null)
            {
                _done.SetException(_failure);
            }
            else
            {
                _done.SetResult();
            }
        }
    }
}
