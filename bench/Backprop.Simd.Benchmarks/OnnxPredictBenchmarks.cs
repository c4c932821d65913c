using BenchmarkDotNet.Attributes;

namespace Backprop.Simd.Benchmarks;

/// <summary>
/// One ONNX model (exported from a [784, n, 10] sigmoid network), one sample per call: our Predictor
/// after importing it (float32 weights, and the opt-in bfloat16 store), against ONNX Runtime's
/// pre-allocated Run and IoBinding paths (one thread).
/// </summary>
[MemoryDiagnoser]
public class OnnxPredictBenchmarks
{
    private Predictor _predictor = null!, _bfloat16 = null!;
    private OnnxRuntimePredictor _peer = null!;
    private float[] _input = [], _output = [];

    [Params("784,30,10", "784,100,10")]
    public string Layers { get; set; } = "784,30,10";

    [GlobalSetup]
    public void Setup()
    {
        int[] sizes = Layers.Split(',').Select(int.Parse).ToArray();
        (_predictor, _bfloat16, _peer) = OnnxComparison.For(sizes);
        var random = new Random(42);
        _input = Enumerable.Range(0, sizes[0]).Select(_ => random.NextSingle()).ToArray();
        _output = new float[sizes[^1]];
    }

    [GlobalCleanup]
    public void Cleanup() => _peer.Dispose();

    [Benchmark(Baseline = true)] public void Ours() => _predictor.Predict(_input, _output);

    [Benchmark] public void OursBFloat16() => _bfloat16.Predict(_input, _output);

    [Benchmark] public void OnnxRuntimeRun() => _peer.Run(_input);

    [Benchmark] public void OnnxRuntimeIoBinding() => _peer.RunBound(_input);
}
