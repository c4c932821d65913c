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
/// call with no delegate and no boxing. It is not quite free: on per-layer calls over spans of 10-30
/// elements BenchmarkDotNet measured 25-30 ns a call more than the written-out ladder, so the
/// element-wise driver, the reductions and the direct GEMMs keep their ladders (see
/// <see cref="WidthDispatch"/>); the struct serves calls that do much more work.
/// </remarks>
internal interface IVectorKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Runs the kernel with registers of type <typeparamref name="TVector"/>.</summary>
    void Run<TVector>()
        where TVector : struct, IVector<TVector, T>;
}
