using System.Numerics;
using System.Runtime.InteropServices;

namespace Backprop.Simd.Kernels;

/// <summary>Width and path dispatch for the three GEMM shapes; callers have validated the shapes.</summary>
internal static class Gemm
{
    /// <summary>
    /// Below this in any dimension, packing costs more than it saves. Measured on the 784-input layer
    /// at batch 128 with 100 outputs: the direct kernels take 164 / 153 / 144 us for the forward,
    /// backward and weight-gradient products against 311 / 194 / 212 us packed.
    /// </summary>
    internal const int PackedThreshold = 128;

    private static bool UsePacked(GemmPath path, int m, int k, int n) =>
        path == GemmPath.Packed || (path == GemmPath.Auto && Math.Min(m, Math.Min(k, n)) >= PackedThreshold);

    /// <summary>C[m, n] (+)= A(i, p) B[p, n] with B row-major; A any strided view.</summary>
    public static void AxpyForm<T>(in Matrix<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate, GemmPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T rb = ref MemoryMarshal.GetReference(b);
        ref T rc = ref MemoryMarshal.GetReference(c);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) c.Clear();
            return;
        }

        if (UsePacked(path, m, k, n))
        {
            var bView = new Matrix<T>(ref rb, n, 1);
            if (Simd512<T>.IsHardwareAccelerated) PackedGemm.Multiply<T, Simd512<T>>(a, bView, ref rc, m, k, n, accumulate);
            else if (Simd256<T>.IsHardwareAccelerated) PackedGemm.Multiply<T, Simd256<T>>(a, bView, ref rc, m, k, n, accumulate);
            else if (Simd128<T>.IsHardwareAccelerated) PackedGemm.Multiply<T, Simd128<T>>(a, bView, ref rc, m, k, n, accumulate);
            else PackedGemm.Multiply<T, SimdScalar<T>>(a, bView, ref rc, m, k, n, accumulate);
            return;
        }

        // The vectors run along n: the widest register that n fills, so that a narrow layer (13 inputs of a
        // tabular set) gets one full vector and one masked tail instead of thirteen scalar FMA chains.
        if (Simd512<T>.IsHardwareAccelerated && n >= Simd512<T>.Count) DirectGemm.AxpyForm<T, Simd512<T>>(a, ref rb, ref rc, m, k, n, accumulate);
        else if (Simd256<T>.IsHardwareAccelerated && n >= Simd256<T>.Count) DirectGemm.AxpyForm<T, Simd256<T>>(a, ref rb, ref rc, m, k, n, accumulate);
        else if (Simd128<T>.IsHardwareAccelerated && n >= Simd128<T>.Count) DirectGemm.AxpyForm<T, Simd128<T>>(a, ref rb, ref rc, m, k, n, accumulate);
        else DirectGemm.AxpyForm<T, SimdScalar<T>>(a, ref rb, ref rc, m, k, n, accumulate);
    }

    /// <summary>C[m, n] (+)= A[m, k] B[n, k]^T, both row-major.</summary>
    public static void DotForm<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate, GemmPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T ra = ref MemoryMarshal.GetReference(a);
        ref T rb = ref MemoryMarshal.GetReference(b);
        ref T rc = ref MemoryMarshal.GetReference(c);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) c.Clear();
            return;
        }

        if (UsePacked(path, m, k, n))
        {
            var aView = new Matrix<T>(ref ra, k, 1);
            var bView = new Matrix<T>(ref rb, 1, k);
            if (Simd512<T>.IsHardwareAccelerated) PackedGemm.Multiply<T, Simd512<T>>(aView, bView, ref rc, m, k, n, accumulate);
            else if (Simd256<T>.IsHardwareAccelerated) PackedGemm.Multiply<T, Simd256<T>>(aView, bView, ref rc, m, k, n, accumulate);
            else if (Simd128<T>.IsHardwareAccelerated) PackedGemm.Multiply<T, Simd128<T>>(aView, bView, ref rc, m, k, n, accumulate);
            else PackedGemm.Multiply<T, SimdScalar<T>>(aView, bView, ref rc, m, k, n, accumulate);
            return;
        }

        // The vectors run along k: the widest register that k fills (see AxpyForm).
        if (Simd512<T>.IsHardwareAccelerated && k >= Simd512<T>.Count) DirectGemm.DotForm<T, Simd512<T>>(ref ra, ref rb, ref rc, m, k, n, accumulate);
        else if (Simd256<T>.IsHardwareAccelerated && k >= Simd256<T>.Count) DirectGemm.DotForm<T, Simd256<T>>(ref ra, ref rb, ref rc, m, k, n, accumulate);
        else if (Simd128<T>.IsHardwareAccelerated && k >= Simd128<T>.Count) DirectGemm.DotForm<T, Simd128<T>>(ref ra, ref rb, ref rc, m, k, n, accumulate);
        else DirectGemm.DotForm<T, SimdScalar<T>>(ref ra, ref rb, ref rc, m, k, n, accumulate);
    }
}
