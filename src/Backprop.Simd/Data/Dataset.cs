using System.Numerics.Tensors;
using Backprop.Simd.Kernels;

namespace Backprop.Simd;

/// <summary>
/// Samples to learn from: inputs X [Count, InputSize] and target vectors Y [Count, TargetSize], the
/// y(x) of the lecture's cost C = 1/2n sum_x ||y(x) - a||^2, for any target size. For classification
/// Y holds the one-hot rows of integer labels (<see cref="Labels"/>, 0 to ClassCount - 1, with class
/// names in the <see cref="Schema"/>); for regression Y holds the (possibly standardised) values.
/// Inputs are stored once: as floats, or, for IDX images, as the pixel bytes themselves (x = pixel / 255,
/// a quarter of the memory; the trainer's random gathers read a quarter of the bytes from DRAM).
/// Every read of an input goes through <see cref="CopyInputs"/> or <see cref="Gather"/>.
/// </summary>
public sealed class Dataset
{
    private readonly float[]? _inputs;   // [Count, InputSize], or null when the pixels are kept
    private readonly byte[]? _pixels;    // [Count, InputSize] IDX bytes, input = pixel / 255f
    private readonly float[] _targets;   // [Count, TargetSize]
    private readonly int[] _labels;      // [Count] for classification, empty for regression

    private Dataset(float[]? inputs, byte[]? pixels, int inputSize, float[] targets, int targetSize, int[] labels, DataSchema schema)
    {
        _inputs = inputs;
        _pixels = pixels;
        _targets = targets;
        _labels = labels;
        InputSize = inputSize;
        TargetSize = targetSize;
        Count = targets.Length / targetSize;
        Schema = schema;
    }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>Values per input, d.</summary>
    public int InputSize { get; }

    /// <summary>Values per target vector, k: the class count for classification.</summary>
    public int TargetSize { get; }

    /// <summary>The task, names and standardisations of this data.</summary>
    public DataSchema Schema { get; }

    /// <summary>Classification or regression.</summary>
    public LearningTask Task => Schema.Task;

    /// <summary>Number of classes (labels are 0 to ClassCount - 1); 0 for regression.</summary>
    public int ClassCount => Task == LearningTask.Classification ? TargetSize : 0;

    /// <summary>All target vectors, [Count, TargetSize] (one-hot rows for classification).</summary>
    public ReadOnlySpan<float> Targets => _targets;

    /// <summary>Sample <paramref name="index"/>'s target vector y(x).</summary>
    public ReadOnlySpan<float> Target(int index) => _targets.AsSpan(index * TargetSize, TargetSize);

    /// <summary>All class labels; empty for regression.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>Sample <paramref name="index"/>'s class label.</summary>
    /// <exception cref="InvalidOperationException">The data is for regression.</exception>
    public int Label(int index) =>
        Task == LearningTask.Classification ? _labels[index] : throw new InvalidOperationException("Regression data has no class labels.");

    /// <summary>True when the inputs are kept as IDX pixel bytes (x = pixel / 255).</summary>
    public bool KeepsPixels => _pixels is not null;

