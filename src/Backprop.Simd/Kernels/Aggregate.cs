using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Simd.Kernels;

/// <summary>
/// The one loop behind every reduction (dot product, sum, max): four accumulators over whole
/// registers hide the latency of the operation; the last partial register is the one ending at the
/// last element with the lanes already counted set to the operator's seed; a span shorter than one
/// register runs one-lane steps of the same operator. The widest accelerated register is used
/// (<see cref="WidthDispatch.Widest{T, TKernel}"/>'s rule).
/// </summary>
/// <remarks>Callers validate lengths (y as long as x; x non-empty where the seed needs x_0).</remarks>
internal static class Aggregate
{
    /// <summary>s(x_0, y_0) (+) s(x_1, y_1) (+) ...; a unary operator ignores <paramref name="y"/> (pass x).</summary>
    /// <remarks>
    /// The ladder is WidthDispatch.Widest's, written out: through an IVectorKernel struct a softmax of 30
    /// floats measured 75 ns instead of 55 (BenchmarkDotNet, 512-bit path), as the element-wise driver did.
    /// </remarks>
    public static T Of<T, TOperator>(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IAggregateOperator<T>
    {
        ref T rx = ref MemoryMarshal.GetReference(x);
        ref T ry = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)x.Length;
        if (Simd512<T>.IsHardwareAccelerated) return Of<T, TOperator, Simd512<T>>(ref rx, ref ry, n);
        if (Simd256<T>.IsHardwareAccelerated) return Of<T, TOperator, Simd256<T>>(ref rx, ref ry, n);
        if (Simd128<T>.IsHardwareAccelerated) return Of<T, TOperator, Simd128<T>>(ref rx, ref ry, n);
        return Of<T, TOperator, SimdScalar<T>>(ref rx, ref ry, n);
    }

    private static T Of<T, TOperator, TVector>(ref T x, ref T y, nuint n)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IAggregateOperator<T>
        where TVector : struct, IVector<TVector, T>
    {
        nuint w = (nuint)TVector.Count;
        T first = n > 0 ? x : T.Zero;
        if (n < w) return Short<T, TOperator>(ref x, ref y, n, first);

        TVector seed = TOperator.Seed<TVector>(first);
        TVector s0 = seed, s1 = seed, s2 = seed, s3 = seed;
        nuint i = 0;
        for (; i + 4 * w <= n; i += 4 * w)
        {
            s0 = TOperator.Accumulate(s0, TVector.Load(ref x, i), Y<T, TOperator, TVector>(ref y, i));
            s1 = TOperator.Accumulate(s1, TVector.Load(ref x, i + w), Y<T, TOperator, TVector>(ref y, i + w));
            s2 = TOperator.Accumulate(s2, TVector.Load(ref x, i + 2 * w), Y<T, TOperator, TVector>(ref y, i + 2 * w));
            s3 = TOperator.Accumulate(s3, TVector.Load(ref x, i + 3 * w), Y<T, TOperator, TVector>(ref y, i + 3 * w));
        }

        for (; i + w <= n; i += w)
        {
            s0 = TOperator.Accumulate(s0, TVector.Load(ref x, i), Y<T, TOperator, TVector>(ref y, i));
        }

        if (i < n)
        {
            // The register ending at the last element, with the lanes already counted set to the seed.
            TVector mask = Elementwise.TailMask<T, TVector>((int)(n - i));
            TVector tail = TVector.ConditionalSelect(mask, TVector.Load(ref x, n - w), seed);
            s1 = TOperator.Accumulate(s1, tail, Y<T, TOperator, TVector>(ref y, n - w));
        }

        return TOperator.Reduce(TOperator.Combine(TOperator.Combine(s0, s1), TOperator.Combine(s2, s3)));
    }

    // A register of y where the operator reads it (the JIT drops the load of a unary reduction).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Y<T, TOperator, TVector>(ref T y, nuint offset)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IAggregateOperator<T>
        where TVector : struct, IVector<TVector, T> =>
        TOperator.UsesY ? TVector.Load(ref y, offset) : default;

    // Fewer elements than one register: one-lane steps of the same operator, in order.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T Short<T, TOperator>(ref T x, ref T y, nuint n, T first)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IAggregateOperator<T>
    {
        SimdScalar<T> s = TOperator.Seed<SimdScalar<T>>(first);
        for (nuint i = 0; i < n; i++)
        {
            s = TOperator.Accumulate(s, SimdScalar<T>.Create(Unsafe.Add(ref x, i)), SimdScalar<T>.Create(Unsafe.Add(ref y, i)));
        }

        return TOperator.Reduce(s);
    }
}
