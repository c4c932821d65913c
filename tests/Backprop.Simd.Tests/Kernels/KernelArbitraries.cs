using FsCheck;
using FsCheck.Fluent;

namespace Backprop.Simd.Tests.Kernels;

/// <summary>A span length in 0..2,000 and a seed for its values: every tail modulo every register width appears.</summary>
public sealed record SpanCase(int Length, int Seed);

/// <summary>A GEMM shape (m, k, n) with a seed; a quarter of the cases are degenerate (1 x n, n x 1, zero).</summary>
public sealed record ShapeCase(int M, int K, int N, int Seed);

/// <summary>FsCheck generators for the kernel properties; shrinking goes toward short spans and small shapes.</summary>
public static class KernelArbitraries
{
    public static Arbitrary<SpanCase> SpanCase() =>
        Arb.From(
            Gen.Choose(0, 2000).Zip(Gen.Choose(0, int.MaxValue)).Select(t => new SpanCase(t.Item1, t.Item2)),
            ShrinkSpan);

    public static Arbitrary<ShapeCase> ShapeCase()
    {
        Gen<int> dimension = Gen.Frequency(
            (6, Gen.Choose(1, 100)),
            (2, Gen.Choose(64, 160)),
            (1, Gen.Constant(1)),
            (1, Gen.Choose(0, 2)));
        return Arb.From(
            dimension.Zip(dimension).Zip(dimension.Zip(Gen.Choose(0, int.MaxValue)))
                .Select(t => new ShapeCase(t.Item1.Item1, t.Item1.Item2, t.Item2.Item1, t.Item2.Item2)),
            ShrinkShape);
    }

    private static IEnumerable<SpanCase> ShrinkSpan(SpanCase c)
    {
        if (c.Length > 0) yield return c with { Length = c.Length / 2 };
        if (c.Length > 0) yield return c with { Length = c.Length - 1 };
    }

    private static IEnumerable<ShapeCase> ShrinkShape(ShapeCase c)
    {
        if (c.M > 1) yield return c with { M = c.M / 2 };
        if (c.K > 1) yield return c with { K = c.K / 2 };
        if (c.N > 1) yield return c with { N = c.N / 2 };
    }
}
