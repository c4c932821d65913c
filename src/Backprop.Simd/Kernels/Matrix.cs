using System.Runtime.CompilerServices;

namespace Backprop.Simd.Kernels;

/// <summary>
/// A read-only view of an m x k operand stored anywhere in memory: element (i, p) lives at
/// <c>origin[i * RowStride + p * ColumnStride]</c>. A row-major matrix has (k, 1); its transpose
/// seen in place has (1, m). This is how one GEMM serves A B, A B^T and A^T B.
/// </summary>
internal readonly ref struct Matrix<T>
{
    public readonly ref T Origin;
    public readonly nint RowStride;
    public readonly nint ColumnStride;

    public Matrix(ref T origin, nint rowStride, nint columnStride)
    {
        Origin = ref origin;
        RowStride = rowStride;
        ColumnStride = columnStride;
    }

    public ref T this[nint row, nint column]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.Add(ref Origin, row * RowStride + column * ColumnStride);
    }
}
