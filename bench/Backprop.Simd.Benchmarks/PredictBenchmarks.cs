using BenchmarkDotNet.Attributes;

namespace Backprop.Simd.Benchmarks;

/// <summary>Single-sample and 1,000-sample predictions of trained-size networks. Flops: 2 per weight per sample.</summary>
[MemoryDiagnoser]
public class PredictBenchmarks : IFlopCount
{
    private Predictor _predictor = null!;
    private float[] _input = [], _output = [], _inputs = [], _outputs = [];

    [Params("784,30,10", "784,100,10")]
    public string Layers { get; set; } = "784,30,10";

    // Float32 is the trainer's bits; BFloat16 the opt-in half-size weight store.
    [Params(WeightPrecision.Float32, WeightPrecision.BFloat16)]
    public WeightPrecision Weights { get; set; } = WeightPrecision.Float32;

    [GlobalSetup]
    public void Setup()
    {
        int[] sizes = Layers.Split(',').Select(int.Parse).ToArray();
        _predictor = new Predictor(Network<float>.Create(NetworkLayout.Uniform(sizes, Activation.Sigmoid), Initialization.Scaled, 1), DataSchema.None, Weights);
        var random = new Random(42);
        _inputs = Enumerable.Range(0, 1000 * sizes[0]).Select(_ => random.NextSingle()).ToArray();
        _input = _inputs[..sizes[0]];
        _output = new float[sizes[^1]];
        _outputs = new float[1000 * sizes[^1]];
    }

    public double Flops(string method)
    {
        int[] sizes = Layers.Split(',').Select(int.Parse).ToArray();
        double perSample = 0;
        for (int i = 0; i + 1 < sizes.Length; i++) perSample += 2.0 * sizes[i] * sizes[i + 1];
        return method == nameof(PredictBatchOf1000) ? 1000 * perSample : perSample;
    }

    [Benchmark] public void Predict() => _predictor.Predict(_input, _output);

    // The same forward without the finite check on the input: the difference is what the check costs.
    [Benchmark] public void PredictUnchecked() => _predictor.PredictUnchecked(_input, _output);

    [Benchmark] public void PredictBatchOf1000() => _predictor.PredictBatch(_inputs, 1000, _outputs);
}
