using System.Numerics.Tensors;
using Backprop.Simd.Kernels;

namespace Backprop.Simd.Data;

/// <summary>
/// Labelled samples for classification: inputs [Count, InputSize] as floats (IDX pixels scaled to
/// [0, 1]) and one class label per sample.
/// </summary>
public sealed class Dataset
{
    private readonly float[] _inputs;
    private readonly byte[] _labels;

    // For data read from IDX files: the pixels the inputs were made from (input = pixel / 255), a
    // quarter of the bytes. The trainer gathers its mini-batches from these: a random sample's row
    // comes from DRAM, and 784 bytes arrive four times sooner than 784 floats.
    private readonly byte[]? _pixels;

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

    private Dataset(float[] inputs, byte[] labels, int inputSize, int classCount, byte[] pixels)
        : this(inputs, labels, inputSize, classCount) => _pixels = pixels;

    /// <summary>Sample <paramref name="index"/>'s label.</summary>
    public int Label(int index) => _labels[index];

    /// <summary>Writes sample <paramref name="index"/>'s inputs into <paramref name="destination"/>: the bits of
    /// <see cref="Input"/>, from the pixels when the data came from IDX files.</summary>
    internal void CopyInput(int index, Span<float> destination)
    {
        if (_pixels is null)
        {
            Input(index).CopyTo(destination);
            return;
        }

        destination = destination[..InputSize];
        TensorPrimitives.ConvertTruncating<byte, float>(_pixels.AsSpan(index * InputSize, InputSize), destination);
        TensorPrimitives.Divide(destination, 255f, destination); // IEEE division: the same bits as pixel / 255f one at a time
    }

    /// <summary>Asks for sample <paramref name="index"/>'s inputs to be brought into the cache ahead of <see cref="CopyInput"/>.</summary>
    internal void PrefetchInput(int index)
    {
        if (_pixels is null) Prefetch.ToL2(Input(index));
        else Prefetch.ToL2<byte>(_pixels.AsSpan(index * InputSize, InputSize));
    }

    /// <summary>Reads an IDX image file and its label file; pixels are scaled to [0, 1]. The pixels are kept
    /// too (a quarter of the inputs' size), for the trainer's gathers.</summary>
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
        return new Dataset(inputs, labels, images.PixelsPerImage, classCount, images.Pixels.ToArray());
    }
}
