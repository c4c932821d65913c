using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Simd.Kernels;

/// <summary>
/// The axpy form of the unpacked GEMM, C (+)= A B with B row-major, for the skinny shapes of
/// training (a slice of 1..128 samples, 10..100 neurons, 784 inputs: some dimension below
/// <see cref="Gemm.PackedThreshold"/>) where packing would cost more than the arithmetic: a row of C is a sum of rows of B scaled by A's elements, c_i += a_ip b_p.
/// Blocks of rows share each load of B: 6 rows x 4 registers on the 512-bit path (32 registers),
/// 6 x 2 on 16 registers (BLIS's Haswell block), then 4 x 2 and single rows; columns past the
/// last whole register take one masked register, or scalar FMAs where n is shorter than one.
/// Every element of C is one FMA chain over p in the same order whatever block it falls in, so a
/// sample's result never depends on its row in the batch. Used by the backward product
/// G = Delta W, the weight gradient Delta^T A and (one row) <see cref="Blas2.GemvTransposed{T}"/>.
/// Reference: <see cref="Reference.Multiply{T}"/>.
/// </summary>
internal static class AxpyGemm
{

    /// <summary>C[m, n] (+)= A(i, p) B[p, n] for p &lt; k; B row-major with stride n.</summary>
    public static void Multiply<T, TVector>(in Matrix<T> a, ref T b, ref T c, int m, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        int i = 0;
        if (typeof(TVector) == typeof(Simd512<T>))
        {
            // 32 registers: six rows by four registers (24 accumulators) keep both FMA pipes busy.
            for (; i + 6 <= m; i += 6)
            {
                AxpyRows6<T, TVector>(a, ref b, ref c, i, k, n, accumulate);
            }
        }
        else if (TVector.Count > 1)
        {
            // 16 registers: six rows by two registers (12 accumulators, 2 loads, 1 broadcast), BLIS's
            // Haswell block. Four rows by two (8 accumulators) left the FMA pipes half idle on AVX2.
            for (; i + 6 <= m; i += 6)
            {
                AxpyRows6Narrow<T, TVector>(a, ref b, ref c, i, k, n, accumulate);
            }
        }

        for (; i + 4 <= m; i += 4)
        {
            AxpyRows4<T, TVector>(a, ref b, ref c, i, k, n, accumulate);
        }

        for (; i < m; i++)
        {
            AxpyRow1<T, TVector>(a, ref b, ref c, i, k, n, accumulate);
        }
    }

