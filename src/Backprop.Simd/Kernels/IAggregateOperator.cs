using System.Numerics;

namespace Backprop.Simd.Kernels;

/// <summary>
/// A reduction r = s(x_0, y_0) (+) s(x_1, y_1) (+) ... over one or two spans, written once for every
/// register width (TensorPrimitives' Aggregate with its transform and aggregation operators in one).
/// </summary>
internal interface IAggregateOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>True when <see cref="Accumulate"/> reads y (a dot product); the driver loads no y otherwise.</summary>
    static abstract bool UsesY { get; }

    /// <summary>The accumulator's start, and the value of a lane masked off in the last register; <paramref name="first"/> is x_0.</summary>
    static abstract TVector Seed<TVector>(T first)
        where TVector : struct, IVector<TVector, T>;

    /// <summary>The accumulator with one register of elements folded in.</summary>
    static abstract TVector Accumulate<TVector>(TVector accumulator, TVector x, TVector y)
        where TVector : struct, IVector<TVector, T>;

    /// <summary>Two accumulators as one.</summary>
    static abstract TVector Combine<TVector>(TVector left, TVector right)
        where TVector : struct, IVector<TVector, T>;

    /// <summary>The lanes of an accumulator as one value.</summary>
    static abstract T Reduce<TVector>(TVector accumulator)
        where TVector : struct, IVector<TVector, T>;
}
