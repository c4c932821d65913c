using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Simd.Kernels;

/// <summary>
/// y = W x + b with W stored as bf16 (<see cref="BFloat16"/>), x, b, the products and the sums in
/// float: the opt-in reduced-precision store of the predictor. The layout mirrors
/// <see cref="InterleavedGemv"/>'s (register-wide chunks of eight rows side by side, then four, two
/// and single rows), with two chunks of a row in one register: lane k of a stored register holds
/// chunk 2p's weight k in its low 16 bits and chunk 2p+1's weight k in its high 16 bits, so one load
/// brings 2 x width weights and a shift and an AND widen them (<see cref="IBFloat16Widening{TVector}"/>).
/// W is half the bytes of float W; the forward streams it from L1/L2 at half the traffic.
/// </summary>
/// <remarks>
/// Chunk c covers x[c w, c w + w); a last partial chunk is the overlapping register x[n - w, n) with
/// the lanes already covered masked to zero in x, as in the float kernels. Chunks go in pairs (0, 1),
/// (2, 3), ...; an odd last chunk is stored with zero high halves. A fused multiply-add per weight;
/// each row of the groups of eight keeps one float accumulator, the rows of the smaller groups two
/// (low and high halves, so their short chains do not wait on each other), and ends with b + the
/// sum of the lanes; the result is
/// the float forward over the rounded weights up to the order of the additions (error bound in the tests).
/// The register width is the widest one that is no longer than a row (<see cref="WidthFor"/>), down
/// to one lane, so every layer is stored in bf16 whatever its fan-in.
/// </remarks>
internal static class InterleavedGemvBFloat16
{
    /// <summary>The register width used for rows of <paramref name="n"/> weights: the widest accelerated one not longer than n (1 for the scalar path).</summary>
    public static int WidthFor(int n) => WidthDispatch.WidestLanesFilledBy<float>(n);

    /// <summary>W [m, n] row-major, rounded to bf16 and re-laid for <see cref="Multiply"/> at <see cref="WidthFor"/>(n).</summary>
    public static uint[] Pack(ReadOnlySpan<float> w, int m, int n) => Pack(w, m, n, WidthFor(n));

    /// <summary>As <see cref="Pack(ReadOnlySpan{float}, int, int)"/> for a given register width (tests run every width the machine has).</summary>
    public static uint[] Pack(ReadOnlySpan<float> w, int m, int n, int width)
    {
        Require.NonNegative(m, nameof(m));
        Require.Length(w, nameof(w), "[m, n]", m, n);
        if (width < 1 || n < width) throw new ArgumentException($"Rows of {n} are shorter than one register of {width}.", nameof(n));
        int chunks = (n + width - 1) / width, pairs = (chunks + 1) / 2;
        var packed = new uint[m * pairs * width];
        int to = 0, row = 0;
        for (; row + 8 <= m; row += 8) to = Interleave(w, row, 8, n, chunks, width, packed, to);
        for (; row + 4 <= m; row += 4) to = Interleave(w, row, 4, n, chunks, width, packed, to);
        for (; row + 2 <= m; row += 2) to = Interleave(w, row, 2, n, chunks, width, packed, to);
        for (; row < m; row++) to = Interleave(w, row, 1, n, chunks, width, packed, to);
        return packed;
    }

    // For each pair of chunks, for each row of the group: width lanes of (chunk 2p) | (chunk 2p + 1) << 16.
    private static int Interleave(ReadOnlySpan<float> w, int row, int rows, int n, int chunks, int width, uint[] packed, int to)
    {
        for (int c = 0; c < chunks; c += 2)
        {
            int low = Math.Min(c * width, n - width), high = Math.Min((c + 1) * width, n - width);
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> source = w.Slice((row + r) * n, n);
                for (int k = 0; k < width; k++, to++)
                {
                    uint upper = c + 1 < chunks ? BFloat16.Round(source[high + k]) : 0u;
                    packed[to] = BFloat16.Round(source[low + k]) | upper << 16;
                }
            }
        }

