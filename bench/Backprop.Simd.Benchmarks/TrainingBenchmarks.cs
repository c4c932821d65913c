using BenchmarkDotNet.Attributes;

namespace Backprop.Simd.Benchmarks;

/// <summary>
/// One training epoch over 60,000 samples of 784 inputs and 10 classes: Fashion-MNIST from
/// /usr/share/datasets/fashion-mnist when installed (Debian's dataset-fashion-mnist), otherwise
/// generated data of the same shape. Flops: 6 per weight per sample (forward, backward, gradient).
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks : IFlopCount
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";
    private static Dataset? s_data;
    private Trainer _trainer = null!;
    private int _epoch;

    [Params("784,30,10 batch 10", "784,30,10 batch 128", "784,100,10 batch 10", "784,256,128,10 batch 128")]
    public string Workload { get; set; } = "784,30,10 batch 10";

    [Params(1, 2)]
    public int Threads { get; set; }

    private (int[] Sizes, int Batch) Parse()
    {
        string[] parts = Workload.Split(' ');
        return (parts[0].Split(',').Select(int.Parse).ToArray(), int.Parse(parts[2]));
    }

    [GlobalSetup]
    public void Setup()
    {
        s_data ??= Directory.Exists(FashionMnist) ? MnistFolder.Load(FashionMnist).Train : Generated();
        (int[] sizes, int batch) = Parse();
        var network = Network<float>.Create(NetworkLayout.Uniform(sizes, Activation.Sigmoid), Initialization.Scaled, 1);
        _trainer = new Trainer(network, s_data, new TrainingOptions { BatchSize = batch, Threads = Threads, Eta = 0.5, Epochs = int.MaxValue });
    }

    [GlobalCleanup]
    public void Cleanup() => _trainer.Dispose();

    public double Flops(string method)
    {
        (int[] sizes, _) = Parse();
        double weights = 0;
        for (int i = 0; i + 1 < sizes.Length; i++) weights += (double)sizes[i] * sizes[i + 1];
        return 6 * weights * 60_000;
    }

    /// <summary>One epoch; samples/s = 60,000 / the median.</summary>
    [Benchmark]
    public double Epoch() => _trainer.TrainEpoch(++_epoch).MeanCost;

    private static Dataset Generated()
    {
        var random = new SeededRandom(5);
        var inputs = new float[60_000 * 784];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextDouble();
        var labels = new int[60_000];
        for (int i = 0; i < labels.Length; i++) labels[i] = random.NextInt(10);
        return Dataset.FromArrays(inputs, 784, labels, 10);
    }
}
