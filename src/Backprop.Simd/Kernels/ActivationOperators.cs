using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Simd.Kernels;

/// <summary>
/// sigma(x) = 1 / (1 + e^-x), evaluated as t = e^-|x|, sigma = 1/(1+t) for x >= 0 and t/(1+t)
/// otherwise: e^ never overflows, so +-Inf and +-1e30 give exactly 1 and 0, and the small
/// tail keeps its relative accuracy instead of rounding 1 - tiny.
/// </summary>
internal readonly struct SigmoidOperator<T> : IUnaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector>(TVector x)
        where TVector : struct, IVector<TVector, T>
    {
        TVector one = TVector.Create(T.One);
        TVector t = TVector.Exp(-TVector.Abs(x));
        TVector positive = one / (one + t);
        return TVector.ConditionalSelect(TVector.GreaterThanOrEqual(x, TVector.Create(T.Zero)), positive, t * positive);
    }
}

/// <summary>
/// tanh(x) = -m / (2 + m) with m = e^(-2|x|) - 1, and the sign of x. Near 0 the e^y - 1 is Kahan's
/// expm1 (u = e^y; y if u == 1, else (u - 1) y / ln u), so tanh keeps its relative accuracy there.
/// </summary>
internal readonly struct TanhOperator<T> : IUnaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector>(TVector x)
        where TVector : struct, IVector<TVector, T>
    {
        TVector one = TVector.Create(T.One);
        TVector zero = TVector.Create(T.Zero);
        TVector y = TVector.Create(-(T.One + T.One)) * TVector.Abs(x);
        TVector u = TVector.Exp(y);
        // Kahan's correction only matters where u - 1 cancels (u near 1); below 1/2 it is exact enough.
        TVector kahan = TVector.ConditionalSelect(TVector.EqualsMask(u, one), y, (u - one) * y / TVector.Log(u));
        TVector m = TVector.ConditionalSelect(TVector.GreaterThan(u, TVector.Create(T.One / (T.One + T.One))), kahan, u - one);
        TVector magnitude = -m / (TVector.Create(T.One + T.One) + m);
        return TVector.ConditionalSelect(TVector.GreaterThanOrEqual(x, zero), magnitude, -magnitude);
    }
}

/// <summary>relu(x) = max(x, 0); NaN stays NaN.</summary>
internal readonly struct ReluOperator<T> : IUnaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector>(TVector x)
        where TVector : struct, IVector<TVector, T> => TVector.Max(x, TVector.Create(T.Zero));
}

/// <summary>delta = g (.) sigma'(z) = g (.) a (.) (1 - a), from the activation a = sigma(z).</summary>
internal readonly struct SigmoidBackwardOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector>(TVector a, TVector g)
        where TVector : struct, IVector<TVector, T> => g * (a * (TVector.Create(T.One) - a));
}

/// <summary>delta = g (.) tanh'(z) = g (.) (1 - a^2), from a = tanh(z).</summary>
internal readonly struct TanhBackwardOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector>(TVector a, TVector g)
        where TVector : struct, IVector<TVector, T> => g * TVector.FusedMultiplyAdd(-a, a, TVector.Create(T.One));
}

/// <summary>delta = g (.) relu'(z) = g where a &gt; 0, else 0.</summary>
internal readonly struct ReluBackwardOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector>(TVector a, TVector g)
        where TVector : struct, IVector<TVector, T> =>
        TVector.ConditionalSelect(TVector.GreaterThan(a, TVector.Create(T.Zero)), g, TVector.Create(T.Zero));
}

/// <summary>
/// delta = J^T g for a = softmax(z): delta_i = a_i (g_i - sum_j g_j a_j); the sum is passed in.
/// </summary>
internal readonly struct SoftmaxBackwardOperator<T>(T weightedSum) : IBinaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector>(TVector a, TVector g)
        where TVector : struct, IVector<TVector, T> => a * (g - TVector.Create(weightedSum));
}
