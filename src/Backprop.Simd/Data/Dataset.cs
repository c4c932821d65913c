namespace Backprop.Simd.Data;

/// <summary>
/// Labelled samples for classification: inputs [Count, InputSize] as floats (IDX pixels scaled to
/// [0, 1]) and one class label per sample.
/// </summary>
public sealed class Dataset
{
    private readonly float[] _inputs;
    private readonly byte[] _labels;

    /// <summary>A dataset over the given arrays (not copied).</summary>
    /// <exception cref="ArgumentException">The sizes disagree or a label is out of range.</exception>
    public Dataset(float[] inputs, byte[] labels, int inputSize, int classCount)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if ((long)labels.Length * inputSize != inputs.Length)
        {
            throw new ArgumentException($"{labels.Length} labels need {(long)labels.Length * inputSize} inputs of size {inputSize}; got {inputs.Length}.", nameof(inputs));
        }

        int bad = Array.FindIndex(labels, l => l >= classCount);
        if (bad >= 0)
        {
            throw new ArgumentException($"Label {labels[bad]} of sample {bad} is out of range 0..{classCount - 1}.", nameof(labels));
        }

        _inputs = inputs;
        _labels = labels;
        InputSize = inputSize;
        ClassCount = classCount;
    }

    /// <summary>Number of samples.</summary>
    public int Count => _labels.Length;

    /// <summary>Values per input.</summary>
    public int InputSize { get; }

    /// <summary>Number of classes; labels are 0 to ClassCount - 1.</summary>
    public int ClassCount { get; }

    /// <summary>All inputs, [Count, InputSize].</summary>
    public ReadOnlySpan<float> Inputs => _inputs;

    /// <summary>All labels.</summary>
    public ReadOnlySpan<byte> Labels => _labels;

    /// <summary>Sample <paramref name="index"/>'s input.</summary>
    public ReadOnlySpan<float> Input(int index) => _inputs.AsSpan(index * InputSize, InputSize);

    /// <summary>Sample <paramref name="index"/>'s label.</summary>
    public int Label(int index) => _labels[index];

    /// <summary>Reads an IDX image file and its label file; pixels are scaled to [0, 1].</summary>
    /// <exception cref="InvalidDataException">A file is malformed, or the two counts differ; the message names the files.</exception>
    public static Dataset FromIdx(string imagesPath, string labelsPath, int classCount = 10)
    {
        IdxImages images = IdxFile.ReadImages(imagesPath);
        byte[] labels = IdxFile.ReadLabels(labelsPath, classCount);
        return FromIdx(images, imagesPath, labels, labelsPath, classCount);
    }

    /// <summary>Builds a dataset from IDX contents already read; the names appear in errors.</summary>
    public static Dataset FromIdx(IdxImages images, string imagesName, byte[] labels, string labelsName, int classCount = 10)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.Count != labels.Length)
        {
            throw new InvalidDataException($"{imagesName} holds {images.Count} images but {labelsName} holds {labels.Length} labels.");
        }

        var inputs = new float[images.Pixels.Length];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = images.Pixels[i] / 255f;
        return new Dataset(inputs, labels, images.PixelsPerImage, classCount);
    }
}
