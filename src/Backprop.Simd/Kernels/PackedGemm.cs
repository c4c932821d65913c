using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Simd.Kernels;

/// <summary>
/// Cache-blocked GEMM in the BLIS/GotoBLAS shape, for operands large enough that packing pays:
/// C[m, n] (+)= A(i, p) B(p, j) with A and B strided views (so transposes cost nothing).
/// <list type="bullet">
/// <item>a KC x NC block of B is packed into NR-wide column panels (stays in L2/L3);</item>
/// <item>an MC x KC block of A is packed into MR-tall row panels (stays in L2);</item>
/// <item>a 6 x (2 registers) micro-kernel keeps 12 accumulators in registers and, per step of k,
/// does 2 loads of B, 6 broadcasts of A and 12 FMAs.</item>
/// </list>
/// Each element of C is one FMA chain over each KC block of k, added to C in block order.
/// </summary>
internal static class PackedGemm
{
    private const int MR = 6;
    private const int KC = 256;
    private const int MC = 144;
    private const int NC = 512;

    /// <summary>Packing space, allocated once per thread on first use.</summary>
    private static class Buffers<T>
    {
        [ThreadStatic] private static T[]? s_a;
        [ThreadStatic] private static T[]? s_b;

        public static T[] A => s_a ??= new T[MC * KC];
        public static T[] B => s_b ??= new T[KC * (NC + 2 * Elementwise.MaxLanes)];
    }

