using System.Numerics;

namespace Backprop.Simd.Kernels;

/// <summary>An element-wise <c>f(x)</c>, written once for every register width.</summary>
internal interface IUnaryOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    TVector Invoke<TVector>(TVector x)
        where TVector : struct, IVector<TVector, T>;
}
