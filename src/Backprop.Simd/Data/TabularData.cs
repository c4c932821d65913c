using System.Globalization;

namespace Backprop.Simd;

/// <summary>
/// Datasets from a user's files: a CSV with one target column, or a pair of .npy files (inputs X
/// [n, d] float32 or float64; targets Y float [n] or [n, k], or integer labels [n]). The task is
/// given or inferred: text targets, or integer targets with at most <see cref="MaxInferredClasses"/>
/// distinct values, mean classification; anything else regression. A test or validation file is
/// read <c>like</c> the training data's schema, so its classes get the training indices (a class
/// training never saw is an error naming the line).
/// </summary>
public static class TabularData
{
    /// <summary>Most distinct integer target values that are still taken for classes when the task is not given.</summary>
    public const int MaxInferredClasses = 100;

    /// <summary>Reads a CSV file into a dataset (inputs as read: standardise afterwards).</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Delimiter, rows to skip, header, target column.</param>
    /// <param name="task">The task, or null to infer it.</param>
    /// <param name="like">The training data's schema, for a test or validation file; null for training data.</param>
    /// <exception cref="InvalidDataException">The file is malformed, or does not fit <paramref name="like"/>; the message names the file, line and column.</exception>
    public static Dataset FromCsv(string path, CsvOptions? options = null, LearningTask? task = null, DataSchema? like = null) =>
        FromCsv(CsvFile.Read(path, options), task, like);

    /// <summary>A dataset from a CSV table already read.</summary>
    internal static Dataset FromCsv(CsvTable table, LearningTask? task = null, DataSchema? like = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        string where = $"{table.Source}: column {table.TargetColumn + 1} ({table.TargetName})";
        if (like is not null)
        {
            task ??= like.Task;
            if (like.InputNames.Count > 0 && !like.InputNames.SequenceEqual(table.FeatureNames))
            {
                int at = Enumerable.Range(0, Math.Min(like.InputNames.Count, table.FeatureNames.Length)).FirstOrDefault(i => like.InputNames[i] != table.FeatureNames[i], Math.Min(like.InputNames.Count, table.FeatureNames.Length));
                throw new InvalidDataException($"{table.Source}: the input columns differ from the training data's: {Describe(table.FeatureNames, at)} where training had {Describe(like.InputNames, at)}.");
            }
        }

        task ??= InferTask(table);
        int d = table.FeatureNames.Length;
        if (task == LearningTask.Regression)
        {
            if (table.NumericTargets is not double[] values)
            {
                int row = Array.FindIndex(table.TargetCodes, c => !double.TryParse(table.TargetClasses[c], NumberStyles.Float, CultureInfo.InvariantCulture, out _));
                string example = row >= 0 ? $" ('{table.TargetClasses[table.TargetCodes[row]]}' on line {table.LineOf(row)})" : "";
                throw new InvalidDataException($"{where}: regression needs numeric targets, but the column holds text{example}.");
            }

            float[] targets = ToFloats(values, table, where);
            return Dataset.FromArrays(table.Features, d, targets, 1, table.FeatureNames, [table.TargetName]);
        }

        (int[] labels, string[] classNames) = ClassesOf(table, like, where);
        return Dataset.FromArrays(table.Features, d, labels, classNames.Length, classNames, table.FeatureNames);
    }

    /// <summary>The task a CSV table's target suggests: text, or at most <see cref="MaxInferredClasses"/> distinct integers, mean classification.</summary>
    internal static LearningTask InferTask(CsvTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table.NumericTargets is not double[] values || IsFewIntegers(values) ? LearningTask.Classification : LearningTask.Regression;
    }

