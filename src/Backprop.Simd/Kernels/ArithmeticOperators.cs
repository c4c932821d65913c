using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Simd.Kernels;

/// <summary><c>x + y</c></summary>
internal readonly struct AddOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector>(TVector x, TVector y)
        where TVector : struct, IVector<TVector, T> => x + y;
}

/// <summary><c>x * y</c>, the Hadamard product of two spans.</summary>
internal readonly struct MultiplyOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector>(TVector x, TVector y)
        where TVector : struct, IVector<TVector, T> => x * y;
}

/// <summary><c>alpha * x + y</c> with one rounding.</summary>
internal readonly struct AxpyOperator<T>(T alpha) : IBinaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector>(TVector x, TVector y)
        where TVector : struct, IVector<TVector, T> => TVector.FusedMultiplyAdd(TVector.Create(alpha), x, y);
}

/// <summary><c>alpha * x + beta * y</c>, the product beta * y rounded first.</summary>
internal readonly struct AxpbyOperator<T>(T alpha, T beta) : IBinaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector>(TVector x, TVector y)
        where TVector : struct, IVector<TVector, T> => TVector.FusedMultiplyAdd(TVector.Create(alpha), x, TVector.Create(beta) * y);
}

/// <summary><c>alpha * x</c></summary>
internal readonly struct ScaleOperator<T>(T alpha) : IUnaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector>(TVector x)
        where TVector : struct, IVector<TVector, T> => TVector.Create(alpha) * x;
}

/// <summary><c>exp(x - shift)</c>, the numerator of a shifted (stable) softmax.</summary>
internal readonly struct ExpShiftOperator<T>(T shift) : IUnaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector>(TVector x)
        where TVector : struct, IVector<TVector, T> => TVector.Exp(x - TVector.Create(shift));
}
