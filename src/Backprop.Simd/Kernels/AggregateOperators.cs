using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Simd.Kernels;

/// <summary><c>sum_i x_i y_i</c>, one fused multiply-add per element.</summary>
internal readonly struct DotOperator<T> : IAggregateOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static bool UsesY => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Seed<TVector>(T first)
        where TVector : struct, IVector<TVector, T> => TVector.Create(T.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Accumulate<TVector>(TVector accumulator, TVector x, TVector y)
        where TVector : struct, IVector<TVector, T> => TVector.FusedMultiplyAdd(x, y, accumulator);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Combine<TVector>(TVector left, TVector right)
        where TVector : struct, IVector<TVector, T> => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Reduce<TVector>(TVector accumulator)
        where TVector : struct, IVector<TVector, T> => TVector.Sum(accumulator);
}

/// <summary><c>sum_i x_i</c></summary>
internal readonly struct SumOperator<T> : IAggregateOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static bool UsesY => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Seed<TVector>(T first)
        where TVector : struct, IVector<TVector, T> => TVector.Create(T.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Accumulate<TVector>(TVector accumulator, TVector x, TVector y)
        where TVector : struct, IVector<TVector, T> => accumulator + x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Combine<TVector>(TVector left, TVector right)
        where TVector : struct, IVector<TVector, T> => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Reduce<TVector>(TVector accumulator)
        where TVector : struct, IVector<TVector, T> => TVector.Sum(accumulator);
}

/// <summary><c>max_i x_i</c>, NaN if any x_i is; seeded with x_0 so that a masked lane never changes the result.</summary>
internal readonly struct MaxOperator<T> : IAggregateOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static bool UsesY => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Seed<TVector>(T first)
        where TVector : struct, IVector<TVector, T> => TVector.Create(first);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Accumulate<TVector>(TVector accumulator, TVector x, TVector y)
        where TVector : struct, IVector<TVector, T> => TVector.Max(accumulator, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Combine<TVector>(TVector left, TVector right)
        where TVector : struct, IVector<TVector, T> => TVector.Max(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Reduce<TVector>(TVector accumulator)
        where TVector : struct, IVector<TVector, T> => TVector.MaxAcross(accumulator);
}
