namespace Backprop.Simd;

/// <summary>How <see cref="CsvFile"/> reads a table: the delimiter, the lines before the header, the header itself and the target column.</summary>
public sealed record CsvOptions
{
    /// <summary>
    /// The field delimiter, or <see langword="null"/> to detect it from the first line read (the header, or the first
    /// data row without one): whichever of ',', ';' and tab occurs most often outside quotes, comma on a tie or when none does.
    /// </summary>
    /// <exception cref="ArgumentException">A quote, a line break or a space (spaces around fields are trimmed).</exception>
    public char? Delimiter
    {
        get;
        init
        {
            if (value is '"' or '\r' or '\n' or ' ')
            {
                throw new ArgumentException($"The delimiter must not be a quote, a line break or a space; got U+{(int)value.Value:X4}.", nameof(Delimiter));
            }

            field = value;
        }
    }

    /// <summary>Physical lines skipped before the header (or before the data without one), blank or not; for example the
    /// "n_samples,n_features,..." line that starts scikit-learn's bundled CSV files.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int SkipRows
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(SkipRows));
            field = value;
        }
    }

    /// <summary>
    /// The target column: a header name (exact, after trimming and unquoting), else, when it is a non-negative integer
    /// and no column has that name, a 0-based column index; <see langword="null"/> for the last column.
    /// </summary>
    /// <exception cref="ArgumentException">The empty string (no column may be named so).</exception>
    public string? Target
    {
        get;
        init
        {
            if (value is { Length: 0 }) throw new ArgumentException("The target column name must not be empty; use null for the last column.", nameof(Target));
            field = value;
        }
    }

    /// <summary>Whether the first line read holds column names (the default). Without a header, columns are named
    /// "column1" to "columnN" and the first line after the skipped ones is data.</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>Whether one column is the target (the default). False reads every column as an input, as for
    /// prediction: the table then has no target (<see cref="CsvTable.TargetColumn"/> is -1).</summary>
    public bool HasTarget { get; init; } = true;
}
