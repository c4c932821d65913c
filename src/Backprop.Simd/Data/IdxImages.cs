namespace Backprop.Simd;

/// <summary>The content of an IDX image file.</summary>
/// <param name="Pixels">[Count, Rows * Columns] unsigned bytes, row after row.</param>
/// <param name="Count">Number of images.</param>
/// <param name="Rows">Rows per image.</param>
/// <param name="Columns">Columns per image.</param>
internal sealed record IdxImages(byte[] Pixels, int Count, int Rows, int Columns)
{
    /// <summary>Pixels per image.</summary>
    public int PixelsPerImage => Rows * Columns;
}
