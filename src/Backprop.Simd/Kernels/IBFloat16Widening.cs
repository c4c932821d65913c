using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Simd.Kernels;

/// <summary>
/// Widens a register of bf16 pairs to two registers of floats. A register's worth of 32-bit lanes,
/// loaded as it is from memory, holds two bf16 weights per lane: the low half belongs to one chunk
/// of x, the high half to the next. As floats, the high half is the lane with its low 16 bits
/// cleared (one AND) and the low half is the lane shifted up by 16 (one shift): two cheap integer
/// operations for two registers of weights, on AVX2 and AVX-512 alike, with no shuffle.
/// </summary>
internal interface IBFloat16Widening<TVector>
    where TVector : struct, IVector<TVector, float>
{
    /// <summary>The low bf16 of each lane, as floats (the lane shifted left by 16).</summary>
    static abstract TVector Low(TVector pairs);

    /// <summary>The mask that <see cref="High"/> takes: 0xFFFF0000 in every lane (kept in a register by the caller).</summary>
    static abstract TVector HighMask { get; }

    /// <summary>The high bf16 of each lane, as floats (the lane's low 16 bits cleared: pairs AND <see cref="HighMask"/>).</summary>
    static abstract TVector High(TVector pairs, TVector highMask);
}

/// <summary><see cref="IBFloat16Widening{TVector}"/> for 512-bit registers.</summary>
internal readonly struct BFloat16Widening512 : IBFloat16Widening<Simd512<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<float> Low(Simd512<float> pairs) =>
        Unsafe.BitCast<Vector512<uint>, Simd512<float>>(Vector512.ShiftLeft(Unsafe.BitCast<Simd512<float>, Vector512<uint>>(pairs), 16));

    public static Simd512<float> HighMask => Unsafe.BitCast<Vector512<uint>, Simd512<float>>(Vector512.Create(0xFFFF0000u));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<float> High(Simd512<float> pairs, Simd512<float> highMask) =>
        Unsafe.BitCast<Vector512<uint>, Simd512<float>>(Unsafe.BitCast<Simd512<float>, Vector512<uint>>(pairs) & Unsafe.BitCast<Simd512<float>, Vector512<uint>>(highMask));
}

/// <summary><see cref="IBFloat16Widening{TVector}"/> for 256-bit registers.</summary>
internal readonly struct BFloat16Widening256 : IBFloat16Widening<Simd256<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<float> Low(Simd256<float> pairs) =>
        Unsafe.BitCast<Vector256<uint>, Simd256<float>>(Vector256.ShiftLeft(Unsafe.BitCast<Simd256<float>, Vector256<uint>>(pairs), 16));

    public static Simd256<float> HighMask => Unsafe.BitCast<Vector256<uint>, Simd256<float>>(Vector256.Create(0xFFFF0000u));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<float> High(Simd256<float> pairs, Simd256<float> highMask) =>
        Unsafe.BitCast<Vector256<uint>, Simd256<float>>(Unsafe.BitCast<Simd256<float>, Vector256<uint>>(pairs) & Unsafe.BitCast<Simd256<float>, Vector256<uint>>(highMask));
}

/// <summary><see cref="IBFloat16Widening{TVector}"/> for 128-bit registers.</summary>
internal readonly struct BFloat16Widening128 : IBFloat16Widening<Simd128<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<float> Low(Simd128<float> pairs) =>
        Unsafe.BitCast<Vector128<uint>, Simd128<float>>(Vector128.ShiftLeft(Unsafe.BitCast<Simd128<float>, Vector128<uint>>(pairs), 16));

    public static Simd128<float> HighMask => Unsafe.BitCast<Vector128<uint>, Simd128<float>>(Vector128.Create(0xFFFF0000u));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<float> High(Simd128<float> pairs, Simd128<float> highMask) =>
        Unsafe.BitCast<Vector128<uint>, Simd128<float>>(Unsafe.BitCast<Simd128<float>, Vector128<uint>>(pairs) & Unsafe.BitCast<Simd128<float>, Vector128<uint>>(highMask));
}

/// <summary><see cref="IBFloat16Widening{TVector}"/> for the one-lane scalar path.</summary>
internal readonly struct BFloat16WideningScalar : IBFloat16Widening<SimdScalar<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar<float> Low(SimdScalar<float> pairs) =>
        SimdScalar<float>.Create(BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(Unsafe.BitCast<SimdScalar<float>, float>(pairs)) << 16));

    public static SimdScalar<float> HighMask => SimdScalar<float>.Create(BitConverter.UInt32BitsToSingle(0xFFFF0000u));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar<float> High(SimdScalar<float> pairs, SimdScalar<float> highMask) =>
        SimdScalar<float>.Create(BitConverter.UInt32BitsToSingle(
            BitConverter.SingleToUInt32Bits(Unsafe.BitCast<SimdScalar<float>, float>(pairs)) & BitConverter.SingleToUInt32Bits(Unsafe.BitCast<SimdScalar<float>, float>(highMask))));
}