    // Six rows of C, four registers wide: per p, four loads of B and six broadcasts of A feed 24 FMAs.
    // Narrower column blocks and the tail go through the four- and one-row kernels' code paths per
    // element in the same order, so every element is the same FMA chain as elsewhere.
    private static void AxpyRows6<T, TVector>(in Matrix<T> a, ref T b, ref T c, int i, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        // A(i + r, p) through refs hoisted out of the loops: the strided indexer reloaded the view's
        // fields and multiplied per element, and broadcast from a register instead of from memory.
        nint aStep = a.ColumnStride;
        ref T aRow0 = ref a[i, 0];
        ref T aRow1 = ref Unsafe.Add(ref aRow0, a.RowStride);
        ref T aRow2 = ref Unsafe.Add(ref aRow1, a.RowStride);
        ref T aRow3 = ref Unsafe.Add(ref aRow2, a.RowStride);
        ref T aRow4 = ref Unsafe.Add(ref aRow3, a.RowStride);
        ref T aRow5 = ref Unsafe.Add(ref aRow4, a.RowStride);
        int w = TVector.Count;
        int whole = VectorColumns(n, w);
        int wide = whole - whole % (4 * w);
        TVector zero = TVector.Create(T.Zero);
        for (int j = 0; j < wide; j += 4 * w)
        {
            nuint j0 = (nuint)j, j1 = j0 + (nuint)w, j2 = j1 + (nuint)w, j3 = j2 + (nuint)w;
            ref T r0 = ref Unsafe.Add(ref c, (nint)i * n);
            ref T r1 = ref Unsafe.Add(ref r0, n);
            ref T r2 = ref Unsafe.Add(ref r1, n);
            ref T r3 = ref Unsafe.Add(ref r2, n);
            ref T r4 = ref Unsafe.Add(ref r3, n);
            ref T r5 = ref Unsafe.Add(ref r4, n);
            TVector s00 = zero, s01 = zero, s02 = zero, s03 = zero, s10 = zero, s11 = zero, s12 = zero, s13 = zero;
            TVector s20 = zero, s21 = zero, s22 = zero, s23 = zero, s30 = zero, s31 = zero, s32 = zero, s33 = zero;
            TVector s40 = zero, s41 = zero, s42 = zero, s43 = zero, s50 = zero, s51 = zero, s52 = zero, s53 = zero;
            if (accumulate)
            {
                s00 = TVector.Load(ref r0, j0); s01 = TVector.Load(ref r0, j1); s02 = TVector.Load(ref r0, j2); s03 = TVector.Load(ref r0, j3);
                s10 = TVector.Load(ref r1, j0); s11 = TVector.Load(ref r1, j1); s12 = TVector.Load(ref r1, j2); s13 = TVector.Load(ref r1, j3);
                s20 = TVector.Load(ref r2, j0); s21 = TVector.Load(ref r2, j1); s22 = TVector.Load(ref r2, j2); s23 = TVector.Load(ref r2, j3);
                s30 = TVector.Load(ref r3, j0); s31 = TVector.Load(ref r3, j1); s32 = TVector.Load(ref r3, j2); s33 = TVector.Load(ref r3, j3);
                s40 = TVector.Load(ref r4, j0); s41 = TVector.Load(ref r4, j1); s42 = TVector.Load(ref r4, j2); s43 = TVector.Load(ref r4, j3);
                s50 = TVector.Load(ref r5, j0); s51 = TVector.Load(ref r5, j1); s52 = TVector.Load(ref r5, j2); s53 = TVector.Load(ref r5, j3);
            }

            ref T bRow = ref b;
            for (nint p = 0, ap = 0; p < k; p++, ap += aStep, bRow = ref Unsafe.Add(ref bRow, n))
            {
                TVector b0 = TVector.Load(ref bRow, j0), b1 = TVector.Load(ref bRow, j1), b2 = TVector.Load(ref bRow, j2), b3 = TVector.Load(ref bRow, j3);
                TVector x = TVector.Create(Unsafe.Add(ref aRow0, ap));
                s00 = TVector.FusedMultiplyAdd(x, b0, s00); s01 = TVector.FusedMultiplyAdd(x, b1, s01); s02 = TVector.FusedMultiplyAdd(x, b2, s02); s03 = TVector.FusedMultiplyAdd(x, b3, s03);
                x = TVector.Create(Unsafe.Add(ref aRow1, ap));
                s10 = TVector.FusedMultiplyAdd(x, b0, s10); s11 = TVector.FusedMultiplyAdd(x, b1, s11); s12 = TVector.FusedMultiplyAdd(x, b2, s12); s13 = TVector.FusedMultiplyAdd(x, b3, s13);
                x = TVector.Create(Unsafe.Add(ref aRow2, ap));
                s20 = TVector.FusedMultiplyAdd(x, b0, s20); s21 = TVector.FusedMultiplyAdd(x, b1, s21); s22 = TVector.FusedMultiplyAdd(x, b2, s22); s23 = TVector.FusedMultiplyAdd(x, b3, s23);
                x = TVector.Create(Unsafe.Add(ref aRow3, ap));
                s30 = TVector.FusedMultiplyAdd(x, b0, s30); s31 = TVector.FusedMultiplyAdd(x, b1, s31); s32 = TVector.FusedMultiplyAdd(x, b2, s32); s33 = TVector.FusedMultiplyAdd(x, b3, s33);
                x = TVector.Create(Unsafe.Add(ref aRow4, ap));
                s40 = TVector.FusedMultiplyAdd(x, b0, s40); s41 = TVector.FusedMultiplyAdd(x, b1, s41); s42 = TVector.FusedMultiplyAdd(x, b2, s42); s43 = TVector.FusedMultiplyAdd(x, b3, s43);
                x = TVector.Create(Unsafe.Add(ref aRow5, ap));
                s50 = TVector.FusedMultiplyAdd(x, b0, s50); s51 = TVector.FusedMultiplyAdd(x, b1, s51); s52 = TVector.FusedMultiplyAdd(x, b2, s52); s53 = TVector.FusedMultiplyAdd(x, b3, s53);
            }

            TVector.Store(s00, ref r0, j0); TVector.Store(s01, ref r0, j1); TVector.Store(s02, ref r0, j2); TVector.Store(s03, ref r0, j3);
            TVector.Store(s10, ref r1, j0); TVector.Store(s11, ref r1, j1); TVector.Store(s12, ref r1, j2); TVector.Store(s13, ref r1, j3);
            TVector.Store(s20, ref r2, j0); TVector.Store(s21, ref r2, j1); TVector.Store(s22, ref r2, j2); TVector.Store(s23, ref r2, j3);
            TVector.Store(s30, ref r3, j0); TVector.Store(s31, ref r3, j1); TVector.Store(s32, ref r3, j2); TVector.Store(s33, ref r3, j3);
            TVector.Store(s40, ref r4, j0); TVector.Store(s41, ref r4, j1); TVector.Store(s42, ref r4, j2); TVector.Store(s43, ref r4, j3);
            TVector.Store(s50, ref r5, j0); TVector.Store(s51, ref r5, j1); TVector.Store(s52, ref r5, j2); TVector.Store(s53, ref r5, j3);
        }

        // The columns from `wide` on (whole registers, then the tail): the four-row kernel on rows i..i+3, the one-row kernel on i+4, i+5.
        AxpyRows4<T, TVector>(a, ref b, ref c, i, k, n, accumulate, wide);
        AxpyRow1<T, TVector>(a, ref b, ref c, i + 4, k, n, accumulate, wide);
        AxpyRow1<T, TVector>(a, ref b, ref c, i + 5, k, n, accumulate, wide);
    }

