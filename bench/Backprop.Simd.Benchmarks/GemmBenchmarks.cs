using BenchmarkDotNet.Attributes;
using Backprop.Simd.Kernels;

namespace Backprop.Simd.Benchmarks;

/// <summary>Square float GEMM on one core in its three shapes. Flops: 2 n^3.</summary>
[MemoryDiagnoser]
public class GemmBenchmarks : IFlopCount
{
    private float[] _a = [], _b = [], _c = [];

    [Params(128, 512, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _a = Enumerable.Range(0, Size * Size).Select(_ => random.NextSingle() - 0.5f).ToArray();
        _b = Enumerable.Range(0, Size * Size).Select(_ => random.NextSingle() - 0.5f).ToArray();
        _c = new float[Size * Size];
    }

    public double Flops(string method) => 2.0 * Size * Size * Size;

    [Benchmark] public void Multiply() => Blas3.Multiply<float>(_a, _b, Size, Size, Size, _c);
    [Benchmark] public void MultiplyAddTransposedB() => Blas3.MultiplyAddTransposedB<float>(_a, _b, Size, Size, Size, _c);
    [Benchmark] public void MultiplyTransposedA() => Blas3.MultiplyTransposedA<float>(_a, _b, Size, Size, Size, _c);
}
