using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Simd.Kernels;

/// <summary>
/// The dot form of the unpacked GEMM, C (+)= A B^T with A and B row-major along k, for the forward
/// product Z = A W^T of training and prediction, unpacked (some dimension below
/// <see cref="Gemm.PackedThreshold"/>): C[i, j] is a dot product along k. A block of dot
/// products shares its loads: 5 x 4 and 4 x 4 on the 512-bit path (32 registers), 3 x 4 on 16
/// registers, then 2 x 4 and 1 x 4 for the rows left over; the n % 4 leftover columns go in pairs
/// (5 x 2, 4 x 2) and singly (4 x 1, 1 x 1).
/// Every element of C is one register chain along k including a masked register for the k tail,
/// then its lane sum, then a scalar chain where k is shorter than a register, whatever block it
/// falls in, so a sample's result never depends on its row in the batch.
/// Reference: <see cref="Reference.MultiplyAddTransposedB{T}"/>.
/// </summary>
internal static class DotGemm
{
    // The part of a 48 KB L1D given to a block of A rows; four rows of B take most of the rest.
    private const int L1BlockBytes = 32 * 1024;

    /// <summary>C[m, n] (+)= A[m, k] B[n, k]^T, both row-major along k.</summary>
    public static void Multiply<T, TVector>(ref T a, ref T b, ref T c, int m, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        // A block of A's rows (at most ~32 KB: ten samples at k = 784) stays in L1 while four rows of B
        // at a time pass it, so each B row (a layer's W) streams from L2 once per block instead of once
        // per pair of A rows.
        int blockRows = Math.Max(2, L1BlockBytes / (k * Unsafe.SizeOf<T>()) & ~1);
        for (int first = 0; first < m; first += blockRows)
        {
            int end = Math.Min(m, first + blockRows);
            for (int j = 0; j + 4 <= n; j += 4)
            {
                int i = first;
                if (typeof(TVector) == typeof(Simd512<T>))
                {
                    // 32 registers: fives (ten rows as two), then fours, then a 3 x 4 where six or seven are left.
                    for (; end - i >= 9 || end - i == 5; i += 5)
                    {
                        Dot5x4<T, TVector>(ref a, ref b, ref c, i, j, k, n, accumulate);
                    }

                    for (; end - i >= 4 && end - i != 6; i += 4)
                    {
                        Dot4x4<T, TVector>(ref a, ref b, ref c, i, j, k, n, accumulate);
                    }

                    for (; end - i >= 3; i += 3)
                    {
                        Dot3x4<T, TVector>(ref a, ref b, ref c, i, j, k, n, accumulate);
                    }
                }
                else
                {
                    // Threes while they leave no lone row (four left go as two twos).
                    for (; end - i >= 3 && end - i != 4; i += 3)
                    {
                        Dot3x4<T, TVector>(ref a, ref b, ref c, i, j, k, n, accumulate);
                    }
                }

                for (; i + 2 <= end; i += 2)
                {
                    Dot2x4<T, TVector>(ref a, ref b, ref c, i, j, k, n, accumulate);
                }

                if (i < end)
                {
                    Dot1x4<T, TVector>(ref a, ref b, ref c, i, j, k, n, accumulate);
                }
            }
        }

        // The last n % 4 columns: a pair of them against five rows of A at a time (512-bit) or four, then
        // a last single column four rows at a time; the rows left over one by one.
        int column = n - n % 4;
        if (n - column >= 2)
        {
            int r = 0;
            if (typeof(TVector) == typeof(Simd512<T>))
            {
                for (; r + 5 <= m; r += 5)
                {
                    Dot5x2<T, TVector>(ref a, ref b, ref c, r, column, k, n, accumulate);
                }
            }

            for (; r + 4 <= m; r += 4)
            {
                Dot4x2<T, TVector>(ref a, ref b, ref c, r, column, k, n, accumulate);
            }

            for (; r < m; r++)
            {
                Dot1x1<T, TVector>(ref a, ref b, ref c, r, column, k, n, accumulate);
                Dot1x1<T, TVector>(ref a, ref b, ref c, r, column + 1, k, n, accumulate);
            }

            column += 2;
        }

        for (int j = column; j < n; j++)
        {
            int r = 0;
            for (; r + 4 <= m; r += 4)
            {
                Dot4x1<T, TVector>(ref a, ref b, ref c, r, j, k, n, accumulate);
            }

            for (; r < m; r++)
            {
                Dot1x1<T, TVector>(ref a, ref b, ref c, r, j, k, n, accumulate);
            }
        }
    }