    // Six rows of C, two registers wide: per p, two loads of B and six broadcasts of A feed 12 FMAs.
    // The columns past the last pair of registers go through the four- and one-row kernels, as in AxpyRows6.
    private static void AxpyRows6Narrow<T, TVector>(in Matrix<T> a, ref T b, ref T c, int i, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        nint aStep = a.ColumnStride;
        ref T aRow0 = ref a[i, 0];
        ref T aRow1 = ref Unsafe.Add(ref aRow0, a.RowStride);
        ref T aRow2 = ref Unsafe.Add(ref aRow1, a.RowStride);
        ref T aRow3 = ref Unsafe.Add(ref aRow2, a.RowStride);
        ref T aRow4 = ref Unsafe.Add(ref aRow3, a.RowStride);
        ref T aRow5 = ref Unsafe.Add(ref aRow4, a.RowStride);
        int w = TVector.Count;
        int whole = VectorColumns(n, w);
        int wide = whole - whole % (2 * w);
        TVector zero = TVector.Create(T.Zero);
        ref T r0 = ref Unsafe.Add(ref c, (nint)i * n);
        ref T r1 = ref Unsafe.Add(ref r0, n);
        ref T r2 = ref Unsafe.Add(ref r1, n);
        ref T r3 = ref Unsafe.Add(ref r2, n);
        ref T r4 = ref Unsafe.Add(ref r3, n);
        ref T r5 = ref Unsafe.Add(ref r4, n);
        for (int j = 0; j < wide; j += 2 * w)
        {
            nuint j0 = (nuint)j, j1 = j0 + (nuint)w;
            TVector s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero;
            TVector s30 = zero, s31 = zero, s40 = zero, s41 = zero, s50 = zero, s51 = zero;
            if (accumulate)
            {
                s00 = TVector.Load(ref r0, j0); s01 = TVector.Load(ref r0, j1);
                s10 = TVector.Load(ref r1, j0); s11 = TVector.Load(ref r1, j1);
                s20 = TVector.Load(ref r2, j0); s21 = TVector.Load(ref r2, j1);
                s30 = TVector.Load(ref r3, j0); s31 = TVector.Load(ref r3, j1);
                s40 = TVector.Load(ref r4, j0); s41 = TVector.Load(ref r4, j1);
                s50 = TVector.Load(ref r5, j0); s51 = TVector.Load(ref r5, j1);
            }

            ref T bRow = ref b;
            for (nint p = 0, ap = 0; p < k; p++, ap += aStep, bRow = ref Unsafe.Add(ref bRow, n))
            {
                TVector b0 = TVector.Load(ref bRow, j0), b1 = TVector.Load(ref bRow, j1);
                TVector x = TVector.Create(Unsafe.Add(ref aRow0, ap));
                s00 = TVector.FusedMultiplyAdd(x, b0, s00); s01 = TVector.FusedMultiplyAdd(x, b1, s01);
                x = TVector.Create(Unsafe.Add(ref aRow1, ap));
                s10 = TVector.FusedMultiplyAdd(x, b0, s10); s11 = TVector.FusedMultiplyAdd(x, b1, s11);
                x = TVector.Create(Unsafe.Add(ref aRow2, ap));
                s20 = TVector.FusedMultiplyAdd(x, b0, s20); s21 = TVector.FusedMultiplyAdd(x, b1, s21);
                x = TVector.Create(Unsafe.Add(ref aRow3, ap));
                s30 = TVector.FusedMultiplyAdd(x, b0, s30); s31 = TVector.FusedMultiplyAdd(x, b1, s31);
                x = TVector.Create(Unsafe.Add(ref aRow4, ap));
                s40 = TVector.FusedMultiplyAdd(x, b0, s40); s41 = TVector.FusedMultiplyAdd(x, b1, s41);
                x = TVector.Create(Unsafe.Add(ref aRow5, ap));
                s50 = TVector.FusedMultiplyAdd(x, b0, s50); s51 = TVector.FusedMultiplyAdd(x, b1, s51);
            }

            TVector.Store(s00, ref r0, j0); TVector.Store(s01, ref r0, j1);
            TVector.Store(s10, ref r1, j0); TVector.Store(s11, ref r1, j1);
            TVector.Store(s20, ref r2, j0); TVector.Store(s21, ref r2, j1);
            TVector.Store(s30, ref r3, j0); TVector.Store(s31, ref r3, j1);
            TVector.Store(s40, ref r4, j0); TVector.Store(s41, ref r4, j1);
            TVector.Store(s50, ref r5, j0); TVector.Store(s51, ref r5, j1);
        }

        AxpyRows4<T, TVector>(a, ref b, ref c, i, k, n, accumulate, wide);
        AxpyRow1<T, TVector>(a, ref b, ref c, i + 4, k, n, accumulate, wide);
        AxpyRow1<T, TVector>(a, ref b, ref c, i + 5, k, n, accumulate, wide);
    }

