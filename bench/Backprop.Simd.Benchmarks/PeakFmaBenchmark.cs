using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace Backprop.Simd.Benchmarks;

/// <summary>
/// This core's peak float FMA rate: 16 independent register chains of FMAs (enough to cover
/// latency times throughput), nothing loaded or stored. GEMM's share of peak is measured against it
/// in the same run.
/// </summary>
[MemoryDiagnoser]
public class PeakFmaBenchmark : IFlopCount
{
    private const int Steps = 100_000;

    public double Flops(string method) => method switch
    {
        nameof(Fma512) => Steps * 16.0 * 16 * 2,
        _ => Steps * 16.0 * 8 * 2,
    };

    [Benchmark]
    public float Fma512()
    {
        if (!Vector512.IsHardwareAccelerated) return Fma256();
        var m = Vector512.Create(0.999f);
        var s = Vector512.Create(1e-3f);
        Vector512<float> a0 = m, a1 = m, a2 = m, a3 = m, a4 = m, a5 = m, a6 = m, a7 = m;
        Vector512<float> a8 = m, a9 = m, a10 = m, a11 = m, a12 = m, a13 = m, a14 = m, a15 = m;
        for (int i = 0; i < Steps; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, s); a1 = Vector512.FusedMultiplyAdd(a1, m, s);
            a2 = Vector512.FusedMultiplyAdd(a2, m, s); a3 = Vector512.FusedMultiplyAdd(a3, m, s);
            a4 = Vector512.FusedMultiplyAdd(a4, m, s); a5 = Vector512.FusedMultiplyAdd(a5, m, s);
            a6 = Vector512.FusedMultiplyAdd(a6, m, s); a7 = Vector512.FusedMultiplyAdd(a7, m, s);
            a8 = Vector512.FusedMultiplyAdd(a8, m, s); a9 = Vector512.FusedMultiplyAdd(a9, m, s);
            a10 = Vector512.FusedMultiplyAdd(a10, m, s); a11 = Vector512.FusedMultiplyAdd(a11, m, s);
            a12 = Vector512.FusedMultiplyAdd(a12, m, s); a13 = Vector512.FusedMultiplyAdd(a13, m, s);
            a14 = Vector512.FusedMultiplyAdd(a14, m, s); a15 = Vector512.FusedMultiplyAdd(a15, m, s);
        }

        return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)) + ((a12 + a13) + (a14 + a15)));
    }

    [Benchmark]
    public float Fma256()
    {
        var m = Vector256.Create(0.999f);
        var s = Vector256.Create(1e-3f);
        Vector256<float> a0 = m, a1 = m, a2 = m, a3 = m, a4 = m, a5 = m, a6 = m, a7 = m;
        Vector256<float> a8 = m, a9 = m, a10 = m, a11 = m, a12 = m, a13 = m, a14 = m, a15 = m;
        for (int i = 0; i < Steps; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, s); a1 = Vector256.FusedMultiplyAdd(a1, m, s);
            a2 = Vector256.FusedMultiplyAdd(a2, m, s); a3 = Vector256.FusedMultiplyAdd(a3, m, s);
            a4 = Vector256.FusedMultiplyAdd(a4, m, s); a5 = Vector256.FusedMultiplyAdd(a5, m, s);
            a6 = Vector256.FusedMultiplyAdd(a6, m, s); a7 = Vector256.FusedMultiplyAdd(a7, m, s);
            a8 = Vector256.FusedMultiplyAdd(a8, m, s); a9 = Vector256.FusedMultiplyAdd(a9, m, s);
            a10 = Vector256.FusedMultiplyAdd(a10, m, s); a11 = Vector256.FusedMultiplyAdd(a11, m, s);
            a12 = Vector256.FusedMultiplyAdd(a12, m, s); a13 = Vector256.FusedMultiplyAdd(a13, m, s);
            a14 = Vector256.FusedMultiplyAdd(a14, m, s); a15 = Vector256.FusedMultiplyAdd(a15, m, s);
        }

        return Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)) + ((a12 + a13) + (a14 + a15)));
    }
}
