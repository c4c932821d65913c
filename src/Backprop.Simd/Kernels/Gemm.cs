using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Simd.Kernels;

/// <summary>Path and width dispatch for the GEMM forms; callers have validated the shapes.</summary>
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
            Packed(a, new Matrix<T>(ref rb, n, 1), ref rc, m, k, n, accumulate);
            return;
        }

        // The vectors run along n: the widest register that n fills, so that a narrow layer (13 inputs of a
        // tabular set) gets one full vector and one masked tail instead of thirteen scalar FMA chains.
        // Written out with WidthDispatch's rule rather than through a struct, as Elementwise is: these run per layer
        // on products as small as a tabular predictor's (13 inputs), where a call's overhead shows.
        if (WidthDispatch.Fills<T, Simd512<T>>(n)) AxpyGemm.Multiply<T, Simd512<T>>(a, ref rb, ref rc, m, k, n, accumulate);
        else if (WidthDispatch.Fills<T, Simd256<T>>(n)) AxpyGemm.Multiply<T, Simd256<T>>(a, ref rb, ref rc, m, k, n, accumulate);
        else if (WidthDispatch.Fills<T, Simd128<T>>(n)) AxpyGemm.Multiply<T, Simd128<T>>(a, ref rb, ref rc, m, k, n, accumulate);
        else AxpyGemm.Multiply<T, SimdScalar<T>>(a, ref rb, ref rc, m, k, n, accumulate);
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
            Packed(new Matrix<T>(ref ra, k, 1), new Matrix<T>(ref rb, 1, k), ref rc, m, k, n, accumulate);
            return;
        }

        // The vectors run along k: the widest register that k fills (see AxpyForm).
        if (WidthDispatch.Fills<T, Simd512<T>>(k)) DotGemm.Multiply<T, Simd512<T>>(ref ra, ref rb, ref rc, m, k, n, accumulate);
        else if (WidthDispatch.Fills<T, Simd256<T>>(k)) DotGemm.Multiply<T, Simd256<T>>(ref ra, ref rb, ref rc, m, k, n, accumulate);
        else if (WidthDispatch.Fills<T, Simd128<T>>(k)) DotGemm.Multiply<T, Simd128<T>>(ref ra, ref rb, ref rc, m, k, n, accumulate);
        else DotGemm.Multiply<T, SimdScalar<T>>(ref ra, ref rb, ref rc, m, k, n, accumulate);
    }

    /// <summary>
    /// C[m, n] (+)= A B through packed panels at the widest register (their layout is made for it);
    /// <paramref name="phases"/> as <see cref="PackedGemm.Multiply{T, TVector}"/> takes it.
    /// </summary>
    public static void Packed<T>(in Matrix<T> a, in Matrix<T> b, ref T c, int m, int k, int n, bool accumulate, GemmPhases phases = GemmPhases.All)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kernel = new PackedKernel<T>(a, b, ref c, m, k, n, accumulate, phases);
        WidthDispatch.Widest<T, PackedKernel<T>>(ref kernel);
    }

    private readonly ref struct PackedKernel<T>(Matrix<T> a, Matrix<T> b, ref T c, int m, int k, int n, bool accumulate, GemmPhases phases)
        : IVectorKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly Matrix<T> _a = a;
        private readonly Matrix<T> _b = b;
        private readonly ref T _c = ref c;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Run<TVector>()
            where TVector : struct, IVector<TVector, T> => PackedGemm.Multiply<T, TVector>(_a, _b, ref _c, m, k, n, accumulate, phases);
    }
}