    /// <summary>
    /// Reads inputs X and targets Y from two .npy files: X float32/float64 [n, d]; Y float [n] or [n, k]
    /// (regression, or integer-valued [n] labels with <paramref name="task"/> classification), or
    /// uint8/int8/int16/int32/int64 [n] labels (classification unless the task says regression).
    /// </summary>
    /// <exception cref="InvalidDataException">A file is malformed, the shapes disagree, or a label is negative or unseen; the message names the file.</exception>
    public static Dataset FromNpy(string inputsPath, string targetsPath, LearningTask? task = null, DataSchema? like = null)
    {
        NpyHeader xHeader = NpyFile.ReadHeader(inputsPath);
        if (!xHeader.HoldsFloats) throw new InvalidDataException($"{inputsPath}: inputs must be float32 or float64, not dtype '{xHeader.Descr}'.");
        if (xHeader.Shape.Length != 2) throw new InvalidDataException($"{inputsPath}: inputs must be a matrix [n, d]; the shape is ({string.Join(", ", xHeader.Shape)}).");
        (float[] x, int[] xShape) = NpyFile.Read<float>(inputsPath);
        int n = xShape[0], d = xShape[1];
        if (d < 1) throw new InvalidDataException($"{inputsPath}: inputs have no columns (shape ({n}, {d})).");
        int bad = Array.FindIndex(x, v => !float.IsFinite(v));
        if (bad >= 0) throw new InvalidDataException($"{inputsPath}: element [{bad / d}, {bad % d}] is {x[bad]}; inputs must be finite.");
        if (like is not null) task ??= like.Task;

        NpyHeader yHeader = NpyFile.ReadHeader(targetsPath);
        if (yHeader.Shape.Length is not (1 or 2) || yHeader.Shape[0] != n)
        {
            throw new InvalidDataException($"{targetsPath}: targets of shape ({string.Join(", ", yHeader.Shape)}) do not fit {n} inputs from {inputsPath}; use [n] or [n, k] with n = {n}.");
        }

        double[] values;
        int k = yHeader.Shape.Length == 2 ? yHeader.Shape[1] : 1;
        if (yHeader.HoldsIntegers)
        {
            values = NpyFile.ReadIntegers(targetsPath).Data.Select(v => (double)v).ToArray();
            task ??= LearningTask.Classification;
        }
        else if (yHeader.HoldsFloats)
        {
            values = NpyFile.Read<double>(targetsPath).Data;
            task ??= LearningTask.Regression;
        }
        else
        {
            throw new InvalidDataException($"{targetsPath}: dtype '{yHeader.Descr}' is neither float (targets) nor integer (labels).");
        }

        int nonFinite = Array.FindIndex(values, v => !double.IsFinite(v));
        if (nonFinite >= 0) throw new InvalidDataException($"{targetsPath}: element {nonFinite} is {values[nonFinite]}; targets must be finite.");
        if (task == LearningTask.Regression)
        {
            var targets = new float[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                targets[i] = (float)values[i];
                if (!float.IsFinite(targets[i])) throw new InvalidDataException($"{targetsPath}: element {i} is {values[i]}, beyond float32.");
            }

            if (like?.Targets is { } s && s.Width != k) throw new InvalidDataException($"{targetsPath}: {k} target columns; the model has {s.Width}.");
            return Dataset.FromArrays(x, d, targets, k, like?.InputNames, like?.OutputNames);
        }

        if (k != 1) throw new InvalidDataException($"{targetsPath}: class labels must be one per sample, shape ({n},); the shape is ({n}, {k}).");
        var labels = new int[n];
        int classCount = like?.OutputNames.Count is > 0 and int c ? c : 0;
        for (int i = 0; i < n; i++)
        {
            double v = values[i];
            if (v != Math.Floor(v) || v < 0 || v > CsvTable.MaxClasses)
            {
                throw new InvalidDataException($"{targetsPath}: element {i} is {v.ToString(CultureInfo.InvariantCulture)}, not a class label (0, 1, 2, ...).");
            }

            labels[i] = (int)v;
        }

        int largest = labels.Length == 0 ? 1 : labels.Max();
        if (like is not null && classCount > 0 && largest >= classCount)
        {
            int row = Array.FindIndex(labels, l => l >= classCount);
            throw new InvalidDataException($"{targetsPath}: element {row} is class {labels[row]}, which training never saw (it had {classCount} classes).");
        }

        if (classCount == 0) classCount = Math.Max(2, largest + 1);
        IReadOnlyList<string> names = like?.OutputNames.Count > 0 ? like.OutputNames : Enumerable.Range(0, classCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        return Dataset.FromArrays(x, d, labels, classCount, names, like?.InputNames);
    }

    // Integer-valued numeric targets become classes named by their values ("0", "1", ...) sorted by
    // value; text targets by their text, sorted ordinally, so the order does not depend on the rows'.
    private static (int[] Labels, string[] Names) ClassesOf(CsvTable table, DataSchema? like, string where)
    {
        string[] cells;
        if (table.NumericTargets is double[] values)
        {
            int nonInteger = Array.FindIndex(values, v => v != Math.Floor(v) || Math.Abs(v) > 1e9);
            if (nonInteger >= 0)
            {
                throw new InvalidDataException($"{where}, line {table.LineOf(nonInteger)}: {values[nonInteger].ToString(CultureInfo.InvariantCulture)} is not a class label; numeric classes are integers (use --task regression for continuous targets).");
            }

            cells = values.Select(v => ((long)v).ToString(CultureInfo.InvariantCulture)).ToArray();
        }
        else
        {
            cells = table.TargetCodes.Select(c => table.TargetClasses[c]).ToArray();
        }

        string[] names;
        if (like is not null && like.OutputNames.Count > 0)
        {
            names = like.OutputNames.ToArray();
        }
        else
        {
            IEnumerable<string> distinct = cells.Distinct(StringComparer.Ordinal);
            names = table.NumericTargets is not null
                ? distinct.OrderBy(c => long.Parse(c, CultureInfo.InvariantCulture)).ToArray()
                : distinct.Order(StringComparer.Ordinal).ToArray();
        }

        if (like is null && names.Length < 2)
        {
            throw new InvalidDataException($"{where}: classification needs at least 2 classes; every row has '{(names.Length == 0 ? "" : names[0])}'.");
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++) index[names[i]] = i;
        var labels = new int[cells.Length];
        for (int row = 0; row < cells.Length; row++)
        {
            if (!index.TryGetValue(cells[row], out labels[row]))
            {
                throw new InvalidDataException($"{table.Source}: line {table.LineOf(row)}, column {table.TargetColumn + 1} ({table.TargetName}): class '{cells[row]}' never occurs in the training data (its classes: {string.Join(", ", names.Take(20))}{(names.Length > 20 ? ", ..." : "")}).");
            }
        }

        return (labels, names);
    }

    private static bool IsFewIntegers(double[] values)
    {
        var distinct = new HashSet<double>();
        foreach (double v in values)
        {
            if (v != Math.Floor(v) || Math.Abs(v) > 1e9) return false;
            if (distinct.Add(v) && distinct.Count > MaxInferredClasses) return false;
        }

        return true;
    }

    private static float[] ToFloats(double[] values, CsvTable table, string where)
    {
        var floats = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            floats[i] = (float)values[i];
            if (!float.IsFinite(floats[i])) throw new InvalidDataException($"{where}, line {table.LineOf(i)}: {values[i].ToString(CultureInfo.InvariantCulture)} is beyond float32.");
        }

        return floats;
    }

    private static string Describe(IReadOnlyList<string> names, int at) =>
        at < names.Count ? $"column {at + 1} is '{names[at]}' ({names.Count} columns)" : $"{names.Count} columns";
}
