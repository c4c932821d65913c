using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Simd.Kernels;

/// <summary>
/// y = W x + b for a W that is read many times (a predictor's), with W re-laid once so that one
/// sequential stream feeds eight dot products at a time. Row-major W makes the single-sample
/// forward read eight rows 3 KB apart at once; here the register-wide chunks of eight rows sit side
/// by side: [row 0, chunk 0][row 1, chunk 0] ... [row 7, chunk 0][row 0, chunk 1] ... Then groups of
/// four, two, then single rows. Each row keeps one accumulator over the same chunks in the same order,
/// with the same masked last chunk, as <see cref="Blas2.Gemv{T}"/>: the results are its bits.
/// The register is the widest accelerated one (<see cref="WidthDispatch.Widest{T, TKernel}"/>): the layout is made for it.
/// Reference: <see cref="Reference.Gemv{T}"/>.
/// </summary>
internal static class InterleavedGemv
{
    /// <summary>True when the re-laid form applies: x is at least one register long.</summary>
    public static bool Applies(int n) => n >= Width;

    /// <summary>The register width the layout is made for.</summary>
    public static int Width => WidthDispatch.WidestLanes<float>();

    /// <summary>W [m, n] row-major in the interleaved layout (n at least <see cref="Width"/>).</summary>
    public static float[] Pack(ReadOnlySpan<float> w, int m, int n)
    {
        Require.Length(w, nameof(w), "[m, n]", m, n);
        int width = Width;
        if (n < width) throw new ArgumentException($"Rows of {n} are shorter than one register of {width}.", nameof(n));
        int chunks = (n + width - 1) / width;
        var packed = new float[m * chunks * width];
        int to = 0, row = 0;
        for (; row + 8 <= m; row += 8) to = Interleave(w, row, 8, n, chunks, width, packed, to);
        for (; row + 4 <= m; row += 4) to = Interleave(w, row, 4, n, chunks, width, packed, to);
        for (; row + 2 <= m; row += 2) to = Interleave(w, row, 2, n, chunks, width, packed, to);
        for (; row < m; row++) to = Interleave(w, row, 1, n, chunks, width, packed, to);
        return packed;
    }

    // Chunk c covers x[c w, c w + w), the last one x[n - w, n) (overlapping, as the Gemv kernels read it).
    private static int Interleave(ReadOnlySpan<float> w, int row, int rows, int n, int chunks, int width, float[] packed, int to)
    {
        for (int c = 0; c < chunks; c++)
        {
            int from = Math.Min(c * width, n - width);
            for (int r = 0; r < rows; r++, to += width) w.Slice((row + r) * n + from, width).CopyTo(packed.AsSpan(to));
        }

        return to;
    }

    /// <summary>y = W x + b with W from <see cref="Pack"/>; the caller has checked the lengths.</summary>
    public static void Multiply(ReadOnlySpan<float> packed, ReadOnlySpan<float> x, ReadOnlySpan<float> b, int m, int n, Span<float> y)
    {
        var kernel = new Kernel(ref MemoryMarshal.GetReference(packed), ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(b), m, n,
            ref MemoryMarshal.GetReference(y));
        WidthDispatch.Widest<float, Kernel>(ref kernel);
    }

    private readonly ref struct Kernel(ref float w, ref float x, ref float b, int m, int n, ref float y) : IVectorKernel<float>
    {
        private readonly ref float _w = ref w;
        private readonly ref float _x = ref x;
        private readonly ref float _b = ref b;
        private readonly ref float _y = ref y;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Run<TVector>()
            where TVector : struct, IVector<TVector, float> => Multiply<TVector>(ref _w, ref _x, ref _b, m, n, ref _y);
    }

