using System.Numerics;
using System.Runtime.InteropServices;

namespace Backprop.Simd.Kernels;

/// <summary>
/// The matrix products of mini-batch backpropagation, all operands row-major and dense.
/// With samples as rows: the forward pass is <c>Z = X W^T + b</c> (<see cref="MultiplyAddTransposedB{T}"/>),
/// the backward pass <c>G = Delta W</c> (<see cref="Multiply{T}"/>) and the weight gradient
/// <c>dC/dW = Delta^T X</c> (<see cref="MultiplyTransposedA{T}"/>).
/// Skinny shapes run unpacked register-blocked kernels (<see cref="AxpyGemm"/>, <see cref="DotGemm"/>); when every
/// dimension is at least <see cref="Gemm.PackedThreshold"/> the operands are packed into cache-sized
/// panels (<see cref="PackedGemm"/>) for a micro-kernel of <see cref="PackedGemm.MR"/> rows by two
/// registers.
/// </summary>
public static class Blas3
{
    /// <summary>C = A B, with A [m, k], B [k, n] and C [m, n].</summary>
    /// <exception cref="ArgumentException">A span's length does not match the shape.</exception>
    public static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        MultiplyUsing(GemmPath.Auto, a, b, m, k, n, c);

    /// <summary>C += A B^T, with A [m, k], B [n, k] and C [m, n].</summary>
    /// <exception cref="ArgumentException">A span's length does not match the shape.</exception>
    public static void MultiplyAddTransposedB<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        MultiplyAddTransposedBUsing(GemmPath.Auto, a, b, m, k, n, c);

    /// <summary>C = A^T B, with A [k, m], B [k, n] and C [m, n].</summary>
    /// <exception cref="ArgumentException">A span's length does not match the shape.</exception>
    public static void MultiplyTransposedA<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        MultiplyTransposedAUsing(GemmPath.Auto, a, b, m, k, n, c);

    /// <summary>As the public method, on the given path (tests run both).</summary>
    internal static void MultiplyUsing<T>(GemmPath path, ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(a, "[m, k]", m, k, b, "[k, n]", k, n, c, m, n);
        var aView = new Matrix<T>(ref MemoryMarshal.GetReference(a), k, 1);
        Gemm.AxpyForm(aView, b, c, m, k, n, accumulate: false, path);
    }

    /// <summary>As the public method, on the given path (tests run both).</summary>
    internal static void MultiplyAddTransposedBUsing<T>(GemmPath path, ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(a, "[m, k]", m, k, b, "[n, k]", n, k, c, m, n);
        Gemm.DotForm(a, b, c, m, k, n, accumulate: true, path);
    }

    /// <summary>As the public method, on the given path (tests run both).</summary>
    internal static void MultiplyTransposedAUsing<T>(GemmPath path, ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(a, "[k, m]", k, m, b, "[k, n]", k, n, c, m, n);
        var aView = new Matrix<T>(ref MemoryMarshal.GetReference(a), 1, m);
        Gemm.AxpyForm(aView, b, c, m, k, n, accumulate: false, path);
    }

    private static void CheckShape<T>(
        ReadOnlySpan<T> a, string aShape, int aRows, int aColumns,
        ReadOnlySpan<T> b, string bShape, int bRows, int bColumns,
        ReadOnlySpan<T> c, int m, int n)
    {
        Require.NonNegative(aRows, aShape == "[k, m]" ? "k" : "m");
        Require.NonNegative(aColumns, aShape == "[k, m]" ? "m" : "k");
        Require.NonNegative(bRows, bShape == "[n, k]" ? "n" : "k");
        Require.NonNegative(bColumns, bShape == "[n, k]" ? "k" : "n");
        Require.Length(a, "a", aShape, aRows, aColumns);
        Require.Length(b, "b", bShape, bRows, bColumns);
        Require.Length(c, "c", "[m, n]", m, n);
        Require.NoPartialOverlap(a, "a", c, "c");
        Require.NoPartialOverlap(b, "b", c, "c");
        if (a.Overlaps(c) || b.Overlaps(c))
        {
            throw new ArgumentException("'c' must not share memory with 'a' or 'b': a product cannot be computed in place.", "c");
        }
    }
}
