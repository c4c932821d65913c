using BenchmarkDotNet.Attributes;
using Backprop.Simd.Kernels;

namespace Backprop.Simd.Benchmarks;

/// <summary>
/// Per-sample matrix-vector kernels at the layer shapes of 784-30-10 and 784-100-10 networks
/// (W is [outputs, inputs]), beside their scalar twins. Flops: 2 m n.
/// </summary>
[MemoryDiagnoser]
public class Level2Benchmarks : IFlopCount
{
    private float[] _w = [], _x = [], _b = [], _y = [], _xt = [], _yt = [];
    private int _m, _n;

    [Params("30x784", "10x30", "100x784", "10x100")]
    public string Shape { get; set; } = "30x784";

    [GlobalSetup]
    public void Setup()
    {
        string[] parts = Shape.Split('x');
        (_m, _n) = (int.Parse(parts[0]), int.Parse(parts[1]));
        var random = new Random(42);
        float Next() => random.NextSingle() - 0.5f;
        _w = Enumerable.Range(0, _m * _n).Select(_ => Next()).ToArray();
        _x = Enumerable.Range(0, _n).Select(_ => Next()).ToArray();
        _b = Enumerable.Range(0, _m).Select(_ => Next()).ToArray();
        _xt = Enumerable.Range(0, _m).Select(_ => Next()).ToArray();
        _y = new float[_m];
        _yt = new float[_n];
    }

    public double Flops(string method)
    {
        string[] parts = Shape.Split('x');
        return 2.0 * int.Parse(parts[0]) * int.Parse(parts[1]);
    }

    [Benchmark] public void Gemv() => Blas2.Gemv<float>(_w, _x, _b, _m, _n, _y);
    [Benchmark] public void GemvScalar() => Reference.Gemv<float>(_w, _x, _b, _m, _n, _y);

    [Benchmark] public void GemvTransposed() => Blas2.GemvTransposed<float>(_w, _xt, _m, _n, _yt);
    [Benchmark] public void GemvTransposedScalar() => Reference.GemvTransposed<float>(_w, _xt, _m, _n, _yt);

    [Benchmark] public void Rank1Update() => Blas2.Rank1Update<float>(_xt, _x, _m, _n, _w);
    [Benchmark] public void Rank1UpdateScalar() => Reference.Rank1Update<float>(_xt, _x, _m, _n, _w);
}