    /// <summary>
    /// C[m, n] (+)= A B. <paramref name="phases"/> is for the profile benchmark only
    /// (GemmProfileBenchmarks): packing alone, or the micro-kernels alone over buffers packed before,
    /// shows where a product's time goes; anything but <see cref="GemmPhases.All"/> leaves C wrong.
    /// </summary>
    public static void Multiply<T, TVector>(in Matrix<T> a, in Matrix<T> b, ref T c, int m, int k, int n, bool accumulate,
        GemmPhases phases = GemmPhases.All)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        bool pack = (phases & GemmPhases.Pack) != 0, compute = (phases & GemmPhases.Compute) != 0;
        int nr = 2 * TVector.Count;
        ref T packedA = ref Buffers<T>.A[0];
        ref T packedB = ref Buffers<T>.B[0];
        for (int jc = 0; jc < n; jc += NC)
        {
            int nc = Math.Min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                bool overwrite = pc == 0 && !accumulate;
                if (pack) PackB<T, TVector>(b, ref packedB, pc, kc, jc, nc, nr);
                for (int ic = 0; ic < m; ic += MC)
                {
                    int mc = Math.Min(MC, m - ic);
                    if (pack) PackA(a, ref packedA, ic, mc, pc, kc);
                    for (int jr = 0; compute && jr < nc; jr += nr)
                    {
                        ref T bPanel = ref Unsafe.Add(ref packedB, (nint)jr * kc);
                        for (int ir = 0; ir < mc; ir += MR)
                        {
                            ref T aPanel = ref Unsafe.Add(ref packedA, (nint)ir * kc);
                            ref T cTile = ref Unsafe.Add(ref c, (nint)(ic + ir) * n + jc + jr);
                            MicroKernel<T, TVector>(ref aPanel, ref bPanel, kc, ref cTile, n,
                                Math.Min(MR, mc - ir), Math.Min(nr, nc - jr), overwrite);
                        }
                    }
                }
            }
        }
    }

    // packed[(panel * kc + p) * MR + r] = A(ic + panel * MR + r, pc + p), zero past m.
    // Each element is read through a row (or column) ref hoisted out of the inner loop: with the
    // strided indexer inside it, packing took 12-25% of a 512 x 512 product on AVX-512.
    private static void PackA<T>(in Matrix<T> a, ref T packed, int ic, int mc, int pc, int kc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int panel = 0; panel * MR < mc; panel++)
        {
            ref T destination = ref Unsafe.Add(ref packed, (nint)panel * MR * kc);
            int rows = Math.Min(MR, mc - panel * MR);
            ref T first = ref a[ic + panel * MR, pc];
            if (rows == MR && a.ColumnStride == 1)
            {
                // Row-major A: six rows read side by side, the panel written in order.
                nint lda = a.RowStride;
                ref T r1 = ref Unsafe.Add(ref first, lda);
                ref T r2 = ref Unsafe.Add(ref first, 2 * lda);
                ref T r3 = ref Unsafe.Add(ref first, 3 * lda);
                ref T r4 = ref Unsafe.Add(ref first, 4 * lda);
                ref T r5 = ref Unsafe.Add(ref first, 5 * lda);
                for (nint p = 0; p < kc; p++)
                {
                    ref T d = ref Unsafe.Add(ref destination, p * MR);
                    d = Unsafe.Add(ref first, p);
                    Unsafe.Add(ref d, 1) = Unsafe.Add(ref r1, p);
                    Unsafe.Add(ref d, 2) = Unsafe.Add(ref r2, p);
                    Unsafe.Add(ref d, 3) = Unsafe.Add(ref r3, p);
                    Unsafe.Add(ref d, 4) = Unsafe.Add(ref r4, p);
                    Unsafe.Add(ref d, 5) = Unsafe.Add(ref r5, p);
                }

                continue;
            }

            // Any other view (A^T seen in place has row stride 1: six neighbours per step of k).
            PackSteps(ref first, a.ColumnStride, a.RowStride, rows, MR, kc, ref destination);
        }
    }

    // packed[(panel * kc + p) * nr + col] = B(pc + p, jc + panel * nr + col), zero past n.
    private static void PackB<T, TVector>(in Matrix<T> b, ref T packed, int pc, int kc, int jc, int nc, int nr)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        nuint w = (nuint)TVector.Count;
        for (int panel = 0; panel * nr < nc; panel++)
        {
            ref T destination = ref Unsafe.Add(ref packed, (nint)panel * nr * kc);
            int columns = Math.Min(nr, nc - panel * nr);
            ref T first = ref b[pc, jc + panel * nr];
            if (columns == nr && b.ColumnStride == 1)
            {
                // Row-major B: each step of k is two whole registers of one row.
                for (nint p = 0; p < kc; p++)
                {
                    ref T source = ref Unsafe.Add(ref first, p * b.RowStride);
                    ref T d = ref Unsafe.Add(ref destination, p * nr);
                    TVector.Store(TVector.Load(ref source, 0), ref d, 0);
                    TVector.Store(TVector.Load(ref source, w), ref d, w);
                }

                continue;
            }

            if (b.RowStride == 1)
            {
                // B^T seen in place: a column of the panel is contiguous in memory; read it in order.
                for (nint col = 0; col < nr; col++)
                {
                    ref T d = ref Unsafe.Add(ref destination, col);
                    if (col < columns)
                    {
                        ref T source = ref Unsafe.Add(ref first, col * b.ColumnStride);
                        for (nint p = 0; p < kc; p++)
                        {
                            Unsafe.Add(ref d, p * nr) = Unsafe.Add(ref source, p);
                        }
                    }
                    else
                    {
                        for (nint p = 0; p < kc; p++)
                        {
                            Unsafe.Add(ref d, p * nr) = T.Zero;
                        }
                    }
                }

                continue;
            }

            PackSteps(ref first, b.RowStride, b.ColumnStride, columns, nr, kc, ref destination);
        }
    }

    // The general packing step of both operands: for each of kc steps of k, `count` elements `across`
    // apart, written side by side and zero-padded to `width` (a panel's MR rows or nr columns).
    private static void PackSteps<T>(ref T first, nint along, nint across, int count, int width, int kc, ref T destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (nint p = 0; p < kc; p++)
        {
            ref T source = ref Unsafe.Add(ref first, p * along);
            ref T d = ref Unsafe.Add(ref destination, p * width);
            int e = 0;
            for (; e < count; e++)
            {
                Unsafe.Add(ref d, e) = Unsafe.Add(ref source, e * across);
            }

            for (; e < width; e++)
            {
                Unsafe.Add(ref d, e) = T.Zero;
            }
        }
    }

    private static void MicroKernel<T, TVector>(ref T aPanel, ref T bPanel, int kc, ref T c, int ldc, int rows, int columns, bool overwrite)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        nuint w = (nuint)TVector.Count;
        TVector zero = TVector.Create(T.Zero);
        TVector c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero;
        TVector c30 = zero, c31 = zero, c40 = zero, c41 = zero, c50 = zero, c51 = zero;
        ref T ap = ref aPanel;
        ref T bp = ref bPanel;
        for (int p = 0; p < kc; p++)
        {
            TVector b0 = TVector.Load(ref bp, 0), b1 = TVector.Load(ref bp, w);
            TVector x = TVector.Create(ap);
            c00 = TVector.FusedMultiplyAdd(x, b0, c00); c01 = TVector.FusedMultiplyAdd(x, b1, c01);
            x = TVector.Create(Unsafe.Add(ref ap, 1));
            c10 = TVector.FusedMultiplyAdd(x, b0, c10); c11 = TVector.FusedMultiplyAdd(x, b1, c11);
            x = TVector.Create(Unsafe.Add(ref ap, 2));
            c20 = TVector.FusedMultiplyAdd(x, b0, c20); c21 = TVector.FusedMultiplyAdd(x, b1, c21);
            x = TVector.Create(Unsafe.Add(ref ap, 3));
            c30 = TVector.FusedMultiplyAdd(x, b0, c30); c31 = TVector.FusedMultiplyAdd(x, b1, c31);
            x = TVector.Create(Unsafe.Add(ref ap, 4));
            c40 = TVector.FusedMultiplyAdd(x, b0, c40); c41 = TVector.FusedMultiplyAdd(x, b1, c41);
            x = TVector.Create(Unsafe.Add(ref ap, 5));
            c50 = TVector.FusedMultiplyAdd(x, b0, c50); c51 = TVector.FusedMultiplyAdd(x, b1, c51);
            ap = ref Unsafe.Add(ref ap, MR);
            bp = ref Unsafe.Add(ref bp, 2 * w);
        }

        if (rows == MR && columns == 2 * (int)w)
        {
            StoreRow(ref c, c00, c01, w, overwrite);
            StoreRow(ref Unsafe.Add(ref c, ldc), c10, c11, w, overwrite);
            StoreRow(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, w, overwrite);
            StoreRow(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, w, overwrite);
            StoreRow(ref Unsafe.Add(ref c, 4 * ldc), c40, c41, w, overwrite);
            StoreRow(ref Unsafe.Add(ref c, 5 * ldc), c50, c51, w, overwrite);
            return;
        }

        StoreEdge<T, TVector>(ref c, ldc, rows, columns, overwrite, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
    }

    // An edge tile: spill the accumulators and add the part that lies inside C. Kept out of the
    // micro-kernel: its stack buffer there cost the hot loop dearly whenever the JIT had no profile
    // to lay the code out by (tiered PGO off, NativeAOT): 38 against 137 GFLOP/s at 512.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StoreEdge<T, TVector>(ref T c, int ldc, int rows, int columns, bool overwrite,
        TVector c00, TVector c01, TVector c10, TVector c11, TVector c20, TVector c21,
        TVector c30, TVector c31, TVector c40, TVector c41, TVector c50, TVector c51)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        nuint w = (nuint)TVector.Count;
        Span<T> tile = stackalloc T[MR * 2 * Elementwise.MaxLanes];
        ref T t = ref tile[0];
        nuint stride = 2 * w;
        TVector.Store(c00, ref t, 0); TVector.Store(c01, ref t, w);
        TVector.Store(c10, ref t, stride); TVector.Store(c11, ref t, stride + w);
        TVector.Store(c20, ref t, 2 * stride); TVector.Store(c21, ref t, 2 * stride + w);
        TVector.Store(c30, ref t, 3 * stride); TVector.Store(c31, ref t, 3 * stride + w);
        TVector.Store(c40, ref t, 4 * stride); TVector.Store(c41, ref t, 4 * stride + w);
        TVector.Store(c50, ref t, 5 * stride); TVector.Store(c51, ref t, 5 * stride + w);
        for (int r = 0; r < rows; r++)
        {
            ref T cRow = ref Unsafe.Add(ref c, (nint)r * ldc);
            for (int col = 0; col < columns; col++)
            {
                T value = Unsafe.Add(ref t, r * (nint)stride + col);
                Unsafe.Add(ref cRow, col) = overwrite ? value : Unsafe.Add(ref cRow, col) + value;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<T, TVector>(ref T c, TVector s0, TVector s1, nuint w, bool overwrite)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        if (!overwrite)
        {
            s0 = TVector.Load(ref c, 0) + s0;
            s1 = TVector.Load(ref c, w) + s1;
        }

        TVector.Store(s0, ref c, 0);
        TVector.Store(s1, ref c, w);
    }
}
