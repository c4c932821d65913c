using System.Diagnostics;

namespace Backprop.Simd.Benchmarks;

/// <summary>
/// A latency histogram of single-sample predictions (what a service sees), beside the
/// BenchmarkDotNet mean: every call is timed on its own with Stopwatch timestamps (about 20 ns of
/// overhead per reading, included). Each network is exported to ONNX and that one model is run by
/// our Predictor (imported from the ONNX bytes) and by ONNX Runtime's two pre-allocated paths.
/// Run: <c>dotnet run -c Release --project bench/Backprop.Simd.Benchmarks -- latency</c>.
/// </summary>
internal static class PredictLatency
{
    private delegate void Call(ReadOnlySpan<float> input);

    public static void Run(int calls = 1_000_000, int peerCalls = 200_000)
    {
        Console.WriteLine($"Single-sample predict latency, one thread; each call timed on its own after 100,000 warm-up calls");
        Console.WriteLine("| network | engine | calls | median | p90 | p99 | p99.9 | max | bytes per call |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var ratios = new List<string>();
        foreach (int[] sizes in new[] { new[] { 784, 30, 10 }, new[] { 784, 100, 10 } })
        {
            using OnnxComparison engines = OnnxComparison.For(sizes);
            (Predictor predictor, OnnxRuntimePredictor peer) = engines;
            var random = new Random(42);
            float[] inputs = Enumerable.Range(0, 64 * sizes[0]).Select(_ => random.NextSingle()).ToArray();
            var output = new float[sizes[^1]];
            CheckAgreement(predictor, peer, inputs.AsSpan(0, sizes[0]));

            string name = $"[{string.Join(", ", sizes)}]";
            double ours = Measure(name, "Backprop.Simd Predictor", calls, inputs, sizes[0], x => predictor.Predict(x, output));
            double run = Measure(name, "ONNX Runtime, Run with pre-allocated OrtValues", peerCalls, inputs, sizes[0], peer.Run);
            double bound = Measure(name, "ONNX Runtime, RunWithBinding (OrtIoBinding)", peerCalls, inputs, sizes[0], peer.RunBound);
            ratios.Add($"{name}: ONNX Runtime median / ours = {Math.Min(run, bound) / ours:F1}x (fastest ONNX Runtime path)");
        }

        Console.WriteLine();
        foreach (string ratio in ratios) Console.WriteLine(ratio);
    }

    private static void CheckAgreement(Predictor predictor, OnnxRuntimePredictor peer, ReadOnlySpan<float> input)
    {
        var ours = new float[predictor.OutputSize];
        predictor.Predict(input, ours);
        peer.Run(input);
        float difference = 0;
        for (int i = 0; i < ours.Length; i++) difference = MathF.Max(difference, MathF.Abs(ours[i] - peer.Output[i]));
        if (difference > 1e-5f) throw new InvalidOperationException($"ONNX Runtime and our predictor disagree by {difference}.");
    }

    // Returns the median in microseconds.
    private static double Measure(string network, string engine, int calls, float[] inputs, int width, Call call)
    {
        for (int i = 0; i < 100_000; i++) call(inputs.AsSpan(i % 64 * width, width));

        var ticks = new long[calls];
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            call(inputs.AsSpan(i % 64 * width, width));
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Array.Sort(ticks);
        double Micro(long t) => t * 1e6 / Stopwatch.Frequency;
        double At(double q) => Micro(ticks[Math.Min(calls - 1, (int)(q * calls))]);
        Console.WriteLine($"| {network} | {engine} | {calls:N0} | {At(0.5):F3} us | {At(0.9):F3} us | {At(0.99):F3} us | {At(0.999):F3} us | {Micro(ticks[^1]):F1} us | {(double)allocated / calls:F1} |");
        return At(0.5);
    }
}
