using System.Numerics;
using System.Runtime.InteropServices;
using Backprop.Simd.Kernels;

namespace Backprop.Simd;

/// <summary>
/// One dense layer over a slice of samples, rows = samples, forward and backward side by side:
/// <code>
/// forward:  Z = A_prev W^T + 1 b^T,  A = f(Z)                          (dot-form GEMM, activation)
/// backward: dW (+)= Delta^T A_prev,  db (+)= Delta^T 1                  (axpy-form GEMMs)
///           Delta_prev = (Delta W) (.) f'(Z_prev), from A_prev = f(Z_prev)
/// </code>
/// The one copy of the layer math: <see cref="BatchBackprop{T}"/> runs it on its slices,
/// <see cref="SampleBackprop{T}"/> on a slice of one (the same kernels with m = 1, so a sample gets the
/// same bits alone as in a batch). The <see cref="Predictor"/> writes the same step out for one sample
/// (its product is the re-laid InterleavedGemv where it applies, with these bits).
/// Callers have checked every shape; nothing here checks again.
/// </summary>
internal static class DenseLayer
{
    /// <summary>A [count, fanOut] = f(A_prev [count, fanIn] W^T + 1 b^T), W [fanOut, fanIn]; softmax per row.</summary>
    public static void Forward<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> b, Activation f, ReadOnlySpan<T> aPrev, Span<T> a, int count, int fanIn, int fanOut)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int x = 0; x < count; x++) b.CopyTo(a.Slice(x * fanOut, fanOut));                        // Z = 1 b^T
        Gemm.DotForm(aPrev, w, a, count, fanIn, fanOut, accumulate: true, GemmPath.Auto);             // Z += A_prev W^T
        if (f == Activation.Softmax)
        {
            for (int x = 0; x < count; x++)
            {
                Span<T> row = a.Slice(x * fanOut, fanOut);
                Activations.Softmax<T>(row, row);                                                      // a_x = softmax(z_x)
            }
        }
        else
        {
            Activations.Forward<T>(f, a, a);                                                          // A = f(Z)
        }
    }

    /// <summary>
    /// dW [fanOut, fanIn] and db [fanOut] from Delta [count, fanOut] and A_prev [count, fanIn], added to
    /// (<paramref name="accumulate"/>) or overwriting what they hold; then, unless <paramref name="deltaPrev"/>
    /// is empty (the first layer), Delta_prev [count, fanIn] = (Delta W) (.) f'(Z_prev) for A_prev = fPrev(Z_prev).
    /// <paramref name="ones"/> is at least count ones.
    /// </summary>
    public static void Backward<T>(
        ReadOnlySpan<T> w, ReadOnlySpan<T> delta, ReadOnlySpan<T> aPrev, Activation fPrev, ReadOnlySpan<T> ones,
        Span<T> dW, Span<T> db, Span<T> deltaPrev, int count, int fanIn, int fanOut, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T d = ref MemoryMarshal.GetReference(delta);
        // dW = Delta^T A_prev: Delta seen transposed in place, one FMA chain per weight over the samples in order.
        Gemm.AxpyForm(new Matrix<T>(ref d, 1, fanOut), aPrev, dW, fanOut, count, fanIn, accumulate, GemmPath.Auto);
        // db = Delta^T 1 = sum_x delta_x: one FMA chain per bias, fma(1, d, s) = s + d exactly, in sample order.
        Gemm.AxpyForm(new Matrix<T>(ref MemoryMarshal.GetReference(ones), 0, 1), delta, db, 1, count, fanOut, accumulate, GemmPath.Direct);
        if (deltaPrev.IsEmpty) return;
        Gemm.AxpyForm(new Matrix<T>(ref d, fanOut, 1), w, deltaPrev, count, fanOut, fanIn, accumulate: false, GemmPath.Auto); // Delta W
        Activations.Backward<T>(fPrev, aPrev, deltaPrev, deltaPrev);                                                       // (.) f'(Z_prev)
    }
}
