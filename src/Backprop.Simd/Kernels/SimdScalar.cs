using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Simd.Kernels;

/// <summary>
/// A one-lane "register": the same kernels run on plain <typeparamref name="T"/> when no SIMD
/// width is accelerated (for example with <c>DOTNET_EnableHWIntrinsic=0</c>).
/// </summary>
internal readonly struct SimdScalar<T> : IVector<SimdScalar<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SimdScalar(T value) => _value = value;

    public static int Count => 1;
    public static bool IsHardwareAccelerated => true;

    // Masks are encoded as one (true) and zero (false).
    private static SimdScalar<T> Mask(bool condition) => new(condition ? T.One : T.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar<T> Create(T value) => new(value);

    public static SimdScalar<T> Indices => new(T.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar<T> Load(ref T source, nuint offset) => new(Unsafe.Add(ref source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(SimdScalar<T> value, ref T destination, nuint offset) => Unsafe.Add(ref destination, offset) = value._value;

    public static SimdScalar<T> operator +(SimdScalar<T> left, SimdScalar<T> right) => new(left._value + right._value);
    public static SimdScalar<T> operator -(SimdScalar<T> left, SimdScalar<T> right) => new(left._value - right._value);
    public static SimdScalar<T> operator *(SimdScalar<T> left, SimdScalar<T> right) => new(left._value * right._value);
    public static SimdScalar<T> operator /(SimdScalar<T> left, SimdScalar<T> right) => new(left._value / right._value);
    public static SimdScalar<T> operator -(SimdScalar<T> value) => new(-value._value);

    public static SimdScalar<T> FusedMultiplyAdd(SimdScalar<T> a, SimdScalar<T> b, SimdScalar<T> c) => new(T.FusedMultiplyAdd(a._value, b._value, c._value));
    public static SimdScalar<T> Max(SimdScalar<T> left, SimdScalar<T> right) => new(T.Max(left._value, right._value));
    public static SimdScalar<T> Abs(SimdScalar<T> value) => new(T.Abs(value._value));

    public static SimdScalar<T> Sqrt(SimdScalar<T> value) => new(T.Sqrt(value._value));
    public static SimdScalar<T> Exp(SimdScalar<T> value) => new(T.Exp(value._value));
    public static SimdScalar<T> Log(SimdScalar<T> value) => new(T.Log(value._value));

    public static SimdScalar<T> GreaterThan(SimdScalar<T> left, SimdScalar<T> right) => Mask(left._value > right._value);
    public static SimdScalar<T> GreaterThanOrEqual(SimdScalar<T> left, SimdScalar<T> right) => Mask(left._value >= right._value);
    public static SimdScalar<T> EqualsMask(SimdScalar<T> left, SimdScalar<T> right) => Mask(left._value == right._value);
    public static SimdScalar<T> ConditionalSelect(SimdScalar<T> mask, SimdScalar<T> ifTrue, SimdScalar<T> ifFalse) =>
        mask._value != T.Zero ? ifTrue : ifFalse;

    public static T Sum(SimdScalar<T> value) => value._value;
    public static T MaxAcross(SimdScalar<T> value) => value._value;
}