    private static void Multiply<TVector>(ref float w, ref float x, ref float b, int m, int n, ref float y)
        where TVector : struct, IVector<TVector, float>
    {
        int width = TVector.Count, full = n / width;
        bool tail = full * width != n;
        TVector mask = Elementwise.TailMask<float, TVector>(n - full * width);
        TVector last = TVector.ConditionalSelect(mask, TVector.Load(ref x, (nuint)(n - width)), TVector.Create(0f));
        int row = 0;
        for (; row + 8 <= m; row += 8) w = ref Eight<TVector>(ref w, ref x, last, full, tail, ref Unsafe.Add(ref b, row), ref Unsafe.Add(ref y, row));
        for (; row + 4 <= m; row += 4) w = ref Four<TVector>(ref w, ref x, last, full, tail, ref Unsafe.Add(ref b, row), ref Unsafe.Add(ref y, row));
        for (; row + 2 <= m; row += 2) w = ref Two<TVector>(ref w, ref x, last, full, tail, ref Unsafe.Add(ref b, row), ref Unsafe.Add(ref y, row));
        for (; row < m; row++) w = ref One<TVector>(ref w, ref x, last, full, tail, ref Unsafe.Add(ref b, row), ref Unsafe.Add(ref y, row));
    }

    // Eight rows: y[r] = b[r] + sum of lanes of (sum over chunks of x_chunk * w_chunk[r]). Returns where the next group starts.
    private static ref float Eight<TVector>(ref float w, ref float x, TVector last, int full, bool tail, ref float b, ref float y)
        where TVector : struct, IVector<TVector, float>
    {
        nuint width = (nuint)TVector.Count;
        TVector s0 = TVector.Create(0f), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int c = 0; c < full; c++)
        {
            TVector xc = TVector.Load(ref x, (nuint)c * width);
            s0 = TVector.FusedMultiplyAdd(xc, TVector.Load(ref w, 0), s0);
            s1 = TVector.FusedMultiplyAdd(xc, TVector.Load(ref w, width), s1);
            s2 = TVector.FusedMultiplyAdd(xc, TVector.Load(ref w, 2 * width), s2);
            s3 = TVector.FusedMultiplyAdd(xc, TVector.Load(ref w, 3 * width), s3);
            s4 = TVector.FusedMultiplyAdd(xc, TVector.Load(ref w, 4 * width), s4);
            s5 = TVector.FusedMultiplyAdd(xc, TVector.Load(ref w, 5 * width), s5);
            s6 = TVector.FusedMultiplyAdd(xc, TVector.Load(ref w, 6 * width), s6);
            s7 = TVector.FusedMultiplyAdd(xc, TVector.Load(ref w, 7 * width), s7);
            w = ref Unsafe.Add(ref w, 8 * width);
        }

        if (tail)
        {
            s0 = TVector.FusedMultiplyAdd(last, TVector.Load(ref w, 0), s0);
            s1 = TVector.FusedMultiplyAdd(last, TVector.Load(ref w, width), s1);
            s2 = TVector.FusedMultiplyAdd(last, TVector.Load(ref w, 2 * width), s2);
            s3 = TVector.FusedMultiplyAdd(last, TVector.Load(ref w, 3 * width), s3);
            s4 = TVector.FusedMultiplyAdd(last, TVector.Load(ref w, 4 * width), s4);
            s5 = TVector.FusedMultiplyAdd(last, TVector.Load(ref w, 5 * width), s5);
            s6 = TVector.FusedMultiplyAdd(last, TVector.Load(ref w, 6 * width), s6);
            s7 = TVector.FusedMultiplyAdd(last, TVector.Load(ref w, 7 * width), s7);
            w = ref Unsafe.Add(ref w, 8 * width);
        }

