using System.Numerics;
using System.Runtime.InteropServices;

namespace Backprop.Simd.Kernels;

/// <summary>
/// Level-2 kernels of per-sample backpropagation, W row-major [m, n]:
/// the forward step <c>y = W x + b</c>, the backward step <c>y = W^T x</c> and the
/// gradient accumulation <c>G += d a^T</c>. They run the same register-blocked code as
/// <see cref="Blas3"/>, so a sample gets the same bits per sample as in a mini-batch.
/// </summary>
public static class Blas2
{
    /// <summary>y = W x + b, with W [m, n], x [n], b [m] and y [m].</summary>
    /// <exception cref="ArgumentException">A span's length does not match the shape.</exception>
    public static void Gemv<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> x, ReadOnlySpan<T> b, int m, int n, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckMatrix(w, m, n);
        Require.Length(x, nameof(x), "[n]", n);
        Require.Length(b, nameof(b), "[m]", m);
        Require.Length(y, nameof(y), "[m]", m);
        CheckSeparate(w, x, y);
        Require.NoPartialOverlap(b, nameof(b), y, nameof(y));
        b.CopyTo(y);
        // y^T [1, m] += x^T [1, n] (W [m, n])^T
        Gemm.DotForm(x, w, y, 1, n, m, accumulate: true, GemmPath.Direct);
    }

    /// <summary>y = W^T x, with W [m, n], x [m] and y [n].</summary>
    /// <exception cref="ArgumentException">A span's length does not match the shape.</exception>
    public static void GemvTransposed<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> x, int m, int n, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckMatrix(w, m, n);
        Require.Length(x, nameof(x), "[m]", m);
        Require.Length(y, nameof(y), "[n]", n);
        CheckSeparate(w, x, y);
        // y^T [1, n] = x^T [1, m] W [m, n]
        var xRow = new Matrix<T>(ref MemoryMarshal.GetReference(x), 0, 1);
        Gemm.AxpyForm(xRow, w, y, 1, m, n, accumulate: false, GemmPath.Direct);
    }

    /// <summary>G += d a^T, with d [m], a [n] and G [m, n]: the lecture's dC/dw_gh = a_h delta_g, summed.</summary>
    /// <exception cref="ArgumentException">A span's length does not match the shape.</exception>
    public static void Rank1Update<T>(ReadOnlySpan<T> d, ReadOnlySpan<T> a, int m, int n, Span<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NonNegative(m, nameof(m));
        Require.NonNegative(n, nameof(n));
        Require.Length(d, nameof(d), "[m]", m);
        Require.Length(a, nameof(a), "[n]", n);
        Require.Length(g, nameof(g), "[m, n]", m, n);
        CheckSeparate(g, d, a);
        // G [m, n] += d [m, 1] a^T [1, n]
        var dColumn = new Matrix<T>(ref MemoryMarshal.GetReference(d), 1, 0);
        Gemm.AxpyForm(dColumn, a, g, m, 1, n, accumulate: true, GemmPath.Direct);
    }

    private static void CheckMatrix<T>(ReadOnlySpan<T> w, int m, int n)
    {
        Require.NonNegative(m, nameof(m));
        Require.NonNegative(n, nameof(n));
        Require.Length(w, nameof(w), "[m, n]", m, n);
    }

    private static void CheckSeparate<T>(ReadOnlySpan<T> first, ReadOnlySpan<T> second, ReadOnlySpan<T> destination)
    {
        if (destination.Overlaps(first) || destination.Overlaps(second))
        {
            throw new ArgumentException("The destination must not share memory with an input of a matrix-vector product.", nameof(destination));
        }
    }
}
