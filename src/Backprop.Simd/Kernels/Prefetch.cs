using System.Runtime.Intrinsics.X86;

namespace Backprop.Simd.Kernels;

/// <summary>
/// Asks the cache hierarchy for memory that will be read soon, without waiting for it: the
/// trainer names the next mini-batch's sample rows (scattered over a data set far larger than the
/// caches) while the current step computes, so the next gather finds them in L2 instead of DRAM.
/// A hint only: no effect on results, and nothing on processors without the instruction.
/// </summary>
internal static class Prefetch
{
    private const int CacheLine = 64;

    /// <summary>Prefetches every cache line of <paramref name="values"/> into L2 (and the levels beyond it).</summary>
    public static unsafe void ToL2<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        if (!Sse.IsSupported || values.IsEmpty) return;
        fixed (T* start = values)
        {
            // From the line holding the first byte: a row that starts mid-line ends in one more line.
            byte* first = (byte*)((nuint)start & ~(nuint)(CacheLine - 1)), end = (byte*)(start + values.Length);
            for (byte* line = first; line < end; line += CacheLine) Sse.Prefetch1(line);
        }
    }
}
