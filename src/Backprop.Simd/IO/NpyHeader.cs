namespace Backprop.Simd;

/// <summary>
/// The header of a NumPy <c>.npy</c> file, read by <see cref="NpyFile.ReadHeader"/> without its data: enough to tell
/// whether the file holds floats (<see cref="NpyFile.Read{T}"/>) or integer labels (<see cref="NpyFile.ReadIntegers"/>).
/// </summary>
internal sealed record NpyHeader
{
    internal NpyHeader(string descr, bool fortranOrder, int[] shape, long count, long dataOffset)
    {
        Descr = descr;
        FortranOrder = fortranOrder;
        Shape = shape;
        Count = count;
        DataOffset = dataOffset;
    }

    /// <summary>The dtype descriptor as written, for example "&lt;f4", "&lt;f8", "&lt;i8" or "|u1".</summary>
    public string Descr { get; }

    /// <summary>Whether the array is stored in Fortran (column-major) order; only C order is read.</summary>
    public bool FortranOrder { get; }

    /// <summary>The array's dimensions (empty for a scalar).</summary>
    public int[] Shape { get; }

    /// <summary>Elements in the array: the product of <see cref="Shape"/>, at most <see cref="Array.MaxLength"/>.</summary>
    public long Count { get; }

    /// <summary>Byte offset of the data, just after the header.</summary>
    public long DataOffset { get; }

    /// <summary>Whether <see cref="NpyFile.Read{T}"/> reads this dtype: little-endian float32 or float64.</summary>
    public bool HoldsFloats => NpyFile.FloatSize(Descr) > 0;

    /// <summary>Whether <see cref="NpyFile.ReadIntegers"/> reads this dtype: 8-, 16-, 32- or 64-bit signed or
    /// 8-, 16- or 32-bit unsigned little-endian integers.</summary>
    public bool HoldsIntegers => NpyFile.IntegerSize(Descr, out _) > 0;
}
