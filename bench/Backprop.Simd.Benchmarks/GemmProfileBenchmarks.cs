using BenchmarkDotNet.Attributes;
using Backprop.Simd.Kernels;

namespace Backprop.Simd.Benchmarks;

/// <summary>
/// Where a packed square product's time goes: the whole product, its packing alone, and its
/// micro-kernels alone over panels packed before (what is left when packing is free). Beside
/// <see cref="PeakFmaBenchmark"/> (registers only) this splits the gap to the peak into packing, the
/// micro-kernels' memory traffic, and the rest. Flops: 2 n^3 for every phase, so the GFLOP/s column
/// reads as "the product's rate if only this phase cost time".
/// </summary>
[MemoryDiagnoser]
public class GemmProfileBenchmarks : IFlopCount
{
    private float[] _a = [], _b = [], _c = [];

    [Params(512, 1024)]
    public int Size { get; set; }

    [Params("all", "pack", "compute")]
    public string Phase { get; set; } = "all";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _a = Enumerable.Range(0, Size * Size).Select(_ => random.NextSingle() - 0.5f).ToArray();
        _b = Enumerable.Range(0, Size * Size).Select(_ => random.NextSingle() - 0.5f).ToArray();
        _c = new float[Size * Size];
        Multiply(GemmPhases.All);
    }

    public double Flops(string method) => 2.0 * Size * Size * Size;

    [Benchmark]
    public void Product() => Multiply(Phase switch { "pack" => GemmPhases.Pack, "compute" => GemmPhases.Compute, _ => GemmPhases.All });

    private void Multiply(GemmPhases phases)
    {
        var a = new Matrix<float>(ref _a[0], Size, 1);
        var b = new Matrix<float>(ref _b[0], Size, 1);
        Gemm.Packed(a, b, ref _c[0], Size, Size, Size, false, phases);
    }
}