    /// <summary>Writes inputs <paramref name="first"/> to first + count - 1 into <paramref name="destination"/> [count, InputSize].</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the data.</exception>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public void CopyInputs(int first, int count, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, Count - count);
        Require.AtLeast(destination, nameof(destination), "[count, InputSize]", (long)count * InputSize);
        CopyRows(first * InputSize, count * InputSize, destination);
    }

    /// <summary>Writes sample <paramref name="index"/>'s input into <paramref name="destination"/> (at least InputSize long).</summary>
    public void CopyInput(int index, Span<float> destination) => CopyInputs(index, 1, destination);

    /// <summary>
    /// The mini-batch gather: inputs and targets of samples <paramref name="indices"/> into x [n, InputSize]
    /// and y [n, TargetSize], n = indices.Length. The one place inputs are converted from pixels.
    /// </summary>
    public void Gather(ReadOnlySpan<int> indices, Span<float> x, Span<float> y)
    {
        Require.AtLeast(x, nameof(x), "[n, InputSize]", (long)indices.Length * InputSize);
        Require.AtLeast(y, nameof(y), "[n, TargetSize]", (long)indices.Length * TargetSize);
        foreach (int i in indices) ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)i, (uint)Count, nameof(indices));
        GatherUnchecked(indices, x, y);
    }

    // The trainer's gather: indices come from its own permutation, the buffers are sized for its slices.
    internal void GatherUnchecked(ReadOnlySpan<int> indices, Span<float> x, Span<float> y)
    {
        int d = InputSize, k = TargetSize;
        bool classes = _labels.Length > 0;
        for (int r = 0; r < indices.Length; r++)
        {
            int sample = indices[r];
            CopyRows(sample * d, d, x.Slice(r * d, d));
            Span<float> row = y.Slice(r * k, k);
            if (classes)
            {
                // Y's one-hot row, written from the label: 4 bytes from a small array instead of a row of a large one.
                row.Clear();
                row[_labels[sample]] = 1;
            }
            else
            {
                _targets.AsSpan(sample * k, k).CopyTo(row);
            }
        }
    }

    private void CopyRows(int start, int length, Span<float> destination)
    {
        destination = destination[..length];
        if (_inputs is not null)
        {
            _inputs.AsSpan(start, length).CopyTo(destination);
            return;
        }

        TensorPrimitives.ConvertTruncating<byte, float>(_pixels.AsSpan(start, length), destination);
        TensorPrimitives.Divide(destination, 255f, destination); // IEEE division: the bits of pixel / 255f one at a time
    }

    /// <summary>Asks for sample <paramref name="index"/>'s input and target rows to be brought into the cache ahead of a gather.</summary>
    internal void PrefetchInput(int index)
    {
        if (_pixels is null) Prefetch.ToL2<float>(_inputs.AsSpan(index * InputSize, InputSize));
        else Prefetch.ToL2<byte>(_pixels.AsSpan(index * InputSize, InputSize));
        if (_labels.Length == 0) Prefetch.ToL2<float>(_targets.AsSpan(index * TargetSize, TargetSize)); // a random row of Y is a DRAM miss too
    }

    /// <summary>
    /// Regression data over the user's arrays: inputs [n, inputSize] and targets [n, targetSize], row-major
    /// (not copied). Names are optional (empty, or one per column).
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not make whole rows of the same count, a value is NaN or infinite, or a name list has the wrong length.</exception>
    public static Dataset FromArrays(float[] inputs, int inputSize, float[] targets, int targetSize,
        IReadOnlyList<string>? inputNames = null, IReadOnlyList<string>? targetNames = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        RequireRows(inputs, inputSize, targets.Length, targetSize, "target");
        RequireFinite(targets, targetSize, nameof(targets), "target");
        var schema = new DataSchema { Task = LearningTask.Regression, InputNames = inputNames ?? [], OutputNames = targetNames ?? [] };
        schema.RequireFits(inputSize, targetSize);
        return new Dataset(inputs, null, inputSize, targets, targetSize, [], schema);
    }

    /// <summary>
    /// Classification data over the user's arrays: inputs [n, inputSize] (not copied) and one label per
    /// row, 0 to classCount - 1. Class names are optional (empty, or one per class).
    /// </summary>
    /// <exception cref="ArgumentException">The lengths disagree, a value is NaN or infinite, fewer than 2 classes, or a label is out of range.</exception>
    public static Dataset FromArrays(float[] inputs, int inputSize, int[] labels, int classCount,
        IReadOnlyList<string>? classNames = null, IReadOnlyList<string>? inputNames = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        RequireRows(inputs, inputSize, labels.Length, 1, "label");
        var schema = new DataSchema { Task = LearningTask.Classification, InputNames = inputNames ?? [], OutputNames = classNames ?? [] };
        schema.RequireFits(inputSize, classCount);
        return new Dataset(inputs, null, inputSize, OneHot(labels, classCount), classCount, labels, schema);
    }

    /// <summary>Regression data from two-dimensional arrays: inputs [n, d], targets [n, k] (copied).</summary>
    public static Dataset FromArrays(float[,] inputs, float[,] targets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        return FromArrays(Flatten(inputs), inputs.GetLength(1), Flatten(targets), targets.GetLength(1));
    }

    /// <summary>Classification data from a two-dimensional array of inputs [n, d] (copied) and n labels; the class count is the largest label + 1 unless given.</summary>
    public static Dataset FromArrays(float[,] inputs, int[] labels, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        int classes = classNames?.Count ?? (labels.Length == 0 ? 2 : Math.Max(2, labels.Max() + 1));
        return FromArrays(Flatten(inputs), inputs.GetLength(1), labels, classes, classNames);
    }

    /// <summary>Reads an IDX image file and its label file; inputs are pixel / 255, kept as the pixel bytes.</summary>
    /// <remarks>The labels are read first, so the image header's count is checked against them (and its
    /// image size against <paramref name="inputSize"/>) before any pixel is decompressed.</remarks>
    /// <param name="imagesPath">The image file, raw or gzip.</param>
    /// <param name="labelsPath">The label file, raw or gzip.</param>
    /// <param name="classCount">Labels must be below this.</param>
    /// <param name="inputSize">The pixels per image the network takes, or null for any.</param>
    /// <exception cref="InvalidDataException">A file is malformed, the two counts differ, or the images are not <paramref name="inputSize"/> pixels; the message names the files.</exception>
    public static Dataset FromIdx(string imagesPath, string labelsPath, int classCount = 10, int? inputSize = null)
    {
        byte[] labels = IdxFile.ReadLabels(labelsPath, classCount);
        IdxImages images;
        try
        {
            images = IdxFile.ReadImages(imagesPath, labels.Length, inputSize);
        }
        catch (InvalidDataException e) when (e.Message.Contains("the label file holds", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{e.Message.TrimEnd('.')} ({labelsPath}).", e);
        }

        return FromIdx(images, imagesPath, labels, labelsPath, classCount);
    }

    /// <summary>Builds a dataset from IDX contents already read (the pixels are kept, not copied); the names appear in errors.</summary>
    internal static Dataset FromIdx(IdxImages images, string imagesName, byte[] labels, string labelsName, int classCount = 10)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if (images.Count != labels.Length)
        {
            throw new InvalidDataException($"{imagesName} holds {images.Count} images but {labelsName} holds {labels.Length} labels.");
        }

        var ints = new int[labels.Length];
        for (int i = 0; i < ints.Length; i++)
        {
            ints[i] = labels[i];
            if (ints[i] >= classCount) throw new InvalidDataException($"{labelsName}: label {labels[i]} of sample {i} is out of range 0..{classCount - 1}.");
        }

        return new Dataset(null, images.Pixels, images.PixelsPerImage, OneHot(ints, classCount), classCount, ints, DataSchema.None);
    }

    /// <summary>A new dataset of the given samples, in that order (inputs and targets copied).</summary>
    public Dataset Subset(ReadOnlySpan<int> indices)
    {
        foreach (int i in indices) ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)i, (uint)Count, nameof(indices));
        int d = InputSize, k = TargetSize;
        float[]? inputs = _inputs is null ? null : new float[indices.Length * d];
        byte[]? pixels = _pixels is null ? null : new byte[indices.Length * d];
        var targets = new float[indices.Length * k];
        int[] labels = _labels.Length == 0 ? [] : new int[indices.Length];
        for (int r = 0; r < indices.Length; r++)
        {
            int s = indices[r];
            if (inputs is not null) _inputs.AsSpan(s * d, d).CopyTo(inputs.AsSpan(r * d));
            if (pixels is not null) _pixels.AsSpan(s * d, d).CopyTo(pixels.AsSpan(r * d));
            _targets.AsSpan(s * k, k).CopyTo(targets.AsSpan(r * k));
            if (labels.Length > 0) labels[r] = _labels[s];
        }

        return new Dataset(inputs, pixels, d, targets, k, labels, Schema);
    }

    /// <summary>
    /// Splits off a seeded random <paramref name="fraction"/> of the samples (stratified: the same
    /// fraction of every class, at least one sample of a class that has two or more). Both keep the original order; Taken holds the fraction.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not in [0, 1).</exception>
    public (Dataset Kept, Dataset Taken) Split(double fraction, ulong seed)
    {
        if (!(fraction >= 0 && fraction < 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "A split fraction is at least 0 and below 1.");
        var inPart = new bool[Count];
        var random = new SeededRandom(seed);
        int groups = Task == LearningTask.Classification ? ClassCount : 1;
        for (int g = 0; g < groups; g++)
        {
            int[] members = Enumerable.Range(0, Count).Where(i => groups == 1 || _labels[i] == g).ToArray();
            int take = (int)Math.Round(fraction * members.Length, MidpointRounding.AwayFromZero);
            if (fraction > 0 && take == 0 && members.Length >= 2) take = 1;
            if (take >= members.Length && members.Length > 0) take = members.Length - 1; // never empty the rest of a group
            random.Shuffle<int>(members);
            foreach (int i in members.AsSpan(0, take)) inPart[i] = true;
        }

        int[] part = Enumerable.Range(0, Count).Where(i => inPart[i]).ToArray();
        int[] rest = Enumerable.Range(0, Count).Where(i => !inPart[i]).ToArray();
        return (Subset(rest), Subset(part));
    }

    /// <summary>
    /// A copy with the schema's standardisations applied: inputs x' = (x - mean) / scale and, for
    /// regression, targets y' likewise. Give <paramref name="schema"/> from the training split to
    /// standardise validation and test data the same way.
    /// </summary>
    /// <exception cref="ArgumentException">The schema does not fit this data.</exception>
    public Dataset Standardize(DataSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (schema.Task != Task) throw new ArgumentException($"The schema is for {schema.Task}; this data is for {Task}.", nameof(schema));
        schema.RequireFits(InputSize, TargetSize);
        float[] inputs = new float[Count * InputSize];
        CopyRows(0, inputs.Length, inputs);
        schema.Inputs?.ApplyRows(inputs);
        float[] targets = (float[])_targets.Clone();
        schema.Targets?.ApplyRows(targets);
        return new Dataset(inputs, null, InputSize, targets, TargetSize, _labels, schema);
    }

    /// <summary>
    /// The schema that standardises this (training) data: the inputs' column means and deviations and,
    /// for regression when <paramref name="targets"/> is true, the targets' too.
    /// </summary>
    public DataSchema FitStandardization(bool inputs = true, bool targets = true)
    {
        float[] x = new float[Count * InputSize];
        CopyRows(0, x.Length, x);
        return Schema with
        {
            Inputs = inputs && Count > 0 ? Standardization.Fit(x, InputSize) : null,
            Targets = targets && Task == LearningTask.Regression && Count > 0 ? Standardization.Fit(_targets, TargetSize) : null,
        };
    }

    private static float[] OneHot(int[] labels, int classCount)
    {
        var targets = new float[(long)labels.Length * classCount];
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException($"Label {labels[i]} of sample {i} is out of range 0..{classCount - 1}.", nameof(labels));
            }

            targets[(long)i * classCount + labels[i]] = 1;
        }

        return targets;
    }

    private static void RequireRows(float[] inputs, int inputSize, int targetValues, int targetSize, string what)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetSize, 1);
        if (inputs.Length % inputSize != 0 || targetValues % targetSize != 0 || inputs.Length / inputSize != targetValues / targetSize)
        {
            throw new ArgumentException($"{inputs.Length} inputs of size {inputSize} and {targetValues} {what} values of size {targetSize} are not the same number of whole rows.", nameof(inputs));
        }

        RequireFinite(inputs, inputSize, nameof(inputs), "input");
    }

    private static void RequireFinite(float[] values, int width, string name, string what)
    {
        int bad = ((ReadOnlySpan<float>)values).IndexOfAnyExceptInRange(float.MinValue, float.MaxValue);
        if (bad >= 0) throw new ArgumentException($"{what} {bad % width} of sample {bad / width} is {values[bad]}; every value must be finite.", name);
    }

    private static float[] Flatten(float[,] values)
    {
        var flat = new float[values.Length];
        int columns = values.GetLength(1), i = 0;
        for (int r = 0; r < values.GetLength(0); r++)
        {
            for (int c = 0; c < columns; c++) flat[i++] = values[r, c];
        }

        return flat;
    }
}
