namespace Backprop.Simd;

/// <summary>
/// What a network's inputs and outputs mean, kept with a dataset and saved with the model: the task,
/// the input column names, the class names (classification) or target names (regression), and the
/// standardisations applied to the inputs and, for regression, the targets. Prediction applies
/// <see cref="Inputs"/> to a raw input and inverts <see cref="Targets"/> on the output.
/// </summary>
public sealed record DataSchema
{
    /// <summary>Classification or regression.</summary>
    public LearningTask Task { get; init; } = LearningTask.Classification;

    /// <summary>One name per input column, or empty when the data has none (IDX pixels).</summary>
    public IReadOnlyList<string> InputNames { get; init; } = [];

    /// <summary>One name per output: the class names for classification, the target names for regression; may be empty.</summary>
    public IReadOnlyList<string> OutputNames { get; init; } = [];

    /// <summary>x' = (x - mean) / scale applied to every input before the first layer, or null.</summary>
    public Standardization? Inputs { get; init; }

    /// <summary>y' = (y - mean) / scale applied to regression targets in training; predictions are mapped back by the inverse. Null for none.</summary>
    public Standardization? Targets { get; init; }

    /// <summary>The schema of a model that knows nothing of its data (a version-1 file, ONNX without metadata): classification, no names, no scaling.</summary>
    public static DataSchema None { get; } = new();

    /// <summary>The class names, or the class indices as text where the schema has none.</summary>
    public string ClassName(int index) => index < OutputNames.Count ? OutputNames[index] : index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Throws unless the schema fits a network of <paramref name="inputs"/> inputs and <paramref name="outputs"/> outputs.</summary>
    /// <exception cref="ArgumentException">A name list or a standardisation has another width.</exception>
    public void RequireFits(int inputs, int outputs)
    {
        if (InputNames.Count != 0 && InputNames.Count != inputs) throw new ArgumentException($"The schema names {InputNames.Count} inputs; the network takes {inputs}.", nameof(inputs));
        if (OutputNames.Count != 0 && OutputNames.Count != outputs) throw new ArgumentException($"The schema names {OutputNames.Count} outputs; the network has {outputs}.", nameof(outputs));
        if (Inputs is { } x && x.Width != inputs) throw new ArgumentException($"The input standardisation has {x.Width} columns; the network takes {inputs} inputs.", nameof(inputs));
        if (Targets is { } y && y.Width != outputs) throw new ArgumentException($"The target standardisation has {y.Width} columns; the network has {outputs} outputs.", nameof(outputs));
        if (Targets is not null && Task != LearningTask.Regression) throw new ArgumentException("Only regression targets are standardised.", nameof(outputs));
    }
}