    // Five rows of A against two rows of B: a pair of the columns the 4-wide blocks leave over.
    private static void Dot5x2<T, TVector>(ref T a, ref T b, ref T c, int i, int j, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        int w = TVector.Count;
        ref T a0 = ref Unsafe.Add(ref a, (nint)i * k);
        ref T a1 = ref Unsafe.Add(ref a0, k);
        ref T a2 = ref Unsafe.Add(ref a1, k);
        ref T a3 = ref Unsafe.Add(ref a2, k);
        ref T a4 = ref Unsafe.Add(ref a3, k);
        ref T b0 = ref Unsafe.Add(ref b, (nint)j * k);
        ref T b1 = ref Unsafe.Add(ref b0, k);
        TVector zero = TVector.Create(T.Zero);
        TVector s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s30 = zero, s31 = zero, s40 = zero, s41 = zero;
        int p = 0;
        for (; p + w <= k; p += w)
        {
            nuint q = (nuint)p;
            TVector y0 = TVector.Load(ref b0, q), y1 = TVector.Load(ref b1, q);
            TVector x0 = TVector.Load(ref a0, q);
            s00 = TVector.FusedMultiplyAdd(x0, y0, s00); s01 = TVector.FusedMultiplyAdd(x0, y1, s01);
            TVector x1 = TVector.Load(ref a1, q);
            s10 = TVector.FusedMultiplyAdd(x1, y0, s10); s11 = TVector.FusedMultiplyAdd(x1, y1, s11);
            TVector x2 = TVector.Load(ref a2, q);
            s20 = TVector.FusedMultiplyAdd(x2, y0, s20); s21 = TVector.FusedMultiplyAdd(x2, y1, s21);
            TVector x3 = TVector.Load(ref a3, q);
            s30 = TVector.FusedMultiplyAdd(x3, y0, s30); s31 = TVector.FusedMultiplyAdd(x3, y1, s31);
            TVector x4 = TVector.Load(ref a4, q);
            s40 = TVector.FusedMultiplyAdd(x4, y0, s40); s41 = TVector.FusedMultiplyAdd(x4, y1, s41);
        }

        if (p < k && k >= w)
        {
            TVector mask = Elementwise.TailMask<T, TVector>(k - p);
            nuint q = (nuint)(k - w);
            TVector y0 = TVector.Load(ref b0, q), y1 = TVector.Load(ref b1, q);
            TVector x0 = TVector.ConditionalSelect(mask, TVector.Load(ref a0, q), zero);
            s00 = TVector.FusedMultiplyAdd(x0, y0, s00); s01 = TVector.FusedMultiplyAdd(x0, y1, s01);
            TVector x1 = TVector.ConditionalSelect(mask, TVector.Load(ref a1, q), zero);
            s10 = TVector.FusedMultiplyAdd(x1, y0, s10); s11 = TVector.FusedMultiplyAdd(x1, y1, s11);
            TVector x2 = TVector.ConditionalSelect(mask, TVector.Load(ref a2, q), zero);
            s20 = TVector.FusedMultiplyAdd(x2, y0, s20); s21 = TVector.FusedMultiplyAdd(x2, y1, s21);
            TVector x3 = TVector.ConditionalSelect(mask, TVector.Load(ref a3, q), zero);
            s30 = TVector.FusedMultiplyAdd(x3, y0, s30); s31 = TVector.FusedMultiplyAdd(x3, y1, s31);
            TVector x4 = TVector.ConditionalSelect(mask, TVector.Load(ref a4, q), zero);
            s40 = TVector.FusedMultiplyAdd(x4, y0, s40); s41 = TVector.FusedMultiplyAdd(x4, y1, s41);
            p = k;
        }

        ref T c0 = ref Unsafe.Add(ref c, (nint)i * n + j);
        FinishTwo<T, TVector>(accumulate, ref c0, s00, s01, ref a0, ref b0, ref b1, p, k);
        FinishTwo<T, TVector>(accumulate, ref Unsafe.Add(ref c0, n), s10, s11, ref a1, ref b0, ref b1, p, k);
        FinishTwo<T, TVector>(accumulate, ref Unsafe.Add(ref c0, 2 * n), s20, s21, ref a2, ref b0, ref b1, p, k);
        FinishTwo<T, TVector>(accumulate, ref Unsafe.Add(ref c0, 3 * n), s30, s31, ref a3, ref b0, ref b1, p, k);
        FinishTwo<T, TVector>(accumulate, ref Unsafe.Add(ref c0, 4 * n), s40, s41, ref a4, ref b0, ref b1, p, k);
    }

