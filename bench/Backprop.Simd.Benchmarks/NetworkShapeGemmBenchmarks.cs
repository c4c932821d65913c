using BenchmarkDotNet.Attributes;
using Backprop.Simd.Kernels;

namespace Backprop.Simd.Benchmarks;

/// <summary>
/// The three products of one mini-batch step of a dense layer with 784 inputs, at the shapes
/// training uses (the first layers of [784,30,10], [784,100,10] and [784,256,128,10] at batch 10,
/// 32 and 128): forward Z = X W^T, backward G = Delta W, weight gradient Delta^T X.
/// Flops: 2 batch 784 outputs each.
/// </summary>
[MemoryDiagnoser]
public class NetworkShapeGemmBenchmarks : IFlopCount
{
    private const int Inputs = 784;
    private float[] _x = [], _w = [], _z = [], _delta = [], _g = [], _gradient = [];

    [Params(10, 32, 128)]
    public int Batch { get; set; }

    [Params(30, 100, 256)]
    public int Outputs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        float[] Fill(int n) => Enumerable.Range(0, n).Select(_ => random.NextSingle() - 0.5f).ToArray();
        _x = Fill(Batch * Inputs);
        _w = Fill(Outputs * Inputs);
        _delta = Fill(Batch * Outputs);
        _z = new float[Batch * Outputs];
        _g = new float[Batch * Inputs];
        _gradient = new float[Outputs * Inputs];
    }

    public double Flops(string method) => 2.0 * Batch * Inputs * Outputs;

    [Benchmark] public void Forward() => Blas3.MultiplyAddTransposedB<float>(_x, _w, Batch, Inputs, Outputs, _z);
    [Benchmark] public void Backward() => Blas3.Multiply<float>(_delta, _w, Batch, Outputs, Inputs, _g);
    [Benchmark] public void WeightGradient() => Blas3.MultiplyTransposedA<float>(_delta, _x, Outputs, Batch, Inputs, _gradient);
}
