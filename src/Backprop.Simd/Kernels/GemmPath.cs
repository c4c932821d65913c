namespace Backprop.Simd.Kernels;

/// <summary>Which GEMM implementation runs a product.</summary>
internal enum GemmPath
{
    /// <summary>Pick by shape: packed when every dimension is large, direct otherwise.</summary>
    Auto,
    /// <summary>Unpacked register-blocked kernels (<see cref="AxpyGemm"/> and <see cref="DotGemm"/>).</summary>
    Direct,
    /// <summary>Packed, cache-blocked kernels (<see cref="PackedGemm"/>).</summary>
    Packed,
}
