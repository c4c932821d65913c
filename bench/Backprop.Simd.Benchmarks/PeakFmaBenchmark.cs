using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace Backprop.Simd.Benchmarks;

/// <summary>
/// This core's peak float FMA rate: 12 independent register chains of FMAs, nothing loaded or
/// stored. GEMM's share of peak is measured against it in the same run.
/// </summary>
/// <remarks>
/// Twelve chains cover the FMA latency times the FMA units (4 cycles x 2 units on Zen 3 to 5 and
/// Skylake-X, so 8 are enough) and, with the two constants, keep 14 registers live: within the 16
/// ymm registers of an AVX2 machine, where 16 chains made the JIT spill and the "peak" fell to 63
/// GFLOP/s against the 90-100 a C loop reaches. <see cref="Fma512"/> runs the 256-bit loop where
/// 512-bit vectors are not accelerated, and then counts 256-bit flops: the figure is always the width
/// that ran. bench/peers/peak_fma.sh is the same loop in C, to check the figure against.
/// </remarks>
[MemoryDiagnoser]
public class PeakFmaBenchmark : IFlopCount
{
    private const int Steps = 100_000;
    private const int Chains = 12;

    public double Flops(string method) =>
        Steps * Chains * 2.0 * (method == nameof(Fma512) && Vector512.IsHardwareAccelerated ? 16 : 8);

    [Benchmark]
    public float Fma512()
    {
        if (!Vector512.IsHardwareAccelerated) return Fma256();
        var m = Vector512.Create(0.999f);
        var s = Vector512.Create(1e-3f);
        Vector512<float> a0 = m, a1 = m, a2 = m, a3 = m, a4 = m, a5 = m, a6 = m, a7 = m, a8 = m, a9 = m, a10 = m, a11 = m;
        for (int i = 0; i < Steps; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, s); a1 = Vector512.FusedMultiplyAdd(a1, m, s);
            a2 = Vector512.FusedMultiplyAdd(a2, m, s); a3 = Vector512.FusedMultiplyAdd(a3, m, s);
            a4 = Vector512.FusedMultiplyAdd(a4, m, s); a5 = Vector512.FusedMultiplyAdd(a5, m, s);
            a6 = Vector512.FusedMultiplyAdd(a6, m, s); a7 = Vector512.FusedMultiplyAdd(a7, m, s);
            a8 = Vector512.FusedMultiplyAdd(a8, m, s); a9 = Vector512.FusedMultiplyAdd(a9, m, s);
            a10 = Vector512.FusedMultiplyAdd(a10, m, s); a11 = Vector512.FusedMultiplyAdd(a11, m, s);
        }

        return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }

    [Benchmark]
    public float Fma256()
    {
        var m = Vector256.Create(0.999f);
        var s = Vector256.Create(1e-3f);
        Vector256<float> a0 = m, a1 = m, a2 = m, a3 = m, a4 = m, a5 = m, a6 = m, a7 = m, a8 = m, a9 = m, a10 = m, a11 = m;
        for (int i = 0; i < Steps; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, s); a1 = Vector256.FusedMultiplyAdd(a1, m, s);
            a2 = Vector256.FusedMultiplyAdd(a2, m, s); a3 = Vector256.FusedMultiplyAdd(a3, m, s);
            a4 = Vector256.FusedMultiplyAdd(a4, m, s); a5 = Vector256.FusedMultiplyAdd(a5, m, s);
            a6 = Vector256.FusedMultiplyAdd(a6, m, s); a7 = Vector256.FusedMultiplyAdd(a7, m, s);
            a8 = Vector256.FusedMultiplyAdd(a8, m, s); a9 = Vector256.FusedMultiplyAdd(a9, m, s);
            a10 = Vector256.FusedMultiplyAdd(a10, m, s); a11 = Vector256.FusedMultiplyAdd(a11, m, s);
        }

        return Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }
}
