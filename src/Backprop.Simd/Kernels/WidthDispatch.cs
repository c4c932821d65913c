using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Simd.Kernels;

/// <summary>
/// The rules that pick a register width, stated once. Two policies:
/// <list type="bullet">
/// <item><see cref="Widest{T, TKernel}"/>: the widest accelerated register, for kernels that handle any
/// length themselves (the reductions finish short spans with scalar steps) and for layouts fixed once
/// per machine (the packed GEMM's panels, the predictor's interleaved weights);</item>
/// <item><see cref="WidestFilledBy{T, TKernel}"/>: the widest accelerated register that a length fills at
/// least once, for kernels whose vectors run along a dimension that may be short (13 tabular inputs get
/// one 8-lane register and a masked tail, not thirteen scalar chains). The element-wise driver applies
/// this rule through <see cref="Fills{T, TVector}"/> in a ladder of its own, as do <see cref="Aggregate"/>
/// (Widest's rule) and the direct GEMMs of <see cref="Gemm"/>: through the struct, those per-layer calls
/// on short spans measured 25-30 ns slower (sigmoid of 10 floats 10 -> 37 ns, softmax of 30 55 -> 75 ns,
/// BenchmarkDotNet, 512-bit path). The struct stays where a call does much more work.</item>
/// </list>
/// Both fall back to the one-lane <see cref="SimdScalar{T}"/> when no width is accelerated
/// (<c>DOTNET_EnableHWIntrinsic=0</c>). The conditions are JIT-time constants, so once inlined a call
/// site is one direct call of the chosen specialisation. Inside a kernel, the choice of register
/// block may still look at the register type (<see cref="AxpyGemm"/> and <see cref="DotGemm"/> use
/// bigger blocks on the 512-bit path, which has 32 registers): that picks a block, not a width.
/// </summary>
internal static class WidthDispatch
{
    /// <summary>Runs <paramref name="kernel"/> with the widest accelerated register.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Widest<T, TKernel>(ref TKernel kernel)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IVectorKernel<T>, allows ref struct
    {
        if (Simd512<T>.IsHardwareAccelerated) kernel.Run<Simd512<T>>();
        else if (Simd256<T>.IsHardwareAccelerated) kernel.Run<Simd256<T>>();
        else if (Simd128<T>.IsHardwareAccelerated) kernel.Run<Simd128<T>>();
        else kernel.Run<SimdScalar<T>>();
    }

    /// <summary>Runs <paramref name="kernel"/> with the widest accelerated register of at most <paramref name="length"/> lanes; scalar below the narrowest.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WidestFilledBy<T, TKernel>(ref TKernel kernel, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IVectorKernel<T>, allows ref struct
    {
        if (Fills<T, Simd512<T>>(length)) kernel.Run<Simd512<T>>();
        else if (Fills<T, Simd256<T>>(length)) kernel.Run<Simd256<T>>();
        else if (Fills<T, Simd128<T>>(length)) kernel.Run<Simd128<T>>();
        else kernel.Run<SimdScalar<T>>();
    }

    /// <summary>
    /// The rule of <see cref="WidestFilledBy{T, TKernel}"/>: <typeparamref name="TVector"/> is accelerated and
    /// <paramref name="length"/> fills it once. The ladders of <see cref="Elementwise"/> and <see cref="Gemm"/> use it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Fills<T, TVector>(int length)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct, IVector<TVector, T> =>
        TVector.IsHardwareAccelerated && length >= TVector.Count;

    /// <summary>The lanes of the register <see cref="Widest{T, TKernel}"/> picks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WidestLanes<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var lanes = new Lanes<T>();
        Widest<T, Lanes<T>>(ref lanes);
        return lanes.Count;
    }

    /// <summary>The lanes of the register <see cref="WidestFilledBy{T, TKernel}"/> picks for <paramref name="length"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WidestLanesFilledBy<T>(int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var lanes = new Lanes<T>();
        WidestFilledBy<T, Lanes<T>>(ref lanes, length);
        return lanes.Count;
    }

    private struct Lanes<T> : IVectorKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public int Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Run<TVector>()
            where TVector : struct, IVector<TVector, T> => Count = TVector.Count;
    }
}
