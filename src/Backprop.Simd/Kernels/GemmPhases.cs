namespace Backprop.Simd.Kernels;

/// <summary>Which parts of a packed product run: both in every real product; one alone to profile it.</summary>
[Flags]
internal enum GemmPhases
{
    /// <summary>Copy the blocks of A and B into panels.</summary>
    Pack = 1,
    /// <summary>Run the micro-kernels over the panels.</summary>
    Compute = 2,
    /// <summary>The product.</summary>
    All = Pack | Compute,
}
