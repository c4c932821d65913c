using BenchmarkDotNet.Attributes;

namespace Backprop.Simd.Benchmarks;

/// <summary>
/// Single-sample predictions of tabular-sized networks as a service runs them: raw inputs standardised
/// by the model's schema, regression outputs mapped back (Regression), or no schema (Plain) for the cost
/// of the preprocessing. Flops: 2 per weight.
/// </summary>
[MemoryDiagnoser]
public class TabularPredictBenchmarks : IFlopCount
{
    private Predictor _plain = null!, _scaled = null!;
    private float[] _input = [], _output = [];

    [Params("13,100,1", "30,100,2", "4,16,3")]
    public string Layers { get; set; } = "13,100,1";

    [GlobalSetup]
    public void Setup()
    {
        int[] sizes = Layers.Split(',').Select(int.Parse).ToArray();
        var network = Network<float>.Create(new NetworkLayout(sizes, [Activation.Relu, Activation.Identity]), Initialization.He, 1);
        var random = new Random(42);
        _input = Enumerable.Range(0, sizes[0]).Select(_ => random.NextSingle() * 100).ToArray();
        _output = new float[sizes[^1]];
        var schema = new DataSchema
        {
            Task = LearningTask.Regression,
            Inputs = new Standardization(Enumerable.Repeat(50f, sizes[0]).ToArray(), Enumerable.Repeat(29f, sizes[0]).ToArray()),
            Targets = new Standardization(Enumerable.Repeat(22f, sizes[^1]).ToArray(), Enumerable.Repeat(9f, sizes[^1]).ToArray()),
        };
        _plain = new Predictor(network);
        _scaled = new Predictor(network, schema);
    }

    public double Flops(string method)
    {
        int[] sizes = Layers.Split(',').Select(int.Parse).ToArray();
        double perSample = 0;
        for (int i = 0; i + 1 < sizes.Length; i++) perSample += 2.0 * sizes[i] * sizes[i + 1];
        return perSample;
    }

    [Benchmark(Baseline = true)] public void Plain() => _plain.Predict(_input, _output);

    [Benchmark] public void Regression() => _scaled.Predict(_input, _output);
}
