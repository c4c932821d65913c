using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Simd.Kernels;

/// <summary>
/// Level-1 kernels on spans: dot product, axpy, scale, add, Hadamard product, sum and max.
/// Lengths are checked once at entry; a destination may be one of the sources (in place).
/// Generic over <see cref="float"/> and <see cref="double"/>.
/// </summary>
public static class Blas1
{
    /// <summary>Returns x . y = sum_i x_i y_i.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.SameLength(x, nameof(x), y, nameof(y));
        ref T rx = ref MemoryMarshal.GetReference(x);
        ref T ry = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)x.Length;
        if (Simd512<T>.IsHardwareAccelerated) return Dot<T, Simd512<T>>(ref rx, ref ry, n);
        if (Simd256<T>.IsHardwareAccelerated) return Dot<T, Simd256<T>>(ref rx, ref ry, n);
        if (Simd128<T>.IsHardwareAccelerated) return Dot<T, Simd128<T>>(ref rx, ref ry, n);
        return Dot<T, SimdScalar<T>>(ref rx, ref ry, n);
    }

    /// <summary>y = alpha x + y (one rounding per element).</summary>
    /// <exception cref="ArgumentException">The lengths differ, or y is a shifted view of x.</exception>
    public static void Axpy<T>(ReadOnlySpan<T> x, T alpha, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.SameLength(x, nameof(x), y, nameof(y));
        Require.NoPartialOverlap(x, nameof(x), y, nameof(y));
        Elementwise.Apply(new AxpyOperator<T>(alpha), x, y, y);
    }

    /// <summary>y = alpha x + beta y: with beta = 1 - eta lambda / n and alpha = -eta / m, one SGD step with weight decay.</summary>
    /// <exception cref="ArgumentException">The lengths differ, or y is a shifted view of x.</exception>
    public static void Axpby<T>(ReadOnlySpan<T> x, T alpha, T beta, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.SameLength(x, nameof(x), y, nameof(y));
        Require.NoPartialOverlap(x, nameof(x), y, nameof(y));
        Elementwise.Apply(new AxpbyOperator<T>(alpha, beta), x, y, y);
    }

    /// <summary>destination = alpha x.</summary>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partly overlap.</exception>
    public static void Scale<T>(ReadOnlySpan<T> x, T alpha, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.SameLength(x, nameof(x), destination, nameof(destination));
        Require.NoPartialOverlap(x, nameof(x), destination, nameof(destination));
        Elementwise.Apply(new ScaleOperator<T>(alpha), x, destination);
    }

    /// <summary>destination = x + y.</summary>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partly overlap.</exception>
    public static void Add<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBinary(x, y, destination);
        Elementwise.Apply(new AddOperator<T>(), x, y, destination);
    }

    /// <summary>destination = x (.) y, the Hadamard (element-wise) product.</summary>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partly overlap.</exception>
    public static void Hadamard<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBinary(x, y, destination);
        Elementwise.Apply(new MultiplyOperator<T>(), x, y, destination);
    }

    /// <summary>Returns sum_i x_i.</summary>
    public static T Sum<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T rx = ref MemoryMarshal.GetReference(x);
        nuint n = (nuint)x.Length;
        if (Simd512<T>.IsHardwareAccelerated) return Sum<T, Simd512<T>>(ref rx, n);
        if (Simd256<T>.IsHardwareAccelerated) return Sum<T, Simd256<T>>(ref rx, n);
        if (Simd128<T>.IsHardwareAccelerated) return Sum<T, Simd128<T>>(ref rx, n);
        return Sum<T, SimdScalar<T>>(ref rx, n);
    }

    /// <summary>Returns max_i x_i; NaN if any element is NaN.</summary>
    /// <exception cref="ArgumentException">x is empty.</exception>
    public static T Max<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotEmpty(x, nameof(x));
        ref T rx = ref MemoryMarshal.GetReference(x);
        nuint n = (nuint)x.Length;
        if (Simd512<T>.IsHardwareAccelerated) return Max<T, Simd512<T>>(ref rx, n);
        if (Simd256<T>.IsHardwareAccelerated) return Max<T, Simd256<T>>(ref rx, n);
        if (Simd128<T>.IsHardwareAccelerated) return Max<T, Simd128<T>>(ref rx, n);
        return Max<T, SimdScalar<T>>(ref rx, n);
    }

    private static void CheckBinary<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> destination)
    {
        Require.SameLength(x, nameof(x), y, nameof(y));
        Require.SameLength(x, nameof(x), destination, nameof(destination));
        Require.NoPartialOverlap(x, nameof(x), destination, nameof(destination));
        Require.NoPartialOverlap(y, nameof(y), destination, nameof(destination));
    }

    // Four independent accumulators hide the FMA latency; the tail is one masked register, or scalar FMAs below one register.
    private static T Dot<T, TVector>(ref T x, ref T y, nuint n)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        nuint w = (nuint)TVector.Count;
        TVector zero = TVector.Create(T.Zero);
        TVector s0 = zero, s1 = zero, s2 = zero, s3 = zero;
        nuint i = 0;
        for (; i + 4 * w <= n; i += 4 * w)
        {
            s0 = TVector.FusedMultiplyAdd(TVector.Load(ref x, i), TVector.Load(ref y, i), s0);
            s1 = TVector.FusedMultiplyAdd(TVector.Load(ref x, i + w), TVector.Load(ref y, i + w), s1);
            s2 = TVector.FusedMultiplyAdd(TVector.Load(ref x, i + 2 * w), TVector.Load(ref y, i + 2 * w), s2);
            s3 = TVector.FusedMultiplyAdd(TVector.Load(ref x, i + 3 * w), TVector.Load(ref y, i + 3 * w), s3);
        }

        for (; i + w <= n; i += w)
        {
            s0 = TVector.FusedMultiplyAdd(TVector.Load(ref x, i), TVector.Load(ref y, i), s0);
        }

        T tail = T.Zero;
        if (i < n)
        {
            if (n >= w)
            {
                // The register ending at the last element, with the lanes already counted masked off.
                TVector mask = Elementwise.TailMask<T, TVector>((int)(n - i));
                TVector tx = TVector.ConditionalSelect(mask, TVector.Load(ref x, n - w), zero);
                s1 = TVector.FusedMultiplyAdd(tx, TVector.Load(ref y, n - w), s1);
            }
            else
            {
                for (; i < n; i++) tail = T.FusedMultiplyAdd(Unsafe.Add(ref x, i), Unsafe.Add(ref y, i), tail);
            }
        }

        return TVector.Sum((s0 + s1) + (s2 + s3)) + tail;
    }

    private static T Sum<T, TVector>(ref T x, nuint n)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        nuint w = (nuint)TVector.Count;
        TVector s0 = TVector.Create(T.Zero), s1 = s0;
        nuint i = 0;
        for (; i + 2 * w <= n; i += 2 * w)
        {
            s0 += TVector.Load(ref x, i);
            s1 += TVector.Load(ref x, i + w);
        }

        for (; i + w <= n; i += w)
        {
            s0 += TVector.Load(ref x, i);
        }

        T tail = T.Zero;
        for (; i < n; i++) tail += Unsafe.Add(ref x, i);

        return TVector.Sum(s0 + s1) + tail;
    }

    private static T Max<T, TVector>(ref T x, nuint n)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        nuint w = (nuint)TVector.Count;
        // Start from the first element so that padding never changes the result.
        TVector best = TVector.Create(x);
        nuint i = 0;
        for (; i + w <= n; i += w)
        {
            best = TVector.Max(best, TVector.Load(ref x, i));
        }

        if (i < n)
        {
            // Max is idempotent: the register ending at the last element may overlap the previous one.
            best = n >= w ? TVector.Max(best, TVector.Load(ref x, n - w)) : best;
            for (; n < w && i < n; i++) best = TVector.Max(best, TVector.Create(Unsafe.Add(ref x, i)));
        }

        return TVector.MaxAcross(best);
    }
}
