using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Simd.Kernels;

/// <summary>
/// The one loop behind every element-wise kernel. It takes the widest accelerated register that
/// the span fills at least once (<see cref="WidthDispatch.WidestFilledBy{T, TKernel}"/>), runs whole registers, and finishes with one more register that
/// ends at the last element (overlapping the previous one). That last register is loaded before
/// anything is stored, so in-place work sees the original values and the overlapped elements are
/// written again with the same bits. Spans shorter than a 128-bit register are padded into one.
/// Every element thus goes through the same vector math whatever the span's length or its
/// position in it.
/// </summary>
/// <remarks>Callers validate lengths; these methods trust them.</remarks>
internal static class Elementwise
{
    /// <summary>Largest number of lanes of any register we use (16 floats in 512 bits).</summary>
    internal const int MaxLanes = 16;

    // The ladder is written out here rather than through an IVectorKernel struct and WidthDispatch: measured with
    // BenchmarkDotNet, the struct cost 25-30 ns a call on short spans (Sigmoid of 10 floats: 10 ns -> 37 ns on the
    // 512-bit path; 784 floats unchanged), which a batch-10 step pays on every layer. The policy is WidthDispatch's.
    public static void Apply<T, TOperator>(TOperator op, ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IUnaryOperator<T>
    {
        ref T source = ref MemoryMarshal.GetReference(x);
        ref T target = ref MemoryMarshal.GetReference(destination);
        int length = x.Length;
        nuint n = (nuint)length;
        if (length == 0) return;
        if (WidthDispatch.Fills<T, Simd512<T>>(length)) Apply<T, TOperator, Simd512<T>>(op, ref source, ref target, n);
        else if (WidthDispatch.Fills<T, Simd256<T>>(length)) Apply<T, TOperator, Simd256<T>>(op, ref source, ref target, n);
        else if (WidthDispatch.Fills<T, Simd128<T>>(length)) Apply<T, TOperator, Simd128<T>>(op, ref source, ref target, n);
        else if (Simd128<T>.IsHardwareAccelerated) ApplyPadded<T, TOperator, Simd128<T>>(op, ref source, ref target, n);
        else Apply<T, TOperator, SimdScalar<T>>(op, ref source, ref target, n);
    }

    public static void Apply<T, TOperator>(TOperator op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IBinaryOperator<T>
    {
        ref T first = ref MemoryMarshal.GetReference(x);
        ref T second = ref MemoryMarshal.GetReference(y);
        ref T target = ref MemoryMarshal.GetReference(destination);
        int length = x.Length;
        nuint n = (nuint)length;
        if (length == 0) return;
        if (WidthDispatch.Fills<T, Simd512<T>>(length)) Apply<T, TOperator, Simd512<T>>(op, ref first, ref second, ref target, n);
        else if (WidthDispatch.Fills<T, Simd256<T>>(length)) Apply<T, TOperator, Simd256<T>>(op, ref first, ref second, ref target, n);
        else if (WidthDispatch.Fills<T, Simd128<T>>(length)) Apply<T, TOperator, Simd128<T>>(op, ref first, ref second, ref target, n);
        else if (Simd128<T>.IsHardwareAccelerated) ApplyPadded<T, TOperator, Simd128<T>>(op, ref first, ref second, ref target, n);
        else Apply<T, TOperator, SimdScalar<T>>(op, ref first, ref second, ref target, n);
    }

    // length >= one register.
    private static void Apply<T, TOperator, TVector>(TOperator op, ref T x, ref T destination, nuint length)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IUnaryOperator<T>
        where TVector : struct, IVector<TVector, T>
    {
        nuint width = (nuint)TVector.Count;
        TVector last = TVector.Load(ref x, length - width);
        nuint i = 0;
        for (; i + width <= length; i += width)
        {
            TVector.Store(op.Invoke(TVector.Load(ref x, i)), ref destination, i);
        }

        if (i < length)
        {
            TVector.Store(op.Invoke(last), ref destination, length - width);
        }
    }

    private static void Apply<T, TOperator, TVector>(TOperator op, ref T x, ref T y, ref T destination, nuint length)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IBinaryOperator<T>
        where TVector : struct, IVector<TVector, T>
    {
        nuint width = (nuint)TVector.Count;
        TVector lastX = TVector.Load(ref x, length - width);
        TVector lastY = TVector.Load(ref y, length - width);
        nuint i = 0;
        for (; i + width <= length; i += width)
        {
            TVector.Store(op.Invoke(TVector.Load(ref x, i), TVector.Load(ref y, i)), ref destination, i);
        }

        if (i < length)
        {
            TVector.Store(op.Invoke(lastX, lastY), ref destination, length - width);
        }
    }

    // 0 < length < one register: through a zero-padded copy.
    private static void ApplyPadded<T, TOperator, TVector>(TOperator op, ref T x, ref T destination, nuint length)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IUnaryOperator<T>
        where TVector : struct, IVector<TVector, T>
    {
        Span<T> lane = stackalloc T[MaxLanes];
        ref T padded = ref LoadPadded(ref x, length, lane, T.Zero);
        TVector.Store(op.Invoke(TVector.Load(ref padded, 0)), ref padded, 0);
        StorePart(lane, length, ref destination);
    }

    private static void ApplyPadded<T, TOperator, TVector>(TOperator op, ref T x, ref T y, ref T destination, nuint length)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IBinaryOperator<T>
        where TVector : struct, IVector<TVector, T>
    {
        Span<T> laneX = stackalloc T[MaxLanes];
        Span<T> laneY = stackalloc T[MaxLanes];
        ref T paddedX = ref LoadPadded(ref x, length, laneX, T.Zero);
        ref T paddedY = ref LoadPadded(ref y, length, laneY, T.Zero);
        TVector.Store(op.Invoke(TVector.Load(ref paddedX, 0), TVector.Load(ref paddedY, 0)), ref paddedX, 0);
        StorePart(laneX, length, ref destination);
    }

    /// <summary>Copies <paramref name="count"/> elements into <paramref name="lane"/>, fills the rest with <paramref name="pad"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ref T LoadPadded<T>(ref T source, nuint count, Span<T> lane, T pad)
        where T : unmanaged
    {
        lane.Fill(pad);
        MemoryMarshal.CreateReadOnlySpan(ref source, (int)count).CopyTo(lane);
        return ref MemoryMarshal.GetReference(lane);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePart<T>(Span<T> lane, nuint count, ref T destination)
        where T : unmanaged =>
        lane[..(int)count].CopyTo(MemoryMarshal.CreateSpan(ref destination, (int)count));

    /// <summary>
    /// For the register that ends at element <c>n</c> of a row whose first <c>n - remaining</c>
    /// elements were already covered: true in the lanes not yet covered (the last <paramref name="remaining"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVector TailMask<T, TVector>(int remaining)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T> =>
        TVector.GreaterThanOrEqual(TVector.Indices, TVector.Create(T.CreateTruncating(TVector.Count - remaining)));
}
