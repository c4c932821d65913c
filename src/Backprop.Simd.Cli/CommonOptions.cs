using System.CommandLine;
using System.Globalization;
using Backprop.Simd.Onnx;

namespace Backprop.Simd.Cli;

/// <summary>Options several commands share, and the parsing of their values into the library's types.</summary>
internal static class CommonOptions
{
    public static Option<string?> Data() => new("--data")
    {
        Description = "Folder with the four MNIST-named IDX files (raw or .gz); default: the embedded digits",
    };

    /// <summary>A model with its schema, or a usage error when the data is not what it was trained on.</summary>
    public static void RequireSchemaFits(SavedModel model, Dataset data, string source)
    {
        if (model.Schema.Task != data.Task)
        {
            throw new UsageException($"--data: the model is for {TrainingData.Name(model.Schema.Task)}, but {source} was read as {TrainingData.Name(data.Task)} (say --task).");
        }

        RequireFits(model.Network.Layout, data, source);
    }

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print JSON objects, one per line, instead of tables",
    };

    public static Option<string> Weights() => new("--weights")
    {
        Description = "How the predictor stores the weights: float32 (the trained bits, default) or bf16 (half the bytes, about twice as fast, slightly different outputs)",
        DefaultValueFactory = _ => "float32",
    };

    public static WeightPrecision ParseWeights(string text) => text.ToLowerInvariant() switch
    {
        "float32" or "fp32" or "f32" => WeightPrecision.Float32,
        "bf16" or "bfloat16" => WeightPrecision.BFloat16,
        _ => throw new UsageException($"--weights: '{text}' is not a weight precision; use float32 or bf16."),
    };

    public static Option<string> Model(bool required) => new("--model")
    {
        Description = "Model file written by 'backprop train', or an ONNX model (*.onnx) of a dense network",
        Required = required,
    };

    /// <summary>A model in our format (known by its magic) or, for a *.onnx file, in ONNX.</summary>
    public static SavedModel LoadModel(string path)
    {
        if (!Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase) || !File.Exists(path)) return ModelFile.Load(path);
        RegularFile.Require(path, "model file"); // before the first read: a FIFO would block it
        Span<byte> head = stackalloc byte[8];
        using (FileStream file = File.OpenRead(path)) head = head[..file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        return head.SequenceEqual(ModelFile.Magic) ? ModelFile.Load(path) : OnnxModel.Load(path);
    }

    public static Option<ulong> Seed() => new("--seed")
    {
        Description = "Seed of initialisation and shuffles",
        DefaultValueFactory = _ => 1,
    };

    public static DataSplit LoadData(string? folder) => folder is null ? EmbeddedDigits.Load() : MnistFolder.Load(folder);

    public static int[] ParseLayers(string text, string option = "--layers", int minimum = 2)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1)
            {
                throw new UsageException($"{option}: '{parts[i]}' (item {i + 1} of '{text}') is not a layer size; use positive integers such as {(minimum == 2 ? "784,30,10" : "32,16")}.");
            }
        }

        if (sizes.Length < minimum) throw new UsageException($"{option}: '{text}' needs at least an input and an output size, such as 784,10.");
        return sizes;
    }

    public static Activation ParseActivation(string text, string option) => text.ToLowerInvariant() switch
    {
        "sigmoid" => Activation.Sigmoid,
        "tanh" => Activation.Tanh,
        "relu" => Activation.Relu,
        "identity" or "linear" => Activation.Identity,
        "softmax" => Activation.Softmax,
        _ => throw new UsageException($"{option}: '{text}' is not an activation; use sigmoid, tanh, relu, identity or softmax."),
    };

    public static CostFunction ParseCost(string text) => text.ToLowerInvariant() switch
    {
        "quadratic" => CostFunction.Quadratic,
        "cross-entropy" or "crossentropy" => CostFunction.CrossEntropy,
        "log-likelihood" or "loglikelihood" => CostFunction.LogLikelihood,
        _ => throw new UsageException($"--cost: '{text}' is not a cost; use quadratic, cross-entropy or log-likelihood."),
    };

    public static Optimizer ParseOptimizer(string text) => text.ToLowerInvariant() switch
    {
        "sgd" => Optimizer.Sgd,
        "momentum" => Optimizer.Momentum,
        "nesterov" => Optimizer.Nesterov,
        "adam" => Optimizer.Adam,
        "adamw" => Optimizer.AdamW,
        _ => throw new UsageException($"--optimizer: '{text}' is not an optimizer; use sgd, momentum, nesterov, adam or adamw."),
    };

    public static Schedule ParseSchedule(string text) => text.ToLowerInvariant() switch
    {
        "constant" => Schedule.Constant,
        "step" => Schedule.Step,
        "exponential" => Schedule.Exponential,
        "cosine" => Schedule.Cosine,
        _ => throw new UsageException($"--schedule: '{text}' is not a schedule; use constant, step, exponential or cosine."),
    };

    public static Initialization ParseInit(string text) => text.ToLowerInvariant() switch
    {
        "scaled" => Initialization.Scaled,
        "nielsen" => Initialization.Nielsen,
        "xavier" => Initialization.Xavier,
        "he" => Initialization.He,
        _ => throw new UsageException($"--init: '{text}' is not an initialisation; use scaled, nielsen, xavier or he."),
    };

    public static string Name(CostFunction cost) => cost switch
    {
        CostFunction.CrossEntropy => "cross-entropy",
        CostFunction.LogLikelihood => "log-likelihood",
        _ => "quadratic",
    };

    /// <summary>The layout for --layers, --activation and --output-activation, checked against the data.</summary>
    public static NetworkLayout Layout(int[] sizes, Activation hidden, Activation output)
    {
        if (hidden == Activation.Softmax) throw new UsageException("--activation: softmax is allowed on the output layer only; use --output-activation softmax.");
        Activation[] activations = Enumerable.Repeat(hidden, sizes.Length - 2).Append(output).ToArray();
        return new NetworkLayout(sizes, activations);
    }

    public static void RequireFits(NetworkLayout layout, Dataset data, string source)
    {
        if (layout.InputSize != data.InputSize)
        {
            throw new UsageException($"--layers: the network takes {layout.InputSize} inputs, but {source} has {data.InputSize} values per sample.");
        }

        if (layout.OutputSize != data.TargetSize)
        {
            string targets = data.Task == LearningTask.Classification ? $"{data.ClassCount} classes (one output each)" : $"{data.TargetSize} target value(s) per sample";
            throw new UsageException($"--layers: the network has {layout.OutputSize} outputs, but {source} has {targets}.");
        }
    }
}
