using System.Diagnostics;
using Backprop.Simd.Inference;
using Backprop.Simd.Kernels;
using Backprop.Simd.Model;

namespace Backprop.Simd.Benchmarks;

/// <summary>
/// A latency histogram of single-sample predictions (what a service sees), beside the
/// BenchmarkDotNet mean: every call is timed on its own with Stopwatch timestamps (about 20 ns of
/// overhead per reading, included). Run: <c>dotnet run -c Release --project bench/Backprop.Simd.Benchmarks -- latency</c>.
/// </summary>
internal static class PredictLatency
{
    public static void Run(int calls = 1_000_000)
    {
        Console.WriteLine($"Single-sample predict latency, {calls:N0} timed calls after 100,000 warm-up calls, one thread");
        Console.WriteLine("| network | median | p90 | p99 | p99.9 | max | bytes per call |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (int[] sizes in new[] { new[] { 784, 30, 10 }, new[] { 784, 100, 10 } })
        {
            var predictor = new Predictor(Network<float>.Create(NetworkLayout.Uniform(sizes, Activation.Sigmoid), Initialization.Scaled, 1));
            var random = new Random(42);
            float[] inputs = Enumerable.Range(0, 64 * sizes[0]).Select(_ => random.NextSingle()).ToArray();
            var output = new float[sizes[^1]];
            for (int i = 0; i < 100_000; i++) predictor.Predict(inputs.AsSpan(i % 64 * sizes[0], sizes[0]), output);

            var ticks = new long[calls];
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++)
            {
                long start = Stopwatch.GetTimestamp();
                predictor.Predict(inputs.AsSpan(i % 64 * sizes[0], sizes[0]), output);
                ticks[i] = Stopwatch.GetTimestamp() - start;
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Array.Sort(ticks);
            string At(double q) => $"{ticks[Math.Min(calls - 1, (int)(q * calls))] * 1e6 / Stopwatch.Frequency:F3} us";
            Console.WriteLine($"| [{string.Join(", ", sizes)}] | {At(0.5)} | {At(0.9)} | {At(0.99)} | {At(0.999)} | {ticks[^1] * 1e6 / Stopwatch.Frequency:F1} us | {(double)allocated / calls:F1} |");
        }
    }
}
