using System.Numerics;

namespace Backprop.Simd.Kernels;

/// <summary>
/// A kernel written once for every register type, its arguments in fields: <see cref="WidthDispatch"/>
/// picks the register and calls <see cref="Run{TVector}"/> with it. A kernel with a result keeps it in a field.
/// </summary>
/// <remarks>
/// C# has no generic lambdas, so a call site that would otherwise write out the Simd512 / Simd256 /
/// Simd128 / scalar ladder packs its arguments into a small (usually ref) struct instead. The struct is
/// a type argument and each <c>Run</c> is marked AggressiveInlining, so the JIT specialises the
/// call and the struct disappears: the site becomes the direct call of the old ladder's branch,
/// with no delegate and no boxing.
/// </remarks>
internal interface IVectorKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Runs the kernel with registers of type <typeparamref name="TVector"/>.</summary>
    void Run<TVector>()
        where TVector : struct, IVector<TVector, T>;
}
