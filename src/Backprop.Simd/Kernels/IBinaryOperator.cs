using System.Numerics;

namespace Backprop.Simd.Kernels;

/// <summary>An element-wise <c>f(x, y)</c>, written once for every register width.</summary>
internal interface IBinaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    TVector Invoke<TVector>(TVector x, TVector y)
        where TVector : struct, IVector<TVector, T>;
}
