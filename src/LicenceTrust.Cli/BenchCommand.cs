using System.CommandLine;
using System.Diagnostics;
using LicenceTrust.Core.Crypto;

namespace LicenceTrust.Cli;

/// <summary><c>licencetrust bench sign</c>: the raw SM2 signing rate of this machine, for comparison with batch issue in the same run.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var seconds = new Option<int>("--seconds") { Description = "Seconds per measurement (1-60).", DefaultValueFactory = _ => 5 };
        var sign = new Command("sign", "Sign a 420-byte message with SM2-SM3 for a fixed time on one core, then on every core; print signatures per second.");
        sign.Options.Add(seconds);
        sign.SetAction(result =>
        {
            var duration = TimeSpan.FromSeconds(Math.Clamp(result.GetValue(seconds), 1, 60));
            var key = SigningKey.Generate(SignatureAlgorithm.Sm2Sm3);
            var message = new byte[420];
            Random.Shared.NextBytes(message);
            Measure(key, message, TimeSpan.FromSeconds(1), 1);
            var single = Measure(key, message, duration, 1);
            var all = Measure(key, message, duration, Environment.ProcessorCount);
            Console.WriteLine($"SM2 sign: {single:F0}/s on 1 core, {all:F0}/s on {Environment.ProcessorCount} cores");
            return 0;
        });
        var bench = new Command("bench", "Quick raw measurements (the full benchmarks are in benchmarks/).");
        bench.Subcommands.Add(sign);
        return bench;
    }

    private static double Measure(SigningKey key, byte[] message, TimeSpan duration, int threads)
    {
        long count = 0;
        var watch = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            long local = 0;
            while (watch.Elapsed < duration)
            {
                key.Sign(message);
                local++;
            }

            Interlocked.Add(ref count, local);
        });
        return count / watch.Elapsed.TotalSeconds;
    }
}
