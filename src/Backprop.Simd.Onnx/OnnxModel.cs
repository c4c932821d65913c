using Backprop.Simd.Onnx.Wire;

namespace Backprop.Simd.Onnx;

/// <summary>
/// Dense networks as ONNX models, both ways. Export writes opset 13: per layer one
/// <c>Gemm(a, W, b, transB=1)</c> (our W is [n_out, n_in] row-major, exactly Gemm's B when
/// transB=1) and the activation node; input "input" and output "output" are [batch, n] float
/// with a symbolic batch. The schema's standardisations become Sub/Div nodes before the first
/// layer and Mul/Add nodes after the last, its task and names metadata. Import reads what
/// <c>torch.onnx.export</c> and ONNX's helpers write for an MLP (Gemm or MatMul + Add,
/// Sigmoid/Tanh/Relu/Softmax, Flatten/Reshape of the input, Identity, Constant), those
/// standardisations back into the schema, and refuses anything else by node and reason.
/// docs/onnx.md lists the rules.
/// </summary>
public static class OnnxModel
{
    /// <summary>The opset of exported models.</summary>
    public const int Opset = 13;

    /// <summary>The IR version of exported models (the one that goes with opset 13).</summary>
    public const long IrVersion = 7;

    /// <summary>Metadata key under which export records the cost function (Quadratic, CrossEntropy, LogLikelihood).</summary>
    public const string CostMetadataKey = "backprop_simd.cost";

    /// <summary>Metadata key under which export records the task: "classification" or "regression".</summary>
    public const string TaskMetadataKey = "backprop_simd.task";

    /// <summary>Metadata key under which export records the input names, as a JSON array of strings (absent when there are none).</summary>
    public const string InputNamesMetadataKey = "backprop_simd.input_names";

    /// <summary>Metadata key under which export records the class or target names, as a JSON array of strings (absent when there are none).</summary>
    public const string OutputNamesMetadataKey = "backprop_simd.output_names";

    /// <summary>The lowest opset of the default domain that import accepts (Gemm's current form).</summary>
    public const int MinImportOpset = 7;

    /// <summary>
    /// The highest opset of the default domain that import accepts: the operators it reads have the
    /// meaning it assumes up to this version; a later one (or a made-up 99999) may not, so it is refused.
    /// </summary>
    public const int MaxImportOpset = 23;

    /// <summary>The model as the bytes of an .onnx file.</summary>
    public static byte[] Serialize(SavedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return OnnxExporter.Build(model).Serialize();
    }

    /// <summary>Saves atomically: either the complete new file or the previous one stays.</summary>
    /// <exception cref="IOException">The file could not be written; the message names it.</exception>
    public static void Save(string path, SavedModel model)
    {
        byte[] bytes = Serialize(model);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Loads an .onnx file of a dense network.</summary>
    /// <exception cref="InvalidDataException">The file is not valid protobuf, or its graph is not a dense network this
    /// engine runs exactly; the message names the file and the broken message, or the node and why.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static SavedModel Load(string path)
    {
        return Deserialize(RegularFile.ReadAllBytes(path, Array.MaxLength, "ONNX file"), path);
    }

    /// <summary>Reads a model from the bytes of an .onnx file; <paramref name="name"/> appears in errors.</summary>
    /// <exception cref="InvalidDataException">The bytes are not valid protobuf or not a dense network; names the node and why.</exception>
    public static SavedModel Deserialize(ReadOnlySpan<byte> bytes, string name)
    {
        OnnxModelProto proto;
        try
        {
            proto = OnnxModelProto.Read(bytes.ToArray());
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{name}: not a readable ONNX model: {e.Message}", e);
        }

        return new OnnxImporter(name).Import(proto);
    }
}