        y = b + TVector.Sum(s0);
        Unsafe.Add(ref y, 1) = Unsafe.Add(ref b, 1) + TVector.Sum(s1);
        Unsafe.Add(ref y, 2) = Unsafe.Add(ref b, 2) + TVector.Sum(s2);
        Unsafe.Add(ref y, 3) = Unsafe.Add(ref b, 3) + TVector.Sum(s3);
        Unsafe.Add(ref y, 4) = Unsafe.Add(ref b, 4) + TVector.Sum(s4);
        Unsafe.Add(ref y, 5) = Unsafe.Add(ref b, 5) + TVector.Sum(s5);
        Unsafe.Add(ref y, 6) = Unsafe.Add(ref b, 6) + TVector.Sum(s6);
        Unsafe.Add(ref y, 7) = Unsafe.Add(ref b, 7) + TVector.Sum(s7);
        return ref w;
    }

    private static ref float Four<TVector>(ref float w, ref float x, TVector last, int full, bool tail, ref float b, ref float y)
        where TVector : struct, IVector<TVector, float>
    {
        nuint width = (nuint)TVector.Count;
        TVector s0 = TVector.Create(0f), s1 = s0, s2 = s0, s3 = s0;
        for (int c = 0; c < full; c++)
        {
            TVector xc = TVector.Load(ref x, (nuint)c * width);
            s0 = TVector.FusedMultiplyAdd(xc, TVector.Load(ref w, 0), s0);
            s1 = TVector.FusedMultiplyAdd(xc, TVector.Load(ref w, width), s1);
            s2 = TVector.FusedMultiplyAdd(xc, TVector.Load(ref w, 2 * width), s2);
            s3 = TVector.FusedMultiplyAdd(xc, TVector.Load(ref w, 3 * width), s3);
            w = ref Unsafe.Add(ref w, 4 * width);
        }

        if (tail)
        {
            s0 = TVector.FusedMultiplyAdd(last, TVector.Load(ref w, 0), s0);
            s1 = TVector.FusedMultiplyAdd(last, TVector.Load(ref w, width), s1);
            s2 = TVector.FusedMultiplyAdd(last, TVector.Load(ref w, 2 * width), s2);
            s3 = TVector.FusedMultiplyAdd(last, TVector.Load(ref w, 3 * width), s3);
            w = ref Unsafe.Add(ref w, 4 * width);
        }

        y = b + TVector.Sum(s0);
        Unsafe.Add(ref y, 1) = Unsafe.Add(ref b, 1) + TVector.Sum(s1);
        Unsafe.Add(ref y, 2) = Unsafe.Add(ref b, 2) + TVector.Sum(s2);
        Unsafe.Add(ref y, 3) = Unsafe.Add(ref b, 3) + TVector.Sum(s3);
        return ref w;
    }

    // Two rows: the leftovers of 30 or 10 rows ran as single rows before, each a latency-bound chain of one FMA per chunk.
    private static ref float Two<TVector>(ref float w, ref float x, TVector last, int full, bool tail, ref float b, ref float y)
        where TVector : struct, IVector<TVector, float>
    {
        nuint width = (nuint)TVector.Count;
        TVector s0 = TVector.Create(0f), s1 = s0;
        for (int c = 0; c < full; c++)
        {
            TVector xc = TVector.Load(ref x, (nuint)c * width);
            s0 = TVector.FusedMultiplyAdd(xc, TVector.Load(ref w, 0), s0);
            s1 = TVector.FusedMultiplyAdd(xc, TVector.Load(ref w, width), s1);
            w = ref Unsafe.Add(ref w, 2 * width);
        }

        if (tail)
        {
            s0 = TVector.FusedMultiplyAdd(last, TVector.Load(ref w, 0), s0);
            s1 = TVector.FusedMultiplyAdd(last, TVector.Load(ref w, width), s1);
            w = ref Unsafe.Add(ref w, 2 * width);
        }

        y = b + TVector.Sum(s0);
        Unsafe.Add(ref y, 1) = Unsafe.Add(ref b, 1) + TVector.Sum(s1);
        return ref w;
    }

    private static ref float One<TVector>(ref float w, ref float x, TVector last, int full, bool tail, ref float b, ref float y)
        where TVector : struct, IVector<TVector, float>
    {
        nuint width = (nuint)TVector.Count;
        TVector s = TVector.Create(0f);
        for (int c = 0; c < full; c++)
        {
            s = TVector.FusedMultiplyAdd(TVector.Load(ref x, (nuint)c * width), TVector.Load(ref w, 0), s);
            w = ref Unsafe.Add(ref w, width);
        }

        if (tail)
        {
            s = TVector.FusedMultiplyAdd(last, TVector.Load(ref w, 0), s);
            w = ref Unsafe.Add(ref w, width);
        }

        y = b + TVector.Sum(s);
        return ref w;
    }
}
