using System.Numerics;

namespace Backprop.Simd.Kernels;

/// <summary>
/// One SIMD register of <typeparamref name="T"/> seen through static abstract members, so that a
/// kernel is written once and the JIT specialises it for 512-, 256- and 128-bit registers and for
/// a one-lane scalar "register" (the path taken when hardware intrinsics are off).
/// </summary>
/// <remarks>
/// Comparisons return masks that only <see cref="ConditionalSelect"/> interprets, so the scalar
/// implementation may encode them as it likes.
/// </remarks>
internal interface IVector<TSelf, T>
    where TSelf : struct, IVector<TSelf, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Lanes in one register.</summary>
    static abstract int Count { get; }

    /// <summary>True when this width runs on hardware here (otherwise it would be emulated).</summary>
    static abstract bool IsHardwareAccelerated { get; }

    static abstract TSelf Create(T value);

    /// <summary>The lane numbers 0, 1, 2, ... as <typeparamref name="T"/>.</summary>
    static abstract TSelf Indices { get; }
    static abstract TSelf Load(ref T source, nuint offset);
    static abstract void Store(TSelf value, ref T destination, nuint offset);

    static abstract TSelf operator +(TSelf left, TSelf right);
    static abstract TSelf operator -(TSelf left, TSelf right);
    static abstract TSelf operator *(TSelf left, TSelf right);
    static abstract TSelf operator /(TSelf left, TSelf right);
    static abstract TSelf operator -(TSelf value);

    /// <summary>a * b + c with a single rounding.</summary>
    static abstract TSelf FusedMultiplyAdd(TSelf a, TSelf b, TSelf c);
    static abstract TSelf Max(TSelf left, TSelf right);
    static abstract TSelf Abs(TSelf value);

    /// <summary>The IEEE square root of each element.</summary>
    static abstract TSelf Sqrt(TSelf value);
    static abstract TSelf Exp(TSelf value);
    static abstract TSelf Log(TSelf value);

    static abstract TSelf GreaterThan(TSelf left, TSelf right);
    static abstract TSelf GreaterThanOrEqual(TSelf left, TSelf right);
    static abstract TSelf EqualsMask(TSelf left, TSelf right);
    /// <summary>Lane-wise <c>mask ? ifTrue : ifFalse</c>.</summary>
    static abstract TSelf ConditionalSelect(TSelf mask, TSelf ifTrue, TSelf ifFalse);

    /// <summary>Sum of the lanes.</summary>
    static abstract T Sum(TSelf value);
    /// <summary>Largest lane.</summary>
    static abstract T MaxAcross(TSelf value);
}
