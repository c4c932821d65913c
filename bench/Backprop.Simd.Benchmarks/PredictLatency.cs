using System.Diagnostics;

namespace Backprop.Simd.Benchmarks;

/// <summary>
/// A latency histogram of single-sample predictions (what a service sees), beside the
/// BenchmarkDotNet mean: every call is timed on its own with Stopwatch timestamps (about 20 ns of
/// overhead per reading, included). Each network is exported to ONNX and that one model is run by
/// our Predictor (imported from the ONNX bytes; float32 weights and the opt-in bfloat16 store) and by
/// ONNX Runtime's two pre-allocated paths, and the ratios of the medians are printed at the end.
/// Run: <c>dotnet run -c Release --project bench/Backprop.Simd.Benchmarks -- latency [CALLS]</c>
/// (CALLS per engine of ours, default 1,000,000; ONNX Runtime gets a fifth of them).
/// </summary>
internal static class PredictLatency
{
    private delegate void Call(ReadOnlySpan<float> input);

    public static void Run(int calls = 1_000_000, int peerCalls = 200_000)
    {
        string path = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "avx512 (512-bit registers)"
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "avx2 (256-bit registers)" : "128-bit or scalar";
        Console.WriteLine($"Single-sample predict latency, one thread, path {path}; each call timed on its own after 100,000 warm-up calls");
        Console.WriteLine("| network | engine | calls | median | p90 | p99 | p99.9 | max | bytes per call |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var ratios = new List<string>();
        int[][] networks = [[784, 30, 10], [784, 100, 10]];
        foreach (int[] sizes in networks)
        {
            using OnnxComparison engines = OnnxComparison.For(sizes);
            (Predictor predictor, Predictor bfloat16, OnnxRuntimePredictor peer) = engines;
            var random = new Random(42);
            float[] inputs = Enumerable.Range(0, 64 * sizes[0]).Select(_ => random.NextSingle()).ToArray();
            var output = new float[sizes[^1]];
            CheckAgreement(predictor, peer, inputs.AsSpan(0, sizes[0]));
            float halfDifference = LargestDifference(predictor, bfloat16, inputs, sizes[0]);

            string name = $"[{string.Join(", ", sizes)}]";
            double ours = Measure(name, "Backprop.Simd Predictor (float32 weights)", calls, inputs, sizes[0], x => predictor.Predict(x, output));
            double half = Measure(name, "Backprop.Simd Predictor (bfloat16 weights)", calls, inputs, sizes[0], x => bfloat16.Predict(x, output));
            double run = Measure(name, "ONNX Runtime, Run with pre-allocated OrtValues", peerCalls, inputs, sizes[0], peer.Run);
            double bound = Measure(name, "ONNX Runtime, RunWithBinding (OrtIoBinding)", peerCalls, inputs, sizes[0], peer.RunBound);
            double peerMedian = Math.Min(run, bound);
            ratios.Add($"{name}: fastest ONNX Runtime / ours float32 = {peerMedian / ours:F2}x; / ours bfloat16 = {peerMedian / half:F2}x; " +
                       $"bfloat16 speed-up over float32 = {ours / half:F2}x (largest |output difference| bfloat16 vs float32 over 64 inputs: {halfDifference:G3})");
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

    private static float LargestDifference(Predictor predictor, Predictor other, float[] inputs, int width)
    {
        var a = new float[predictor.OutputSize];
        var b = new float[predictor.OutputSize];
        float difference = 0;
        for (int x = 0; x < inputs.Length / width; x++)
        {
            predictor.Predict(inputs.AsSpan(x * width, width), a);
            other.Predict(inputs.AsSpan(x * width, width), b);
            for (int i = 0; i < a.Length; i++) difference = MathF.Max(difference, MathF.Abs(a[i] - b[i]));
        }

        return difference;
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