    // Four rows of A against two rows of B: a pair of the columns the 4-wide blocks leave over.
    private static void Dot4x2<T, TVector>(ref T a, ref T b, ref T c, int i, int j, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        int w = TVector.Count;
        ref T a0 = ref Unsafe.Add(ref a, (nint)i * k);
        ref T a1 = ref Unsafe.Add(ref a0, k);
        ref T a2 = ref Unsafe.Add(ref a1, k);
        ref T a3 = ref Unsafe.Add(ref a2, k);
        ref T b0 = ref Unsafe.Add(ref b, (nint)j * k);
        ref T b1 = ref Unsafe.Add(ref b0, k);
        TVector zero = TVector.Create(T.Zero);
        TVector s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s30 = zero, s31 = zero;
        int p = 0;
        for (; p + w <= k; p += w)
        {
            nuint q = (nuint)p;
            TVector y0 = TVector.Load(ref b0, q), y1 = TVector.Load(ref b1, q);
            TVector x0 = TVector.Load(ref a0, q);
            s00 = TVector.FusedMultiplyAdd(x0, y0, s00); s01 = TVector.FusedMultiplyAdd(x0, y1, s01);
            TVector x1 = TVector.Load(ref a1, q);
            s10 = TVector.FusedMultiplyAdd(x1, y0, s10); s11 = TVector.FusedMultiplyAdd(x1, y1, s11);
            TVector x2 = TVector.Load(ref a2, q);
            s20 = TVector.FusedMultiplyAdd(x2, y0, s20); s21 = TVector.FusedMultiplyAdd(x2, y1, s21);
            TVector x3 = TVector.Load(ref a3, q);
            s30 = TVector.FusedMultiplyAdd(x3, y0, s30); s31 = TVector.FusedMultiplyAdd(x3, y1, s31);
        }

        if (p < k && k >= w)
        {
            TVector mask = Elementwise.TailMask<T, TVector>(k - p);
            nuint q = (nuint)(k - w);
            TVector y0 = TVector.Load(ref b0, q), y1 = TVector.Load(ref b1, q);
            TVector x0 = TVector.ConditionalSelect(mask, TVector.Load(ref a0, q), zero);
            s00 = TVector.FusedMultiplyAdd(x0, y0, s00); s01 = TVector.FusedMultiplyAdd(x0, y1, s01);
            TVector x1 = TVector.ConditionalSelect(mask, TVector.Load(ref a1, q), zero);
            s10 = TVector.FusedMultiplyAdd(x1, y0, s10); s11 = TVector.FusedMultiplyAdd(x1, y1, s11);
            TVector x2 = TVector.ConditionalSelect(mask, TVector.Load(ref a2, q), zero);
            s20 = TVector.FusedMultiplyAdd(x2, y0, s20); s21 = TVector.FusedMultiplyAdd(x2, y1, s21);
            TVector x3 = TVector.ConditionalSelect(mask, TVector.Load(ref a3, q), zero);
            s30 = TVector.FusedMultiplyAdd(x3, y0, s30); s31 = TVector.FusedMultiplyAdd(x3, y1, s31);
            p = k;
        }

        ref T c0 = ref Unsafe.Add(ref c, (nint)i * n + j);
        FinishTwo<T, TVector>(accumulate, ref c0, s00, s01, ref a0, ref b0, ref b1, p, k);
        FinishTwo<T, TVector>(accumulate, ref Unsafe.Add(ref c0, n), s10, s11, ref a1, ref b0, ref b1, p, k);
        FinishTwo<T, TVector>(accumulate, ref Unsafe.Add(ref c0, 2 * n), s20, s21, ref a2, ref b0, ref b1, p, k);
        FinishTwo<T, TVector>(accumulate, ref Unsafe.Add(ref c0, 3 * n), s30, s31, ref a3, ref b0, ref b1, p, k);
    }