    private static void AxpyRows4<T, TVector>(in Matrix<T> a, ref T b, ref T c, int i, int k, int n, bool accumulate, int firstColumn = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        nint aStep = a.ColumnStride;
        ref T aRow0 = ref a[i, 0];
        ref T aRow1 = ref Unsafe.Add(ref aRow0, a.RowStride);
        ref T aRow2 = ref Unsafe.Add(ref aRow1, a.RowStride);
        ref T aRow3 = ref Unsafe.Add(ref aRow2, a.RowStride);
        int w = TVector.Count;
        ref T c0 = ref Unsafe.Add(ref c, (nint)i * n);
        ref T c1 = ref Unsafe.Add(ref c0, n);
        ref T c2 = ref Unsafe.Add(ref c1, n);
        ref T c3 = ref Unsafe.Add(ref c2, n);
        TVector zero = TVector.Create(T.Zero);
        int whole = VectorColumns(n, w);
        if (whole < n && n >= w)
        {
            AxpyTail<T, TVector>(a, ref b, ref c0, i, k, n, accumulate);
            AxpyTail<T, TVector>(a, ref b, ref c1, i + 1, k, n, accumulate);
            AxpyTail<T, TVector>(a, ref b, ref c2, i + 2, k, n, accumulate);
            AxpyTail<T, TVector>(a, ref b, ref c3, i + 3, k, n, accumulate);
        }

        int j = firstColumn;
        for (; j + 2 * w <= whole; j += 2 * w)
        {
            nuint j0 = (nuint)j, j1 = (nuint)(j + w);
            TVector s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s30 = zero, s31 = zero;
            if (accumulate)
            {
                s00 = TVector.Load(ref c0, j0); s01 = TVector.Load(ref c0, j1);
                s10 = TVector.Load(ref c1, j0); s11 = TVector.Load(ref c1, j1);
                s20 = TVector.Load(ref c2, j0); s21 = TVector.Load(ref c2, j1);
                s30 = TVector.Load(ref c3, j0); s31 = TVector.Load(ref c3, j1);
            }

            ref T bRow = ref b;
            for (nint p = 0, ap = 0; p < k; p++, ap += aStep, bRow = ref Unsafe.Add(ref bRow, n))
            {
                TVector b0 = TVector.Load(ref bRow, j0), b1 = TVector.Load(ref bRow, j1);
                TVector a0 = TVector.Create(Unsafe.Add(ref aRow0, ap));
                s00 = TVector.FusedMultiplyAdd(a0, b0, s00); s01 = TVector.FusedMultiplyAdd(a0, b1, s01);
                TVector a1 = TVector.Create(Unsafe.Add(ref aRow1, ap));
                s10 = TVector.FusedMultiplyAdd(a1, b0, s10); s11 = TVector.FusedMultiplyAdd(a1, b1, s11);
                TVector a2 = TVector.Create(Unsafe.Add(ref aRow2, ap));
                s20 = TVector.FusedMultiplyAdd(a2, b0, s20); s21 = TVector.FusedMultiplyAdd(a2, b1, s21);
                TVector a3 = TVector.Create(Unsafe.Add(ref aRow3, ap));
                s30 = TVector.FusedMultiplyAdd(a3, b0, s30); s31 = TVector.FusedMultiplyAdd(a3, b1, s31);
            }

            TVector.Store(s00, ref c0, j0); TVector.Store(s01, ref c0, j1);
            TVector.Store(s10, ref c1, j0); TVector.Store(s11, ref c1, j1);
            TVector.Store(s20, ref c2, j0); TVector.Store(s21, ref c2, j1);
            TVector.Store(s30, ref c3, j0); TVector.Store(s31, ref c3, j1);
        }

        for (; j + w <= whole; j += w)
        {
            nuint j0 = (nuint)j;
            TVector s0 = accumulate ? TVector.Load(ref c0, j0) : zero;
            TVector s1 = accumulate ? TVector.Load(ref c1, j0) : zero;
            TVector s2 = accumulate ? TVector.Load(ref c2, j0) : zero;
            TVector s3 = accumulate ? TVector.Load(ref c3, j0) : zero;
            ref T bRow = ref b;
            for (nint p = 0, ap = 0; p < k; p++, ap += aStep, bRow = ref Unsafe.Add(ref bRow, n))
            {
                TVector b0 = TVector.Load(ref bRow, j0);
                s0 = TVector.FusedMultiplyAdd(TVector.Create(Unsafe.Add(ref aRow0, ap)), b0, s0);
                s1 = TVector.FusedMultiplyAdd(TVector.Create(Unsafe.Add(ref aRow1, ap)), b0, s1);
                s2 = TVector.FusedMultiplyAdd(TVector.Create(Unsafe.Add(ref aRow2, ap)), b0, s2);
                s3 = TVector.FusedMultiplyAdd(TVector.Create(Unsafe.Add(ref aRow3, ap)), b0, s3);
            }

            TVector.Store(s0, ref c0, j0);
            TVector.Store(s1, ref c1, j0);
            TVector.Store(s2, ref c2, j0);
            TVector.Store(s3, ref c3, j0);
        }

        if (n < w)
        {
            for (int r = 0; r < 4; r++) AxpyScalarColumns(a, ref b, ref c, i + r, k, n, accumulate);
        }
    }