        return to;
    }

    /// <summary>y = W x + b with W from <see cref="Pack(ReadOnlySpan{float}, int, int)"/>; the caller has checked the lengths.</summary>
    public static void Multiply(ReadOnlySpan<uint> packed, ReadOnlySpan<float> x, ReadOnlySpan<float> b, int m, int n, Span<float> y)
    {
        // The width is WidthDispatch's choice; the switch only pairs each register type with its widening.
        switch (WidthFor(n))
        {
            case 16: Multiply<Simd512<float>, BFloat16Widening512>(packed, x, b, m, n, y); break;
            case 8: Multiply<Simd256<float>, BFloat16Widening256>(packed, x, b, m, n, y); break;
            case 4: Multiply<Simd128<float>, BFloat16Widening128>(packed, x, b, m, n, y); break;
            default: Multiply<SimdScalar<float>, BFloat16WideningScalar>(packed, x, b, m, n, y); break;
        }
    }

    /// <summary>y = W x + b at one register width, W packed for <c>TVector.Count</c>.</summary>
    public static void Multiply<TVector, TWiden>(ReadOnlySpan<uint> packed, ReadOnlySpan<float> x, ReadOnlySpan<float> b, int m, int n, Span<float> y)
        where TVector : struct, IVector<TVector, float>
        where TWiden : struct, IBFloat16Widening<TVector>
    {
        ref float w = ref Unsafe.As<uint, float>(ref MemoryMarshal.GetReference(packed)); // loaded as bits, widened before use
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float ry = ref MemoryMarshal.GetReference(y);
        int width = TVector.Count, full = n / width;
        bool tail = full * width != n;
        // After the pairs of full chunks, 0, 1 or 2 chunks are left: an odd full chunk and/or the masked tail.
        int pairs = full / 2, rest = (full & 1) + (tail ? 1 : 0);
        TVector mask = Elementwise.TailMask<float, TVector>(n - full * width);
        TVector last = TVector.ConditionalSelect(mask, TVector.Load(ref rx, (nuint)(n - width)), TVector.Create(0f));
        TVector restLow = (full & 1) == 1 ? TVector.Load(ref rx, (nuint)((full - 1) * width)) : last;
        var group = new Group<TVector>(pairs, rest, restLow, last, TWiden.HighMask);
        int row = 0;
        for (; row + 8 <= m; row += 8) w = ref Eight<TVector, TWiden>(ref w, ref rx, group, ref Unsafe.Add(ref rb, row), ref Unsafe.Add(ref ry, row));
        for (; row + 4 <= m; row += 4) w = ref Four<TVector, TWiden>(ref w, ref rx, group, ref Unsafe.Add(ref rb, row), ref Unsafe.Add(ref ry, row));
        for (; row + 2 <= m; row += 2) w = ref Two<TVector, TWiden>(ref w, ref rx, group, ref Unsafe.Add(ref rb, row), ref Unsafe.Add(ref ry, row));
        for (; row < m; row++) w = ref One<TVector, TWiden>(ref w, ref rx, group, ref Unsafe.Add(ref rb, row), ref Unsafe.Add(ref ry, row));
    }

    // What every row group needs to know about x: the full pairs, and the x registers of the 0-2 chunks after them.
    // (and the AND mask of High, made once: the JIT would otherwise reload the constant in every step).
    private readonly struct Group<TVector>(int pairs, int rest, TVector restLow, TVector restHigh, TVector highMask)
        where TVector : struct, IVector<TVector, float>
    {
        public readonly int Pairs = pairs, Rest = rest;
        public readonly TVector RestLow = restLow, RestHigh = restHigh, HighMask = highMask;
    }

    // s += x_low * low(w), t += x_high * high(w) for one stored register w: two accumulators per row, so
    // no fused multiply-add waits for the one before it (one chain per row would be 2 x 4 cycles a step).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TVector, TWiden>(TVector xLow, TVector xHigh, TVector highMask, TVector w, ref TVector s, ref TVector t)
        where TVector : struct, IVector<TVector, float>
        where TWiden : struct, IBFloat16Widening<TVector>
    {
        s = TVector.FusedMultiplyAdd(xLow, TWiden.Low(w), s);
        t = TVector.FusedMultiplyAdd(xHigh, TWiden.High(w, highMask), t);
    }

    // s += x_low * low(w) + x_high * high(w): one accumulator.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Chained<TVector, TWiden>(TVector xLow, TVector xHigh, TVector highMask, TVector w, TVector s)
        where TVector : struct, IVector<TVector, float>
        where TWiden : struct, IBFloat16Widening<TVector> =>
        TVector.FusedMultiplyAdd(xHigh, TWiden.High(w, highMask), TVector.FusedMultiplyAdd(xLow, TWiden.Low(w), s));

    // As Step for the 1 or 2 chunks after the pairs: the high half only when there are two (the stored high halves are zero otherwise).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rest<TVector, TWiden>(in Group<TVector> g, TVector w, ref TVector s, ref TVector t)
        where TVector : struct, IVector<TVector, float>
        where TWiden : struct, IBFloat16Widening<TVector>
    {
        s = TVector.FusedMultiplyAdd(g.RestLow, TWiden.Low(w), s);
        if (g.Rest == 2) t = TVector.FusedMultiplyAdd(g.RestHigh, TWiden.High(w, g.HighMask), t);
    }

    // Eight rows: y[r] = b[r] + sum of lanes of s_r. One accumulator per row here (eight chains of two
    // dependent fused multiply-adds a step are as many as the two FMA pipes can run; AVX2's 16 registers
    // could not hold 16 accumulators and x). Returns where the next group starts.
    private static ref float Eight<TVector, TWiden>(ref float w, ref float x, scoped in Group<TVector> g, ref float b, ref float y)
        where TVector : struct, IVector<TVector, float>
        where TWiden : struct, IBFloat16Widening<TVector>
    {
        nuint width = (nuint)TVector.Count;
        TVector s0 = TVector.Create(0f), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        ref float xp = ref x;
        for (int p = 0; p < g.Pairs; p++)
        {
            TVector x0 = TVector.Load(ref xp, 0), x1 = TVector.Load(ref xp, width);
            xp = ref Unsafe.Add(ref xp, 2 * width);
            s0 = Chained<TVector, TWiden>(x0, x1, g.HighMask, TVector.Load(ref w, 0), s0);
            s1 = Chained<TVector, TWiden>(x0, x1, g.HighMask, TVector.Load(ref w, width), s1);
            s2 = Chained<TVector, TWiden>(x0, x1, g.HighMask, TVector.Load(ref w, 2 * width), s2);
            s3 = Chained<TVector, TWiden>(x0, x1, g.HighMask, TVector.Load(ref w, 3 * width), s3);
            s4 = Chained<TVector, TWiden>(x0, x1, g.HighMask, TVector.Load(ref w, 4 * width), s4);
            s5 = Chained<TVector, TWiden>(x0, x1, g.HighMask, TVector.Load(ref w, 5 * width), s5);
            s6 = Chained<TVector, TWiden>(x0, x1, g.HighMask, TVector.Load(ref w, 6 * width), s6);
            s7 = Chained<TVector, TWiden>(x0, x1, g.HighMask, TVector.Load(ref w, 7 * width), s7);
            w = ref Unsafe.Add(ref w, 8 * width);
        }

        if (g.Rest > 0)
        {
            Rest<TVector, TWiden>(g, TVector.Load(ref w, 0), ref s0, ref s0);
            Rest<TVector, TWiden>(g, TVector.Load(ref w, width), ref s1, ref s1);
            Rest<TVector, TWiden>(g, TVector.Load(ref w, 2 * width), ref s2, ref s2);
            Rest<TVector, TWiden>(g, TVector.Load(ref w, 3 * width), ref s3, ref s3);
            Rest<TVector, TWiden>(g, TVector.Load(ref w, 4 * width), ref s4, ref s4);
            Rest<TVector, TWiden>(g, TVector.Load(ref w, 5 * width), ref s5, ref s5);
            Rest<TVector, TWiden>(g, TVector.Load(ref w, 6 * width), ref s6, ref s6);
            Rest<TVector, TWiden>(g, TVector.Load(ref w, 7 * width), ref s7, ref s7);
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

    private static ref float Four<TVector, TWiden>(ref float w, ref float x, scoped in Group<TVector> g, ref float b, ref float y)
        where TVector : struct, IVector<TVector, float>
        where TWiden : struct, IBFloat16Widening<TVector>
    {
        nuint width = (nuint)TVector.Count;
        TVector s0 = TVector.Create(0f), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
        ref float xp = ref x;
        for (int p = 0; p < g.Pairs; p++)
        {
            TVector x0 = TVector.Load(ref xp, 0), x1 = TVector.Load(ref xp, width);
            xp = ref Unsafe.Add(ref xp, 2 * width);
            Step<TVector, TWiden>(x0, x1, g.HighMask, TVector.Load(ref w, 0), ref s0, ref t0);
            Step<TVector, TWiden>(x0, x1, g.HighMask, TVector.Load(ref w, width), ref s1, ref t1);
            Step<TVector, TWiden>(x0, x1, g.HighMask, TVector.Load(ref w, 2 * width), ref s2, ref t2);
            Step<TVector, TWiden>(x0, x1, g.HighMask, TVector.Load(ref w, 3 * width), ref s3, ref t3);
            w = ref Unsafe.Add(ref w, 4 * width);
        }

        if (g.Rest > 0)
        {
            Rest<TVector, TWiden>(g, TVector.Load(ref w, 0), ref s0, ref t0);
            Rest<TVector, TWiden>(g, TVector.Load(ref w, width), ref s1, ref t1);
            Rest<TVector, TWiden>(g, TVector.Load(ref w, 2 * width), ref s2, ref t2);
            Rest<TVector, TWiden>(g, TVector.Load(ref w, 3 * width), ref s3, ref t3);
            w = ref Unsafe.Add(ref w, 4 * width);
        }

        y = b + TVector.Sum(s0 + t0);
        Unsafe.Add(ref y, 1) = Unsafe.Add(ref b, 1) + TVector.Sum(s1 + t1);
        Unsafe.Add(ref y, 2) = Unsafe.Add(ref b, 2) + TVector.Sum(s2 + t2);
        Unsafe.Add(ref y, 3) = Unsafe.Add(ref b, 3) + TVector.Sum(s3 + t3);
        return ref w;
    }

    private static ref float Two<TVector, TWiden>(ref float w, ref float x, scoped in Group<TVector> g, ref float b, ref float y)
        where TVector : struct, IVector<TVector, float>
        where TWiden : struct, IBFloat16Widening<TVector>
    {
        nuint width = (nuint)TVector.Count;
        TVector s0 = TVector.Create(0f), s1 = s0, t0 = s0, t1 = s0;
        ref float xp = ref x;
        for (int p = 0; p < g.Pairs; p++)
        {
            TVector x0 = TVector.Load(ref xp, 0), x1 = TVector.Load(ref xp, width);
            xp = ref Unsafe.Add(ref xp, 2 * width);
            Step<TVector, TWiden>(x0, x1, g.HighMask, TVector.Load(ref w, 0), ref s0, ref t0);
            Step<TVector, TWiden>(x0, x1, g.HighMask, TVector.Load(ref w, width), ref s1, ref t1);
            w = ref Unsafe.Add(ref w, 2 * width);
        }

        if (g.Rest > 0)
        {
            Rest<TVector, TWiden>(g, TVector.Load(ref w, 0), ref s0, ref t0);
            Rest<TVector, TWiden>(g, TVector.Load(ref w, width), ref s1, ref t1);
            w = ref Unsafe.Add(ref w, 2 * width);
        }

        y = b + TVector.Sum(s0 + t0);
        Unsafe.Add(ref y, 1) = Unsafe.Add(ref b, 1) + TVector.Sum(s1 + t1);
        return ref w;
    }

    private static ref float One<TVector, TWiden>(ref float w, ref float x, scoped in Group<TVector> g, ref float b, ref float y)
        where TVector : struct, IVector<TVector, float>
        where TWiden : struct, IBFloat16Widening<TVector>
    {
        nuint width = (nuint)TVector.Count;
        TVector s0 = TVector.Create(0f), t0 = s0;
        ref float xp = ref x;
        for (int p = 0; p < g.Pairs; p++)
        {
            TVector x0 = TVector.Load(ref xp, 0), x1 = TVector.Load(ref xp, width);
            xp = ref Unsafe.Add(ref xp, 2 * width);
            Step<TVector, TWiden>(x0, x1, g.HighMask, TVector.Load(ref w, 0), ref s0, ref t0);
            w = ref Unsafe.Add(ref w, width);
        }

        if (g.Rest > 0)
        {
            Rest<TVector, TWiden>(g, TVector.Load(ref w, 0), ref s0, ref t0);
            w = ref Unsafe.Add(ref w, width);
        }

        y = b + TVector.Sum(s0 + t0);
        return ref w;
    }
}
