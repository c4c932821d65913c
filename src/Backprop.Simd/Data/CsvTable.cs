namespace Backprop.Simd;

/// <summary>
/// A table read by <see cref="CsvFile"/>: numeric feature columns as floats and one target column, both as numbers
/// (when every target cell is one) and as class codes (when there are at most <see cref="MaxClasses"/> distinct texts).
/// </summary>
internal sealed class CsvTable
{
    /// <summary>Most distinct target texts kept as classes; a text target with more is an error.</summary>
    public const int MaxClasses = 65536;

    // Data row r is on line _lines[k] + (r - _rows[k]), k the last break with _rows[k] <= r: a break is recorded
    // only where blank lines interrupt the run, so a file without blank lines needs one.
    private readonly int[] _rows;
    private readonly int[] _lines;

    internal CsvTable(
        string source, string[] featureNames, string targetName, int targetColumn, int count, float[] features,
        double[]? numericTargets, string[] targetClasses, int[] targetCodes, int[] breakRows, int[] breakLines)
    {
        Source = source;
        FeatureNames = featureNames;
        TargetName = targetName;
        TargetColumn = targetColumn;
        Count = count;
        Features = features;
        NumericTargets = numericTargets;
        TargetClasses = targetClasses;
        TargetCodes = targetCodes;
        _rows = breakRows;
        _lines = breakLines;
    }

    /// <summary>The name errors give for the table (the file path, or the name passed with a reader).</summary>
    public string Source { get; }

    /// <summary>Header names of every column but the target, in file order.</summary>
    public string[] FeatureNames { get; }

    /// <summary>Header name of the target column ("" when read without one, <see cref="CsvOptions.HasTarget"/>).</summary>
    public string TargetName { get; }

    /// <summary>0-based index of the target column in the file, or -1 when read without one.</summary>
    public int TargetColumn { get; }

    /// <summary>Number of data rows.</summary>
    public int Count { get; }

    /// <summary>Feature values [Count, FeatureNames.Length], row after row.</summary>
    public float[] Features { get; }

    /// <summary>The target cells as numbers, or <see langword="null"/> when some target cell is not a number.</summary>
    public double[]? NumericTargets { get; }

    /// <summary>The distinct target texts (trimmed, unquoted) in order of first appearance; empty when there are more
    /// than <see cref="MaxClasses"/> (then the targets are numbers, in <see cref="NumericTargets"/>).</summary>
    public string[] TargetClasses { get; }

    /// <summary>Per row, the index of its target in <see cref="TargetClasses"/>; empty when that is.</summary>
    public int[] TargetCodes { get; }

    /// <summary>The 1-based physical line of data row <paramref name="row"/> in the file, for error messages.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is not 0 to Count - 1.</exception>
    public int LineOf(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Count);
        int k = Array.BinarySearch(_rows, row);
        if (k < 0) k = ~k - 1;
        return _lines[k] + (row - _rows[k]);
    }
}