    private static void AxpyRow1<T, TVector>(in Matrix<T> a, ref T b, ref T c, int i, int k, int n, bool accumulate, int firstColumn = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        nint aStep = a.ColumnStride;
        ref T aRow0 = ref a[i, 0];
        int w = TVector.Count;
        ref T cRow = ref Unsafe.Add(ref c, (nint)i * n);
        int whole = VectorColumns(n, w);
        if (whole < n && n >= w) AxpyTail<T, TVector>(a, ref b, ref cRow, i, k, n, accumulate);
        int j = firstColumn;
        for (; j + w <= whole; j += w)
        {
            nuint j0 = (nuint)j;
            TVector s = accumulate ? TVector.Load(ref cRow, j0) : TVector.Create(T.Zero);
            ref T bRow = ref b;
            for (nint p = 0, ap = 0; p < k; p++, ap += aStep, bRow = ref Unsafe.Add(ref bRow, n))
            {
                s = TVector.FusedMultiplyAdd(TVector.Create(Unsafe.Add(ref aRow0, ap)), TVector.Load(ref bRow, j0), s);
            }

            TVector.Store(s, ref cRow, j0);
        }

        if (n < w) AxpyScalarColumns(a, ref b, ref c, i, k, n, accumulate);
    }

    // The columns past the last whole register when a row is at least one register long: the
    // register ending at column n, run before the whole registers so that it reads C's old values
    // in every lane, and stored with its leading lanes (which belong to the last whole register)
    // put back as they were. Each lane is the same FMA chain as a scalar column.
    private static void AxpyTail<T, TVector>(in Matrix<T> a, ref T b, ref T cRow, int i, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        nint aStep = a.ColumnStride;
        ref T aRow0 = ref a[i, 0];
        int w = TVector.Count;
        nuint j0 = (nuint)(n - w);
        TVector old = TVector.Load(ref cRow, j0);
        TVector s = accumulate ? old : TVector.Create(T.Zero);
        ref T bRow = ref b;
        for (nint p = 0, ap = 0; p < k; p++, ap += aStep, bRow = ref Unsafe.Add(ref bRow, n))
        {
            s = TVector.FusedMultiplyAdd(TVector.Create(Unsafe.Add(ref aRow0, ap)), TVector.Load(ref bRow, j0), s);
        }

        TVector.Store(TVector.ConditionalSelect(Elementwise.TailMask<T, TVector>(n % w), s, old), ref cRow, j0);
    }

    // The columns covered by whole registers; AxpyTail does the rest when a row is at least one register long.
    private static int VectorColumns(int n, int w) => n - n % w;

    // A row shorter than one register: the same FMA chain as a vector lane, one element at a time.
    private static void AxpyScalarColumns<T>(in Matrix<T> a, ref T b, ref T c, int i, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint aStep = a.ColumnStride;
        ref T aRow0 = ref a[i, 0];
        ref T cRow = ref Unsafe.Add(ref c, (nint)i * n);
        for (int j = 0; j < n; j++)
        {
            T s = accumulate ? Unsafe.Add(ref cRow, j) : T.Zero;
            ref T bColumn = ref Unsafe.Add(ref b, j);
            for (nint p = 0, ap = 0; p < k; p++, ap += aStep)
            {
                s = T.FusedMultiplyAdd(Unsafe.Add(ref aRow0, ap), Unsafe.Add(ref bColumn, p * n), s);
            }

            Unsafe.Add(ref cRow, j) = s;
        }
    }
}