    // Two neighbouring elements of one row of C, as FinishFour.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FinishTwo<T, TVector>(bool accumulate, ref T c, TVector s0, TVector s1, ref T aRow, ref T b0, ref T b1, int p, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        c = Finish(accumulate, c, TVector.Sum(s0), ref aRow, ref b0, p, k);
        Unsafe.Add(ref c, 1) = Finish(accumulate, Unsafe.Add(ref c, 1), TVector.Sum(s1), ref aRow, ref b1, p, k);
    }

    // Four rows of A against one row of B: the columns of C that the 4-wide blocks leave over.
    private static void Dot4x1<T, TVector>(ref T a, ref T b, ref T c, int i, int j, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        int w = TVector.Count;
        ref T a0 = ref Unsafe.Add(ref a, (nint)i * k);
        ref T a1 = ref Unsafe.Add(ref a0, k);
        ref T a2 = ref Unsafe.Add(ref a1, k);
        ref T a3 = ref Unsafe.Add(ref a2, k);
        ref T b0 = ref Unsafe.Add(ref b, (nint)j * k);
        TVector zero = TVector.Create(T.Zero);
        TVector s0 = zero, s1 = zero, s2 = zero, s3 = zero;
        int p = 0;
        for (; p + w <= k; p += w)
        {
            nuint q = (nuint)p;
            TVector y = TVector.Load(ref b0, q);
            s0 = TVector.FusedMultiplyAdd(TVector.Load(ref a0, q), y, s0);
            s1 = TVector.FusedMultiplyAdd(TVector.Load(ref a1, q), y, s1);
            s2 = TVector.FusedMultiplyAdd(TVector.Load(ref a2, q), y, s2);
            s3 = TVector.FusedMultiplyAdd(TVector.Load(ref a3, q), y, s3);
        }

        if (p < k && k >= w)
        {
            TVector mask = Elementwise.TailMask<T, TVector>(k - p);
            nuint q = (nuint)(k - w);
            TVector y = TVector.Load(ref b0, q);
            s0 = TVector.FusedMultiplyAdd(TVector.ConditionalSelect(mask, TVector.Load(ref a0, q), zero), y, s0);
            s1 = TVector.FusedMultiplyAdd(TVector.ConditionalSelect(mask, TVector.Load(ref a1, q), zero), y, s1);
            s2 = TVector.FusedMultiplyAdd(TVector.ConditionalSelect(mask, TVector.Load(ref a2, q), zero), y, s2);
            s3 = TVector.FusedMultiplyAdd(TVector.ConditionalSelect(mask, TVector.Load(ref a3, q), zero), y, s3);
            p = k;
        }

        ref T c0 = ref Unsafe.Add(ref c, (nint)i * n + j);
        c0 = Finish(accumulate, c0, TVector.Sum(s0), ref a0, ref b0, p, k);
        ref T c1 = ref Unsafe.Add(ref c0, n);
        c1 = Finish(accumulate, c1, TVector.Sum(s1), ref a1, ref b0, p, k);
        ref T c2 = ref Unsafe.Add(ref c1, n);
        c2 = Finish(accumulate, c2, TVector.Sum(s2), ref a2, ref b0, p, k);
        ref T c3 = ref Unsafe.Add(ref c2, n);
        c3 = Finish(accumulate, c3, TVector.Sum(s3), ref a3, ref b0, p, k);
    }

    // One row of A against four rows of B: the single-sample forward (Gemv), four independent chains.
    private static void Dot1x4<T, TVector>(ref T a, ref T b, ref T c, int i, int j, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        int w = TVector.Count;
        ref T a0 = ref Unsafe.Add(ref a, (nint)i * k);
        ref T b0 = ref Unsafe.Add(ref b, (nint)j * k);
        ref T b1 = ref Unsafe.Add(ref b0, k);
        ref T b2 = ref Unsafe.Add(ref b1, k);
        ref T b3 = ref Unsafe.Add(ref b2, k);
        TVector zero = TVector.Create(T.Zero);
        TVector s0 = zero, s1 = zero, s2 = zero, s3 = zero;
        int p = 0;
        for (; p + w <= k; p += w)
        {
            nuint q = (nuint)p;
            TVector x = TVector.Load(ref a0, q);
            s0 = TVector.FusedMultiplyAdd(x, TVector.Load(ref b0, q), s0);
            s1 = TVector.FusedMultiplyAdd(x, TVector.Load(ref b1, q), s1);
            s2 = TVector.FusedMultiplyAdd(x, TVector.Load(ref b2, q), s2);
            s3 = TVector.FusedMultiplyAdd(x, TVector.Load(ref b3, q), s3);
        }

        if (p < k && k >= w)
        {
            TVector mask = Elementwise.TailMask<T, TVector>(k - p);
            nuint q = (nuint)(k - w);
            TVector x = TVector.ConditionalSelect(mask, TVector.Load(ref a0, q), zero);
            s0 = TVector.FusedMultiplyAdd(x, TVector.Load(ref b0, q), s0);
            s1 = TVector.FusedMultiplyAdd(x, TVector.Load(ref b1, q), s1);
            s2 = TVector.FusedMultiplyAdd(x, TVector.Load(ref b2, q), s2);
            s3 = TVector.FusedMultiplyAdd(x, TVector.Load(ref b3, q), s3);
            p = k;
        }

        FinishFour<T, TVector>(accumulate, ref Unsafe.Add(ref c, (nint)i * n + j), s0, s1, s2, s3, ref a0, ref b0, ref b1, ref b2, ref b3, p, k);
    }

    // Five rows of A by four of B on 32 registers: 20 accumulators, five A registers and one B; a batch of
    // ten goes as two fives instead of four, four and a 2 x 4 whose loads of W feed only two FMAs each.
    private static void Dot5x4<T, TVector>(ref T a, ref T b, ref T c, int i, int j, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        int w = TVector.Count;
        ref T a0 = ref Unsafe.Add(ref a, (nint)i * k);
        ref T a1 = ref Unsafe.Add(ref a0, k);
        ref T a2 = ref Unsafe.Add(ref a1, k);
        ref T a3 = ref Unsafe.Add(ref a2, k);
        ref T a4 = ref Unsafe.Add(ref a3, k);
        ref T b0 = ref Unsafe.Add(ref b, (nint)j * k);
        ref T b1 = ref Unsafe.Add(ref b0, k);
        ref T b2 = ref Unsafe.Add(ref b1, k);
        ref T b3 = ref Unsafe.Add(ref b2, k);
        TVector zero = TVector.Create(T.Zero);
        TVector s00 = zero, s01 = zero, s02 = zero, s03 = zero;
        TVector s10 = zero, s11 = zero, s12 = zero, s13 = zero;
        TVector s20 = zero, s21 = zero, s22 = zero, s23 = zero;
        TVector s30 = zero, s31 = zero, s32 = zero, s33 = zero;
        TVector s40 = zero, s41 = zero, s42 = zero, s43 = zero;
        int p = 0;
        for (; p + w <= k; p += w)
        {
            nuint q = (nuint)p;
            TVector x0 = TVector.Load(ref a0, q), x1 = TVector.Load(ref a1, q), x2 = TVector.Load(ref a2, q), x3 = TVector.Load(ref a3, q), x4 = TVector.Load(ref a4, q);
            TVector y = TVector.Load(ref b0, q);
            s00 = TVector.FusedMultiplyAdd(x0, y, s00); s10 = TVector.FusedMultiplyAdd(x1, y, s10); s20 = TVector.FusedMultiplyAdd(x2, y, s20); s30 = TVector.FusedMultiplyAdd(x3, y, s30); s40 = TVector.FusedMultiplyAdd(x4, y, s40);
            y = TVector.Load(ref b1, q);
            s01 = TVector.FusedMultiplyAdd(x0, y, s01); s11 = TVector.FusedMultiplyAdd(x1, y, s11); s21 = TVector.FusedMultiplyAdd(x2, y, s21); s31 = TVector.FusedMultiplyAdd(x3, y, s31); s41 = TVector.FusedMultiplyAdd(x4, y, s41);
            y = TVector.Load(ref b2, q);
            s02 = TVector.FusedMultiplyAdd(x0, y, s02); s12 = TVector.FusedMultiplyAdd(x1, y, s12); s22 = TVector.FusedMultiplyAdd(x2, y, s22); s32 = TVector.FusedMultiplyAdd(x3, y, s32); s42 = TVector.FusedMultiplyAdd(x4, y, s42);
            y = TVector.Load(ref b3, q);
            s03 = TVector.FusedMultiplyAdd(x0, y, s03); s13 = TVector.FusedMultiplyAdd(x1, y, s13); s23 = TVector.FusedMultiplyAdd(x2, y, s23); s33 = TVector.FusedMultiplyAdd(x3, y, s33); s43 = TVector.FusedMultiplyAdd(x4, y, s43);
        }

        if (p < k && k >= w)
        {
            TVector mask = Elementwise.TailMask<T, TVector>(k - p);
            nuint q = (nuint)(k - w);
            TVector x0 = TVector.ConditionalSelect(mask, TVector.Load(ref a0, q), zero);
            TVector x1 = TVector.ConditionalSelect(mask, TVector.Load(ref a1, q), zero);
            TVector x2 = TVector.ConditionalSelect(mask, TVector.Load(ref a2, q), zero);
            TVector x3 = TVector.ConditionalSelect(mask, TVector.Load(ref a3, q), zero);
            TVector x4 = TVector.ConditionalSelect(mask, TVector.Load(ref a4, q), zero);
            TVector y = TVector.Load(ref b0, q);
            s00 = TVector.FusedMultiplyAdd(x0, y, s00); s10 = TVector.FusedMultiplyAdd(x1, y, s10); s20 = TVector.FusedMultiplyAdd(x2, y, s20); s30 = TVector.FusedMultiplyAdd(x3, y, s30); s40 = TVector.FusedMultiplyAdd(x4, y, s40);
            y = TVector.Load(ref b1, q);
            s01 = TVector.FusedMultiplyAdd(x0, y, s01); s11 = TVector.FusedMultiplyAdd(x1, y, s11); s21 = TVector.FusedMultiplyAdd(x2, y, s21); s31 = TVector.FusedMultiplyAdd(x3, y, s31); s41 = TVector.FusedMultiplyAdd(x4, y, s41);
            y = TVector.Load(ref b2, q);
            s02 = TVector.FusedMultiplyAdd(x0, y, s02); s12 = TVector.FusedMultiplyAdd(x1, y, s12); s22 = TVector.FusedMultiplyAdd(x2, y, s22); s32 = TVector.FusedMultiplyAdd(x3, y, s32); s42 = TVector.FusedMultiplyAdd(x4, y, s42);
            y = TVector.Load(ref b3, q);
            s03 = TVector.FusedMultiplyAdd(x0, y, s03); s13 = TVector.FusedMultiplyAdd(x1, y, s13); s23 = TVector.FusedMultiplyAdd(x2, y, s23); s33 = TVector.FusedMultiplyAdd(x3, y, s33); s43 = TVector.FusedMultiplyAdd(x4, y, s43);
            p = k;
        }

        ref T c0 = ref Unsafe.Add(ref c, (nint)i * n + j);
        FinishFour<T, TVector>(accumulate, ref c0, s00, s01, s02, s03, ref a0, ref b0, ref b1, ref b2, ref b3, p, k);
        FinishFour<T, TVector>(accumulate, ref Unsafe.Add(ref c0, n), s10, s11, s12, s13, ref a1, ref b0, ref b1, ref b2, ref b3, p, k);
        FinishFour<T, TVector>(accumulate, ref Unsafe.Add(ref c0, 2 * n), s20, s21, s22, s23, ref a2, ref b0, ref b1, ref b2, ref b3, p, k);
        FinishFour<T, TVector>(accumulate, ref Unsafe.Add(ref c0, 3 * n), s30, s31, s32, s33, ref a3, ref b0, ref b1, ref b2, ref b3, p, k);
        FinishFour<T, TVector>(accumulate, ref Unsafe.Add(ref c0, 4 * n), s40, s41, s42, s43, ref a4, ref b0, ref b1, ref b2, ref b3, p, k);
    }

    private static void Dot4x4<T, TVector>(ref T a, ref T b, ref T c, int i, int j, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        int w = TVector.Count;
        ref T a0 = ref Unsafe.Add(ref a, (nint)i * k);
        ref T a1 = ref Unsafe.Add(ref a0, k);
        ref T a2 = ref Unsafe.Add(ref a1, k);
        ref T a3 = ref Unsafe.Add(ref a2, k);
        ref T b0 = ref Unsafe.Add(ref b, (nint)j * k);
        ref T b1 = ref Unsafe.Add(ref b0, k);
        ref T b2 = ref Unsafe.Add(ref b1, k);
        ref T b3 = ref Unsafe.Add(ref b2, k);
        TVector zero = TVector.Create(T.Zero);
        TVector s00 = zero, s01 = zero, s02 = zero, s03 = zero, s10 = zero, s11 = zero, s12 = zero, s13 = zero;
        TVector s20 = zero, s21 = zero, s22 = zero, s23 = zero, s30 = zero, s31 = zero, s32 = zero, s33 = zero;
        int p = 0;
        for (; p + w <= k; p += w)
        {
            nuint q = (nuint)p;
            TVector x0 = TVector.Load(ref a0, q), x1 = TVector.Load(ref a1, q), x2 = TVector.Load(ref a2, q), x3 = TVector.Load(ref a3, q);
            TVector y = TVector.Load(ref b0, q);
            s00 = TVector.FusedMultiplyAdd(x0, y, s00); s10 = TVector.FusedMultiplyAdd(x1, y, s10);
            s20 = TVector.FusedMultiplyAdd(x2, y, s20); s30 = TVector.FusedMultiplyAdd(x3, y, s30);
            y = TVector.Load(ref b1, q);
            s01 = TVector.FusedMultiplyAdd(x0, y, s01); s11 = TVector.FusedMultiplyAdd(x1, y, s11);
            s21 = TVector.FusedMultiplyAdd(x2, y, s21); s31 = TVector.FusedMultiplyAdd(x3, y, s31);
            y = TVector.Load(ref b2, q);
            s02 = TVector.FusedMultiplyAdd(x0, y, s02); s12 = TVector.FusedMultiplyAdd(x1, y, s12);
            s22 = TVector.FusedMultiplyAdd(x2, y, s22); s32 = TVector.FusedMultiplyAdd(x3, y, s32);
            y = TVector.Load(ref b3, q);
            s03 = TVector.FusedMultiplyAdd(x0, y, s03); s13 = TVector.FusedMultiplyAdd(x1, y, s13);
            s23 = TVector.FusedMultiplyAdd(x2, y, s23); s33 = TVector.FusedMultiplyAdd(x3, y, s33);
        }

        if (p < k && k >= w)
        {
            TVector mask = Elementwise.TailMask<T, TVector>(k - p);
            nuint q = (nuint)(k - w);
            TVector x0 = TVector.ConditionalSelect(mask, TVector.Load(ref a0, q), zero);
            TVector x1 = TVector.ConditionalSelect(mask, TVector.Load(ref a1, q), zero);
            TVector x2 = TVector.ConditionalSelect(mask, TVector.Load(ref a2, q), zero);
            TVector x3 = TVector.ConditionalSelect(mask, TVector.Load(ref a3, q), zero);
            TVector y = TVector.Load(ref b0, q);
            s00 = TVector.FusedMultiplyAdd(x0, y, s00); s10 = TVector.FusedMultiplyAdd(x1, y, s10);
            s20 = TVector.FusedMultiplyAdd(x2, y, s20); s30 = TVector.FusedMultiplyAdd(x3, y, s30);
            y = TVector.Load(ref b1, q);
            s01 = TVector.FusedMultiplyAdd(x0, y, s01); s11 = TVector.FusedMultiplyAdd(x1, y, s11);
            s21 = TVector.FusedMultiplyAdd(x2, y, s21); s31 = TVector.FusedMultiplyAdd(x3, y, s31);
            y = TVector.Load(ref b2, q);
            s02 = TVector.FusedMultiplyAdd(x0, y, s02); s12 = TVector.FusedMultiplyAdd(x1, y, s12);
            s22 = TVector.FusedMultiplyAdd(x2, y, s22); s32 = TVector.FusedMultiplyAdd(x3, y, s32);
            y = TVector.Load(ref b3, q);
            s03 = TVector.FusedMultiplyAdd(x0, y, s03); s13 = TVector.FusedMultiplyAdd(x1, y, s13);
            s23 = TVector.FusedMultiplyAdd(x2, y, s23); s33 = TVector.FusedMultiplyAdd(x3, y, s33);
            p = k;
        }

        ref T c0 = ref Unsafe.Add(ref c, (nint)i * n + j);
        FinishFour<T, TVector>(accumulate, ref c0, s00, s01, s02, s03, ref a0, ref b0, ref b1, ref b2, ref b3, p, k);
        FinishFour<T, TVector>(accumulate, ref Unsafe.Add(ref c0, n), s10, s11, s12, s13, ref a1, ref b0, ref b1, ref b2, ref b3, p, k);
        FinishFour<T, TVector>(accumulate, ref Unsafe.Add(ref c0, 2 * n), s20, s21, s22, s23, ref a2, ref b0, ref b1, ref b2, ref b3, p, k);
        FinishFour<T, TVector>(accumulate, ref Unsafe.Add(ref c0, 3 * n), s30, s31, s32, s33, ref a3, ref b0, ref b1, ref b2, ref b3, p, k);
    }

    private static void Dot2x4<T, TVector>(ref T a, ref T b, ref T c, int i, int j, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        int w = TVector.Count;
        ref T a0 = ref Unsafe.Add(ref a, (nint)i * k);
        ref T a1 = ref Unsafe.Add(ref a0, k);
        ref T b0 = ref Unsafe.Add(ref b, (nint)j * k);
        ref T b1 = ref Unsafe.Add(ref b0, k);
        ref T b2 = ref Unsafe.Add(ref b1, k);
        ref T b3 = ref Unsafe.Add(ref b2, k);
        TVector zero = TVector.Create(T.Zero);
        TVector s00 = zero, s01 = zero, s02 = zero, s03 = zero, s10 = zero, s11 = zero, s12 = zero, s13 = zero;
        int p = 0;
        for (; p + w <= k; p += w)
        {
            nuint q = (nuint)p;
            TVector x0 = TVector.Load(ref a0, q), x1 = TVector.Load(ref a1, q);
            TVector y = TVector.Load(ref b0, q);
            s00 = TVector.FusedMultiplyAdd(x0, y, s00); s10 = TVector.FusedMultiplyAdd(x1, y, s10);
            y = TVector.Load(ref b1, q);
            s01 = TVector.FusedMultiplyAdd(x0, y, s01); s11 = TVector.FusedMultiplyAdd(x1, y, s11);
            y = TVector.Load(ref b2, q);
            s02 = TVector.FusedMultiplyAdd(x0, y, s02); s12 = TVector.FusedMultiplyAdd(x1, y, s12);
            y = TVector.Load(ref b3, q);
            s03 = TVector.FusedMultiplyAdd(x0, y, s03); s13 = TVector.FusedMultiplyAdd(x1, y, s13);
        }

        if (p < k && k >= w)
        {
            // The register ending at k, its already-counted lanes zeroed in A.
            TVector mask = Elementwise.TailMask<T, TVector>(k - p);
            nuint q = (nuint)(k - w);
            TVector x0 = TVector.ConditionalSelect(mask, TVector.Load(ref a0, q), zero);
            TVector x1 = TVector.ConditionalSelect(mask, TVector.Load(ref a1, q), zero);
            TVector y = TVector.Load(ref b0, q);
            s00 = TVector.FusedMultiplyAdd(x0, y, s00); s10 = TVector.FusedMultiplyAdd(x1, y, s10);
            y = TVector.Load(ref b1, q);
            s01 = TVector.FusedMultiplyAdd(x0, y, s01); s11 = TVector.FusedMultiplyAdd(x1, y, s11);
            y = TVector.Load(ref b2, q);
            s02 = TVector.FusedMultiplyAdd(x0, y, s02); s12 = TVector.FusedMultiplyAdd(x1, y, s12);
            y = TVector.Load(ref b3, q);
            s03 = TVector.FusedMultiplyAdd(x0, y, s03); s13 = TVector.FusedMultiplyAdd(x1, y, s13);
            p = k;
        }

        ref T c0 = ref Unsafe.Add(ref c, (nint)i * n + j);
        FinishFour<T, TVector>(accumulate, ref c0, s00, s01, s02, s03, ref a0, ref b0, ref b1, ref b2, ref b3, p, k);
        FinishFour<T, TVector>(accumulate, ref Unsafe.Add(ref c0, n), s10, s11, s12, s13, ref a1, ref b0, ref b1, ref b2, ref b3, p, k);
    }

    // Three rows of A by four of B on 16 registers: 12 accumulators, three A registers and one B, so
    // each load of B (W, streaming from L2) feeds three FMAs instead of two.
    private static void Dot3x4<T, TVector>(ref T a, ref T b, ref T c, int i, int j, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        int w = TVector.Count;
        ref T a0 = ref Unsafe.Add(ref a, (nint)i * k);
        ref T a1 = ref Unsafe.Add(ref a0, k);
        ref T a2 = ref Unsafe.Add(ref a1, k);
        ref T b0 = ref Unsafe.Add(ref b, (nint)j * k);
        ref T b1 = ref Unsafe.Add(ref b0, k);
        ref T b2 = ref Unsafe.Add(ref b1, k);
        ref T b3 = ref Unsafe.Add(ref b2, k);
        TVector zero = TVector.Create(T.Zero);
        TVector s00 = zero, s01 = zero, s02 = zero, s03 = zero, s10 = zero, s11 = zero, s12 = zero, s13 = zero;
        TVector s20 = zero, s21 = zero, s22 = zero, s23 = zero;
        int p = 0;
        for (; p + w <= k; p += w)
        {
            nuint q = (nuint)p;
            TVector x0 = TVector.Load(ref a0, q), x1 = TVector.Load(ref a1, q), x2 = TVector.Load(ref a2, q);
            TVector y = TVector.Load(ref b0, q);
            s00 = TVector.FusedMultiplyAdd(x0, y, s00); s10 = TVector.FusedMultiplyAdd(x1, y, s10); s20 = TVector.FusedMultiplyAdd(x2, y, s20);
            y = TVector.Load(ref b1, q);
            s01 = TVector.FusedMultiplyAdd(x0, y, s01); s11 = TVector.FusedMultiplyAdd(x1, y, s11); s21 = TVector.FusedMultiplyAdd(x2, y, s21);
            y = TVector.Load(ref b2, q);
            s02 = TVector.FusedMultiplyAdd(x0, y, s02); s12 = TVector.FusedMultiplyAdd(x1, y, s12); s22 = TVector.FusedMultiplyAdd(x2, y, s22);
            y = TVector.Load(ref b3, q);
            s03 = TVector.FusedMultiplyAdd(x0, y, s03); s13 = TVector.FusedMultiplyAdd(x1, y, s13); s23 = TVector.FusedMultiplyAdd(x2, y, s23);
        }

        if (p < k && k >= w)
        {
            // The register ending at k, its already-counted lanes zeroed in A.
            TVector mask = Elementwise.TailMask<T, TVector>(k - p);
            nuint q = (nuint)(k - w);
            TVector x0 = TVector.ConditionalSelect(mask, TVector.Load(ref a0, q), zero);
            TVector x1 = TVector.ConditionalSelect(mask, TVector.Load(ref a1, q), zero);
            TVector x2 = TVector.ConditionalSelect(mask, TVector.Load(ref a2, q), zero);
            TVector y = TVector.Load(ref b0, q);
            s00 = TVector.FusedMultiplyAdd(x0, y, s00); s10 = TVector.FusedMultiplyAdd(x1, y, s10); s20 = TVector.FusedMultiplyAdd(x2, y, s20);
            y = TVector.Load(ref b1, q);
            s01 = TVector.FusedMultiplyAdd(x0, y, s01); s11 = TVector.FusedMultiplyAdd(x1, y, s11); s21 = TVector.FusedMultiplyAdd(x2, y, s21);
            y = TVector.Load(ref b2, q);
            s02 = TVector.FusedMultiplyAdd(x0, y, s02); s12 = TVector.FusedMultiplyAdd(x1, y, s12); s22 = TVector.FusedMultiplyAdd(x2, y, s22);
            y = TVector.Load(ref b3, q);
            s03 = TVector.FusedMultiplyAdd(x0, y, s03); s13 = TVector.FusedMultiplyAdd(x1, y, s13); s23 = TVector.FusedMultiplyAdd(x2, y, s23);
            p = k;
        }

        ref T c0 = ref Unsafe.Add(ref c, (nint)i * n + j);
        FinishFour<T, TVector>(accumulate, ref c0, s00, s01, s02, s03, ref a0, ref b0, ref b1, ref b2, ref b3, p, k);
        FinishFour<T, TVector>(accumulate, ref Unsafe.Add(ref c0, n), s10, s11, s12, s13, ref a1, ref b0, ref b1, ref b2, ref b3, p, k);
        FinishFour<T, TVector>(accumulate, ref Unsafe.Add(ref c0, 2 * n), s20, s21, s22, s23, ref a2, ref b0, ref b1, ref b2, ref b3, p, k);
    }

    private static void Dot1x1<T, TVector>(ref T a, ref T b, ref T c, int i, int j, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        int w = TVector.Count;
        ref T aRow = ref Unsafe.Add(ref a, (nint)i * k);
        ref T bRow = ref Unsafe.Add(ref b, (nint)j * k);
        TVector s = TVector.Create(T.Zero);
        int p = 0;
        for (; p + w <= k; p += w)
        {
            s = TVector.FusedMultiplyAdd(TVector.Load(ref aRow, (nuint)p), TVector.Load(ref bRow, (nuint)p), s);
        }

        if (p < k && k >= w)
        {
            TVector mask = Elementwise.TailMask<T, TVector>(k - p);
            nuint q = (nuint)(k - w);
            s = TVector.FusedMultiplyAdd(TVector.ConditionalSelect(mask, TVector.Load(ref aRow, q), TVector.Create(T.Zero)), TVector.Load(ref bRow, q), s);
            p = k;
        }

        ref T cij = ref Unsafe.Add(ref c, (nint)i * n + j);
        cij = Finish(accumulate, cij, TVector.Sum(s), ref aRow, ref bRow, p, k);
    }

    // Four neighbouring elements of one row of C: c[0..4) from the four register chains against rows b0..b3 of B.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FinishFour<T, TVector>(bool accumulate, ref T c, TVector s0, TVector s1, TVector s2, TVector s3,
        ref T aRow, ref T b0, ref T b1, ref T b2, ref T b3, int p, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T>
    {
        c = Finish(accumulate, c, TVector.Sum(s0), ref aRow, ref b0, p, k);
        Unsafe.Add(ref c, 1) = Finish(accumulate, Unsafe.Add(ref c, 1), TVector.Sum(s1), ref aRow, ref b1, p, k);
        Unsafe.Add(ref c, 2) = Finish(accumulate, Unsafe.Add(ref c, 2), TVector.Sum(s2), ref aRow, ref b2, p, k);
        Unsafe.Add(ref c, 3) = Finish(accumulate, Unsafe.Add(ref c, 3), TVector.Sum(s3), ref aRow, ref b3, p, k);
    }

    // The lane sum, then any k tail left (k shorter than a register) as a scalar FMA chain, then C's old value:
    // the same order for every element.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Finish<T>(bool accumulate, T old, T laneSum, ref T aRow, ref T bRow, int p, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (; p < k; p++)
        {
            laneSum = T.FusedMultiplyAdd(Unsafe.Add(ref aRow, p), Unsafe.Add(ref bRow, p), laneSum);
        }

        return accumulate ? old + laneSum : laneSum;
    }
}
