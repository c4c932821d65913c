using BenchmarkDotNet.Attributes;
using Backprop.Simd.Kernels;

namespace Backprop.Simd.Benchmarks;

/// <summary>The scalar twin of square GEMM (at 1024 it needs seconds a call, so it stops at 512). Flops: 2 n^3.</summary>
[MemoryDiagnoser]
public class GemmScalarBenchmarks : IFlopCount
{
    private float[] _a = [], _b = [], _c = [];

    [Params(128, 512)]
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

    [Benchmark] public void MultiplyScalar() => Reference.Multiply<float>(_a, _b, Size, Size, Size, _c);
}
