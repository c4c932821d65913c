using BenchmarkDotNet.Attributes;

namespace Backprop.Simd.Benchmarks;

/// <summary>
/// One mini-batch step (gather, backprop, gradient sum, update) of [784, 30, 10] at batch 10 under each
/// update rule: the price of Adam's two moments against the lecture's SGD. Generated data, one thread.
/// </summary>
[MemoryDiagnoser]
public class OptimizerStepBenchmarks
{
    private Trainer _trainer = null!;

    [Params("sgd", "momentum", "adam", "adamw")]
    public string Rule { get; set; } = "sgd";

    [GlobalSetup]
    public void Setup()
    {
        var random = new SeededRandom(5);
        var inputs = new float[6_000 * 784];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextDouble();
        var labels = new int[6_000];
        for (int i = 0; i < labels.Length; i++) labels[i] = random.NextInt(10);
        var network = Network<float>.Create(NetworkLayout.Uniform([784, 30, 10], Activation.Sigmoid), Initialization.Scaled, 1);
        TrainingOptions options = Rule switch
        {
            "momentum" => new TrainingOptions { Optimizer = Optimizer.Momentum, Momentum = 0.9, Eta = 0.5 },
            "adam" => new TrainingOptions { Optimizer = Optimizer.Adam, Eta = 1e-3 },
            "adamw" => new TrainingOptions { Optimizer = Optimizer.AdamW, Eta = 1e-3, WeightDecay = 0.01 },
            _ => new TrainingOptions { Eta = 0.5 },
        };
        _trainer = new Trainer(network, Backprop.Simd.Dataset.FromArrays(inputs, 784, labels, 10), options with { BatchSize = 10, Epochs = int.MaxValue });
        _trainer.TrainEpoch(1); // sets up the first mini-batch; Step() then repeats it
    }

    [GlobalCleanup]
    public void Cleanup() => _trainer.Dispose();

    [Benchmark]
    public double Step() => _trainer.Step();
}
