using System.Numerics.Tensors;

namespace Backprop.Simd;

/// <summary>
/// Per-column standardisation x' = (x - mean) / scale, with the mean and the (population) standard
/// deviation of the training split, as scikit-learn's StandardScaler. A column with no spread gets
/// scale 1. Kept with the model, so that prediction sees what training saw.
/// </summary>
public sealed class Standardization
{
    private readonly float[] _mean;
    private readonly float[] _scale;

    /// <summary>A standardisation with the given means and scales (copied).</summary>
    /// <exception cref="ArgumentException">The lengths differ or are zero, a mean is not finite, or a scale is not positive and finite.</exception>
    public Standardization(ReadOnlySpan<float> mean, ReadOnlySpan<float> scale)
    {
        if (mean.Length == 0 || mean.Length != scale.Length)
        {
            throw new ArgumentException($"A standardisation needs as many scales as means, at least one; got {mean.Length} means and {scale.Length} scales.", nameof(scale));
        }

        for (int j = 0; j < mean.Length; j++)
        {
            if (!float.IsFinite(mean[j])) throw new ArgumentException($"Mean {j} is {mean[j]}; it must be finite.", nameof(mean));
            if (!(scale[j] > 0) || !float.IsFinite(scale[j])) throw new ArgumentException($"Scale {j} is {scale[j]}; it must be positive and finite.", nameof(scale));
        }

        _mean = mean.ToArray();
        _scale = scale.ToArray();
    }

    /// <summary>Columns, the length of every row this applies to.</summary>
    public int Width => _mean.Length;

    /// <summary>The column means.</summary>
    public ReadOnlySpan<float> Mean => _mean;

    /// <summary>The column scales (standard deviations; 1 where a column is constant).</summary>
    public ReadOnlySpan<float> Scale => _scale;

    /// <summary>The mean and standard deviation of each column of <paramref name="rows"/> [count, width], summed in double.</summary>
    /// <exception cref="ArgumentException">The rows are empty or not a whole number of rows of <paramref name="width"/>.</exception>
    public static Standardization Fit(ReadOnlySpan<float> rows, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if (rows.Length == 0 || rows.Length % width != 0)
        {
            throw new ArgumentException($"Fitting needs at least one row of {width} values; got {rows.Length} values.", nameof(rows));
        }

        int count = rows.Length / width;
        var sum = new double[width];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> row = rows.Slice(i * width, width);
            for (int j = 0; j < width; j++) sum[j] += row[j];
        }

        var mean = new float[width];
        var squares = new double[width];
        for (int j = 0; j < width; j++) sum[j] /= count;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> row = rows.Slice(i * width, width);
            for (int j = 0; j < width; j++)
            {
                double d = row[j] - sum[j];
                squares[j] += d * d;
            }
        }

        var scale = new float[width];
        for (int j = 0; j < width; j++)
        {
            mean[j] = (float)sum[j];
            float std = (float)Math.Sqrt(squares[j] / count);
            scale[j] = std > 0 && float.IsFinite(std) ? std : 1f; // a constant column stays as it is, shifted to 0
        }

        return new Standardization(mean, scale);
    }

    /// <summary>destination = (source - mean) / scale for one row (the two may overlap exactly).</summary>
    /// <exception cref="ArgumentException">A span is not <see cref="Width"/> long.</exception>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination)
    {
        RequireRow(source.Length, nameof(source));
        RequireRow(destination.Length, nameof(destination));
        ApplyUnchecked(source, destination);
    }

    /// <summary>Standardises every row of <paramref name="rows"/> [count, Width] in place.</summary>
    public void ApplyRows(Span<float> rows)
    {
        if (rows.Length % Width != 0) throw new ArgumentException($"{rows.Length} values are not whole rows of {Width}.", nameof(rows));
        for (int at = 0; at < rows.Length; at += Width) ApplyUnchecked(rows.Slice(at, Width), rows.Slice(at, Width));
    }

    /// <summary>destination = source * scale + mean for one row: undoes <see cref="Apply"/> (up to rounding).</summary>
    /// <exception cref="ArgumentException">A span is not <see cref="Width"/> long.</exception>
    public void Invert(ReadOnlySpan<float> source, Span<float> destination)
    {
        RequireRow(source.Length, nameof(source));
        RequireRow(destination.Length, nameof(destination));
        InvertUnchecked(source, destination);
    }

    /// <summary>Un-standardises every row of <paramref name="rows"/> [count, Width] in place.</summary>
    public void InvertRows(Span<float> rows)
    {
        if (rows.Length % Width != 0) throw new ArgumentException($"{rows.Length} values are not whole rows of {Width}.", nameof(rows));
        for (int at = 0; at < rows.Length; at += Width) InvertUnchecked(rows.Slice(at, Width), rows.Slice(at, Width));
    }

    // Subtract then an IEEE division: the same bits whether a row is standardised at load time or in the Predictor.
    internal void ApplyUnchecked(ReadOnlySpan<float> source, Span<float> destination)
    {
        TensorPrimitives.Subtract(source, _mean, destination);
        TensorPrimitives.Divide(destination, _scale, destination);
    }

    internal void InvertUnchecked(ReadOnlySpan<float> source, Span<float> destination) =>
        TensorPrimitives.FusedMultiplyAdd(source, _scale, _mean, destination);

    private void RequireRow(int length, string name)
    {
        if (length != Width) throw new ArgumentException($"{name} has {length} values; this standardisation is for rows of {Width}.", name);
    }
}
