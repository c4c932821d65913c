using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Simd.Kernels;

/// <summary>
/// The one loop behind every element-wise kernel: picks the widest accelerated register, runs
/// whole registers, and runs the tail through the same operator on a register-sized copy padded
/// with zeros, so an element's result never depends on the span's length or its position in it.
/// </summary>
/// <remarks>Callers validate lengths; these methods trust them.</remarks>
internal static class Elementwise
{
    /// <summary>Largest number of lanes of any register we use (16 floats in 512 bits).</summary>
    internal const int MaxLanes = 16;

    public static void Apply<T, TOperator>(TOperator op, ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IUnaryOperator<T>
    {
        ref T source = ref MemoryMarshal.GetReference(x);
        ref T target = ref MemoryMarshal.GetReference(destination);
        nuint length = (nuint)x.Length;
        if (Simd512<T>.IsHardwareAccelerated) Apply<T, TOperator, Simd512<T>>(op, ref source, ref target, length);
        else if (Simd256<T>.IsHardwareAccelerated) Apply<T, TOperator, Simd256<T>>(op, ref source, ref target, length);
        else if (Simd128<T>.IsHardwareAccelerated) Apply<T, TOperator, Simd128<T>>(op, ref source, ref target, length);
        else Apply<T, TOperator, SimdScalar<T>>(op, ref source, ref target, length);
    }

    public static void Apply<T, TOperator>(TOperator op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IBinaryOperator<T>
    {
        ref T first = ref MemoryMarshal.GetReference(x);
        ref T second = ref MemoryMarshal.GetReference(y);
        ref T target = ref MemoryMarshal.GetReference(destination);
        nuint length = (nuint)x.Length;
        if (Simd512<T>.IsHardwareAccelerated) Apply<T, TOperator, Simd512<T>>(op, ref first, ref second, ref target, length);
        else if (Simd256<T>.IsHardwareAccelerated) Apply<T, TOperator, Simd256<T>>(op, ref first, ref second, ref target, length);
        else if (Simd128<T>.IsHardwareAccelerated) Apply<T, TOperator, Simd128<T>>(op, ref first, ref second, ref target, length);
        else Apply<T, TOperator, SimdScalar<T>>(op, ref first, ref second, ref target, length);
    }

    private static void Apply<T, TOperator, TVector>(TOperator op, ref T x, ref T destination, nuint length)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IUnaryOperator<T>
        where TVector : struct, IVector<TVector, T>
    {
        nuint width = (nuint)TVector.Count;
        nuint i = 0;
        for (; i + width <= length; i += width)
        {
            TVector.Store(op.Invoke(TVector.Load(ref x, i)), ref destination, i);
        }

        if (i < length)
        {
            Span<T> lane = stackalloc T[MaxLanes];
            ref T padded = ref LoadPadded(ref Unsafe.Add(ref x, i), length - i, lane, T.Zero);
            TVector.Store(op.Invoke(TVector.Load(ref padded, 0)), ref padded, 0);
            StorePart(lane, length - i, ref Unsafe.Add(ref destination, i));
        }
    }

    private static void Apply<T, TOperator, TVector>(TOperator op, ref T x, ref T y, ref T destination, nuint length)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IBinaryOperator<T>
        where TVector : struct, IVector<TVector, T>
    {
        nuint width = (nuint)TVector.Count;
        nuint i = 0;
        for (; i + width <= length; i += width)
        {
            TVector.Store(op.Invoke(TVector.Load(ref x, i), TVector.Load(ref y, i)), ref destination, i);
        }

        if (i < length)
        {
            Span<T> laneX = stackalloc T[MaxLanes];
            Span<T> laneY = stackalloc T[MaxLanes];
            ref T paddedX = ref LoadPadded(ref Unsafe.Add(ref x, i), length - i, laneX, T.Zero);
            ref T paddedY = ref LoadPadded(ref Unsafe.Add(ref y, i), length - i, laneY, T.Zero);
            TVector.Store(op.Invoke(TVector.Load(ref paddedX, 0), TVector.Load(ref paddedY, 0)), ref paddedX, 0);
            StorePart(laneX, length - i, ref Unsafe.Add(ref destination, i));
        }
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
}
