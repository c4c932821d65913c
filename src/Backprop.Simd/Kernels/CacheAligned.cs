using System.Runtime.CompilerServices;

namespace Backprop.Simd.Kernels;

/// <summary>
/// Copies of read-mostly arrays whose first element starts a 64-byte cache line, so that a kernel's
/// 64-byte (and 32-byte) loads never straddle two lines. A managed array's data starts 16 bytes into
/// an 8-byte aligned object, so otherwise every 512-bit load of a stream reads two lines. The copy
/// lives on the pinned object heap (the collector never moves it, so the alignment holds).
/// </summary>
internal static class CacheAligned
{
    private const int LineBytes = 64;

    /// <summary>A 64-byte aligned copy of <paramref name="source"/>: the segment of a pinned array that holds it.</summary>
    public static unsafe ArraySegment<T> Copy<T>(ReadOnlySpan<T> source)
        where T : unmanaged
    {
        int slack = LineBytes / sizeof(T);
        T[] array = GC.AllocateUninitializedArray<T>(source.Length + slack, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref array[0]);
        int offset = (int)((LineBytes - (address & (LineBytes - 1))) & (LineBytes - 1)) / sizeof(T);
        var segment = new ArraySegment<T>(array, offset, source.Length);
        source.CopyTo(segment);
        return segment;
    }
}
